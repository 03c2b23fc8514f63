"""The feed address calendar clients fetch: `GET /feeds/<token>.ics` (HEAD too).

No session, no sign-in: the token is the credential.  Every answer carries
`Referrer-Policy: no-referrer`; 404 (unknown or revoked, the same body either way), 410
(the owner is deactivated or lost the right to see the feed) and 429 are a line of plain
text.  Two rate limits, kept in the shared limiter's storage: FEED_FETCH_LIMIT per feed
(keyed by the token's hash), and FEED_UNKNOWN_LIMIT per address counting only answers of
404, so that a whole office behind one address fetching good feeds is never slowed by the
address, while a client guessing addresses soon gets 429."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from flask import Response, current_app, g, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from limits import parse_many
from werkzeug.http import http_date

from planner.domain.feeds import plausible_token, token_hash
from planner.extensions import csrf, limiter
from planner.feeds import bp
from planner.models.base import utcnow
from planner.services import feed_fetch

CACHE_CONTROL = "private, max-age=0, must-revalidate"
RETRY_AFTER = "60"


@bp.url_value_preprocessor
def _no_referrer(endpoint, values) -> None:
    """Asked before any other hook runs, so that even an answer refused early keeps the
    feed's address out of Referer headers (`planner.web.pin_referrer_policy` applies
    `g.referrer_policy` last, after the security headers)."""
    if endpoint == "feeds.fetch":
        g.referrer_policy = "no-referrer"


@bp.get("/feeds/<token>.ics")
@limiter.exempt  # limited in the view: per feed once the token is known, per address on 404
@csrf.exempt  # GET and HEAD only, which CSRF protection leaves alone anyway: no session here
def fetch(token: str):
    config = current_app.config
    key = token_hash(token) if plausible_token(token) else None
    result = feed_fetch.fetch(
        token, utcnow(), if_none_match=request.headers.get("If-None-Match"),
        if_modified_since=request.if_modified_since,
        base_url=config.get("PUBLIC_BASE_URL") or request.url_root.rstrip("/"),
        uid_domain=config["FEED_UID_DOMAIN"],
        admit=lambda: _count("FEED_FETCH_LIMIT", "feed-fetch", key))
    if result.status == 404:
        return _refusal(404 if _count("FEED_UNKNOWN_LIMIT", "feed-unknown", get_remote_address())
                        else 429)
    if result.status in (410, 429):
        return _refusal(result.status)
    if result.status == 304:
        response = FeedResponse(status=304)
    else:
        response = FeedResponse(result.body, status=200, content_type="text/calendar; charset=utf-8")
        response.headers["Content-Disposition"] = f'inline; filename="{file_name(result.name)}"'
    response.headers["ETag"] = result.etag
    response.headers["Last-Modified"] = http_date(result.last_modified)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


class FeedResponse(Response):
    """Keeps Last-Modified on a 304, which werkzeug drops with the body's headers: a client
    that revalidates by date alone (If-Modified-Since) updates its copy's date from it
    (RFC 9110 15.4.5 allows it for this purpose)."""

    def get_wsgi_headers(self, environ):
        headers = super().get_wsgi_headers(environ)
        if self.status_code == 304 and "Last-Modified" in self.headers:
            headers["Last-Modified"] = self.headers["Last-Modified"]
        return headers


def _refusal(status: int) -> Response:
    text = {
        404: _("This calendar address does not exist."),
        410: _("This calendar is no longer available to its owner."),
        429: _("Too many requests for calendars. Try again in a minute."),
    }[status]
    response = Response(text + "\n", status=status, content_type="text/plain; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    if status == 429:
        response.headers["Retry-After"] = RETRY_AFTER
    return response


def file_name(name: str) -> str:
    """The subscription's name as a plain ASCII file name: "Kalender Humas" → kalender-humas.ics."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60].strip("-")
    return f"{slug or 'pranata'}.ics"


# -- rate limits -------------------------------------------------------------------------

@lru_cache(maxsize=16)
def _items(value: str):
    return tuple(parse_many(value))


def _keys(scope: str, key: str) -> tuple[str, ...]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")
    return (prefix, scope, key) if prefix else (scope, key)


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _count(setting: str, scope: str, key: str | None) -> bool:
    """Count a request against the limits; False when it went over one of them."""
    if not _enabled() or key is None:
        return True
    results = [limiter.limiter.hit(item, *_keys(scope, key))
               for item in _items(current_app.config[setting])]
    return all(results)
