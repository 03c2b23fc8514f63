"""The two forms of a feed's address: the web address (https, or whatever scheme the
public base has) that Google Calendar and Outlook take, and the same address as
`webcal://`, which opens the calendar application on phones and Macs."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


class NoBaseURL(RuntimeError):
    """No PUBLIC_BASE_URL is set and there is no request to take the address from."""


def usable_base_url(base: str) -> bool:
    """An absolute http(s) address without query or fragment."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not (parts.query or parts.fragment)


def _path(token: str) -> str:
    """The feed's path on the site, without building a URL from a request."""
    return current_app.url_map.bind("localhost").build("feeds.fetch", {"token": token})


def feed_addresses(token: str, base_url: str | None = None) -> tuple[str, str]:
    """(web address, webcal address) of the feed with this token.  The base is `base_url`,
    else PUBLIC_BASE_URL, else (in a request) the address the request came in on."""
    base = (base_url or current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if base:
        web = base + _path(token)
    elif has_request_context():
        web = url_for("feeds.fetch", token=token, _external=True)
    else:
        raise NoBaseURL("set PUBLIC_BASE_URL or give a base URL")
    return web, "webcal" + web[web.index(":"):]
