"""Configuration read from the environment.

`DATABASE_URL`, `SECRET_KEY` and (optionally) `REDIS_URL` come from the
environment.  Development invents a secret key once and keeps it in
`instance/secret_key`; production refuses to start without a real one.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("PRANATA_INSTANCE", BASE_DIR / "instance"))

WEAK_SECRETS = {"", "dev", "secret", "changeme", "change-me", "please-change-me"}


def _normalise_database_url(url: str) -> str:
    """Let people write `postgres://` or `postgresql://` and get psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _development_secret() -> str:
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    ENV_NAME = "base"
    SQLALCHEMY_DATABASE_URI = _normalise_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'pranata.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_ENABLED = True  # explicit: the shared limiter would otherwise keep another app's setting
    RATELIMIT_HEADERS_ENABLED = False
    # Sign-in limits count failed attempts only, per account and per address;
    # successful sign-ins never count against an address, because a whole
    # office often reaches us through one public IP.
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per minute;20 per hour")
    LOGIN_LIMIT_FAILED_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_FAILED_PER_ADDRESS", "60 per 15 minutes")
    # Wrong current passwords on the password-change form, per signed-in person.
    PASSWORD_CHANGE_LIMIT = os.environ.get("PASSWORD_CHANGE_LIMIT", "5 per 15 minutes")
    # Per person: generous for real work, a brake on scripts that would fill the audit trail
    # with refusals or the database with exports.
    EXPORT_LIMIT = os.environ.get("EXPORT_LIMIT", "20 per minute;200 per day")
    WORKFLOW_ACTION_LIMIT = os.environ.get("WORKFLOW_ACTION_LIMIT", "60 per minute;1000 per hour")
    # Calendar feeds.  The public address feed URLs are built on (https://host, no trailing
    # slash); empty: the address the request came in on.  The UID domain must never change
    # once feeds are subscribed, or every calendar sees every event as new.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")
    FEED_UID_DOMAIN = os.environ.get("FEED_UID_DOMAIN", "pranata")
    FEED_FETCH_LIMIT = os.environ.get("FEED_FETCH_LIMIT", "30 per minute;600 per hour")
    FEED_UNKNOWN_LIMIT = os.environ.get("FEED_UNKNOWN_LIMIT", "30 per minute")
    # Rendered feeds each worker keeps in memory (least recently used dropped first).
    FEED_CACHE_MAX_BYTES = int(os.environ.get("FEED_CACHE_MAX_BYTES", 64 * 1024 * 1024))
    # An agenda file larger than this is refused before it is parsed.
    AGENDA_IMPORT_MAX_BYTES = int(os.environ.get("AGENDA_IMPORT_MAX_BYTES", 2 * 1024 * 1024))
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    LANGUAGES = ("id", "en")
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    FORCE_HTTPS = False
    PASSWORD_HASH_METHOD = "scrypt"
    # Behind a reverse proxy that sets X-Forwarded-For/-Proto, trust one hop of it.
    TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "0") == "1"
    PASSWORD_MIN_LENGTH = 10
    # How often a session's "last seen" time is written (seconds).
    SESSION_TOUCH_INTERVAL = 300

    @classmethod
    def prepare(cls) -> dict:
        """Return the settings that need work at start-up (the secret key)."""
        return {"SECRET_KEY": os.environ.get("SECRET_KEY") or _development_secret()}


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class ProductionConfig(Config):
    ENV_NAME = "production"
    # Error logs must not carry bound parameters (e-mails, password hashes).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") != "0"
    FORCE_HTTPS = os.environ.get("FORCE_HTTPS", "0") == "1"

    @classmethod
    def prepare(cls) -> dict:
        key = os.environ.get("SECRET_KEY", "")
        if key.strip().lower() in WEAK_SECRETS or len(key) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters "
                "in production (for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        return {"SECRET_KEY": key}


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    RATELIMIT_STORAGE_URI = "memory://"

    @classmethod
    def prepare(cls) -> dict:
        return {"SECRET_KEY": "testing-" + secrets.token_hex(16)}


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def config_from_environment() -> type[Config]:
    return CONFIGS[os.environ.get("PRANATA_ENV", "development")]
