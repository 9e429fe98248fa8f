"""Configuration defaults, read from the environment.

Order of precedence (lowest first): these defaults, ``instance/config.py``, the
mapping passed to :func:`app.create_app`.  Secrets and addresses come from the
environment, never from code.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Keys that are known placeholders and must never protect a real deployment.
DEFAULT_SECRET_KEYS = frozenset({"", "dev", "development", "secret", "changeme", "change-me",
                                 "please-change-me", "test", "testing"})

ENVIRONMENTS = ("production", "development", "testing")


def instance_path() -> Path:
    """The instance folder: INSTANCE_PATH from the environment, else ./instance."""
    return Path(os.environ.get("INSTANCE_PATH") or PROJECT_ROOT / "instance").resolve()


def utcnow() -> datetime:
    """The current time, timezone-aware; tests replace it through ``CLOCK``."""
    return datetime.now(timezone.utc)


def database_url(raw: str | None) -> str | None:
    """Normalise a DATABASE_URL so PostgreSQL goes through psycopg 3."""
    if not raw:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def from_environment() -> dict:
    """Settings for this process, from the environment."""
    env = os.environ.get("APP_ENV", "production").strip().lower()
    secure = os.environ.get("SECURE_COOKIES")
    return {
        #: production, development or testing; only the last two run without a real key.
        "APP_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        #: None means SQLite in the instance folder (filled in by the factory).
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("DATABASE_URL")),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        #: Folder of office profiles (*.yaml).
        "OFFICES_DIR": os.environ.get("OFFICES_DIR") or str(PROJECT_ROOT / "offices"),
        #: Serve a single office at / (a per-office deployment).
        "SITE_OFFICE": os.environ.get("SITE_OFFICE") or None,
        "SITE_NAME": "PST Perpustakaan",
        #: Largest request body accepted (uploads of PDFs by staff are the largest).
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 64 * 1024 * 1024)),
        #: Secure flag on cookies; None means "on in production" (decided by the factory).
        "SECURE_COOKIES": None if secure is None else _flag("SECURE_COOKIES", True),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        #: CSRF tokens live as long as the session, so a kiosk form left open still posts.
        "WTF_CSRF_TIME_LIMIT": None,
        #: Send HSTS (only behind HTTPS).
        "HSTS": _flag("HSTS", False),
        #: Check the search index against the database when the app starts.
        "SEARCH_SYNC_ON_START": _flag("SEARCH_SYNC_ON_START", True),
        #: Callable returning the current aware datetime.
        "CLOCK": utcnow,
    }
