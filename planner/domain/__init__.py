"""Domain rules as plain functions and dataclasses: no Flask, no database session.

Messages are marked with `N_` so that `pybabel extract` finds them; the web layer
translates them when it shows them.
"""
