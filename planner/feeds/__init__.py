"""The calendar feeds feature: subscriptions (pages and commands) and the feed addresses
calendar clients fetch.  Routes live in the modules imported below, on one blueprint."""
from flask import Blueprint

bp = Blueprint("feeds", __name__)

from planner.feeds import fetch_routes, subscription_routes  # noqa: E402,F401
