"""Placeholder replaced by the subscription pages module."""
