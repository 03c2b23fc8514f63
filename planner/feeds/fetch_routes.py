"""Placeholder replaced by the fetch route module."""
