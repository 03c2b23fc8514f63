"""The channels feature: a unit's channels, their follower counts, and the unit's planning settings."""
