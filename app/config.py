"""Configuration defaults, read from the environment.

Order of precedence (lowest first): these defaults, ``instance/config.py``, the
mapping passed to :func:`app.create_app`.  Secrets and addresses come from the
environment, never from code.
"""

from __future__ import annotations

import math
import os
from datetime import timedelta
from pathlib import Path

from app.clock import system_now

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Keys that are known placeholders and must never protect a real deployment.
DEFAULT_SECRET_KEYS = frozenset({"", "dev", "development", "secret", "changeme", "change-me",
                                 "please-change-me", "test", "testing"})

ENVIRONMENTS = ("production", "development", "testing")


def weak_secret_key(key: str) -> bool:
    """A key that is missing, a known placeholder, or guessable.

    The estimate is length × log2(distinct characters): 64 hex digits give 256 bits,
    "passwordpassword" 45.  At least 128 bits and 8 distinct characters are required.
    """
    if key.strip().lower() in DEFAULT_SECRET_KEYS or len(key) < 16:
        return True
    distinct = len(set(key))
    return distinct < 8 or len(key) * math.log2(distinct) < 128


def instance_path() -> Path:
    """The instance folder: INSTANCE_PATH from the environment, else ./instance."""
    return Path(os.environ.get("INSTANCE_PATH") or PROJECT_ROOT / "instance").resolve()


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


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


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
        #: The site's public address (e.g. https://pst.example.go.id), used for links in
        #: emails so they never depend on the Host header of a request.
        "PUBLIC_URL": (os.environ.get("PUBLIC_URL") or "").rstrip("/") or None,
        #: Host names the site answers to (comma-separated; ".example.go.id" allows its
        #: subdomains); others get 400.  Default: PUBLIC_URL's host plus localhost.
        "TRUSTED_HOSTS": [h.strip() for h in os.environ["TRUSTED_HOSTS"].split(",") if h.strip()]
                         if os.environ.get("TRUSTED_HOSTS") else None,
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
        #: Keep anonymous visitors' public pages in memory (app/pagecache.py): on, off, or
        #: unset for "on with SQLite or with REDIS_URL".  Several hosts share its
        #: invalidation through Redis; without Redis they must turn it off.
        "PAGE_CACHE": None if os.environ.get("PAGE_CACHE") in (None, "") else _flag("PAGE_CACHE", False),
        #: Pages and megabytes kept per process (the least recently used go first).
        "PAGE_CACHE_ENTRIES": _int("PAGE_CACHE_ENTRIES", 512),
        "PAGE_CACHE_MB": _int("PAGE_CACHE_MB", 32),
        #: With REDIS_URL: the counter every host increments after a write, and how often
        #: (seconds, per process) it is read.  Sites sharing one Redis need their own key.
        "PAGE_CACHE_REDIS_KEY": os.environ.get("PAGE_CACHE_REDIS_KEY") or "pst-page-generation",
        "PAGE_CACHE_CHECK_SECONDS": _float("PAGE_CACHE_CHECK_SECONDS", 0.5),
        #: Check the search index against the database when the app starts.
        "SEARCH_SYNC_ON_START": _flag("SEARCH_SYNC_ON_START", True),
        #: Before a search, ask the catalogue change log for its newest id at most this
        #: often (seconds, per process), to apply changes made on other hosts.
        "SEARCH_LOG_CHECK_SECONDS": _float("SEARCH_LOG_CHECK_SECONDS", 0.5),
        #: Days of the catalogue change log kept by `flask catalogue prune-changes`.  A host
        #: whose index is older than what is left compares its whole index instead.
        "CATALOGUE_CHANGE_KEEP_DAYS": _int("CATALOGUE_CHANGE_KEEP_DAYS", 30),
        #: Callable returning the current aware datetime: the one clock (app/clock.py).
        "CLOCK": system_now,
        #: Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto to
        #: trust; rate limits key on the client address, so set it behind a proxy.
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        #: "Remember me" keeps a user logged in this long.
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),

        # ---- accounts: email (see app/mail.py) --------------------------------------
        #: SMTP server; unset means messages are written to instance/outbox/ instead.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        #: In production, write emails to instance/outbox/ instead of sending them: only
        #: when asked for (a production site without a mail server refuses to start).
        "MAIL_OUTBOX": _flag("MAIL_OUTBOX", False),
        "MAIL_PORT": _int("MAIL_PORT", 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        #: STARTTLS after connecting (port 587); MAIL_USE_SSL is TLS from the start (465).
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _flag("MAIL_USE_SSL", False),
        "MAIL_FROM": os.environ.get("MAIL_FROM") or "PST Perpustakaan <no-reply@localhost>",
        #: Seconds to wait for the SMTP server.
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 15),
        #: Hand messages to the SMTP server from a background thread, so a page answers in
        #: the same time whether or not it sent mail (and so never tells who is registered).
        "MAIL_SEND_IN_BACKGROUND": _flag("MAIL_SEND_IN_BACKGROUND", True),

        # ---- accounts: link lifetimes, in seconds -----------------------------------
        "VERIFY_EMAIL_MAX_AGE": _int("VERIFY_EMAIL_MAX_AGE", 3 * 24 * 3600),
        "RESET_PASSWORD_MAX_AGE": _int("RESET_PASSWORD_MAX_AGE", 3600),
        "CHANGE_EMAIL_MAX_AGE": _int("CHANGE_EMAIL_MAX_AGE", 24 * 3600),
        #: Accounts never verified are erased this many days after registering (the
        #: retention the privacy statement promises; `flask data purge`).
        "UNVERIFIED_ACCOUNT_DAYS": _int("UNVERIFIED_ACCOUNT_DAYS", 30),

        # ---- accounts: rate limits (Flask-Limiter) ----------------------------------
        #: Redis shared by every worker, e.g. redis://127.0.0.1:6379/0; unset means each
        #: process counts on its own (a warning is logged).
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        #: Prefix of the rate limit keys in Redis (several sites may share one Redis).
        "RATELIMIT_REDIS_KEY_PREFIX": os.environ.get("RATELIMIT_REDIS_KEY_PREFIX") or "pst-limits",
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_HEADERS_ENABLED": True,
        #: If Redis goes away, keep limiting in memory rather than failing requests.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        #: Login attempts from one address (all attempts count).
        "LIMIT_LOGIN_PER_IP": "20 per minute; 200 per hour",
        #: Failed logins for one email address from one client (a stranger locks only themself).
        "LIMIT_LOGIN_PER_ADDRESS_AND_CLIENT": "10 per 15 minutes",
        #: Failed logins for one email address from anywhere: a ceiling against distributed
        #: guessing; a browser that logged in to the account before is not held by it.
        "LIMIT_LOGIN_PER_ADDRESS": "100 per hour",
        #: Registration attempts from one address (generous: a class may share one).
        "LIMIT_REGISTER_PER_IP": "30 per hour; 200 per day",
        #: Accepted requests that send an email (register, resend, reset, change email),
        #: per client address and per recipient address.
        "LIMIT_EMAIL_PER_IP": "30 per hour; 200 per day",
        "LIMIT_EMAIL_PER_ADDRESS_AND_CLIENT": "3 per hour; 10 per day",
        "LIMIT_EMAIL_PER_ADDRESS": "20 per hour; 50 per day",
        #: Password checks on the account pages (change password/email, delete), per user.
        "LIMIT_PASSWORD_CHECK_PER_USER": "10 per 15 minutes",

        # ---- catalogue: softcopies ----------------------------------------------------
        #: Folder of the stored softcopies (content-addressed by SHA-256); default
        #: instance/softcopies.  With several hosts, one folder shared by all of them.
        "SOFTCOPY_DIR": os.environ.get("SOFTCOPY_DIR") or None,
        #: Largest PDF accepted as a softcopy, in pages (stamping cost grows with pages).
        "SOFTCOPY_MAX_PAGES": _int("SOFTCOPY_MAX_PAGES", 3000),
        #: Limits on extracting a new softcopy's text for the index (a separate process):
        #: seconds and megabytes.  Keep the seconds well below gunicorn's worker timeout.
        "SOFTCOPY_TEXT_TIMEOUT": _int("SOFTCOPY_TEXT_TIMEOUT", 15),
        "SOFTCOPY_TEXT_MEMORY_MB": _int("SOFTCOPY_TEXT_MEMORY_MB", 768),
        #: New reads and downloads (each stamps a copy) per account, and fetches of stamped copies.
        "LIMIT_SOFTCOPY_PER_USER": "30 per 10 minutes; 300 per day",
        "LIMIT_SOFTCOPY_FILE_PER_USER": "120 per 10 minutes",

        # ---- visits: guest-book kiosk, queue, waiting-room display (app/visits) -------
        #: Seconds without a touch after which the kiosk clears its form for the next visitor.
        "VISITS_KIOSK_IDLE_SECONDS": _int("VISITS_KIOSK_IDLE_SECONDS", 90),
        #: Seconds the kiosk's "Masih di sini?" warning counts down before clearing the form.
        "VISITS_KIOSK_WARN_SECONDS": _int("VISITS_KIOSK_WARN_SECONDS", 10),
        #: Seconds the kiosk shows a new ticket before returning to an empty form.
        "VISITS_TICKET_SECONDS": _int("VISITS_TICKET_SECONDS", 30),
        #: How often (milliseconds) the waiting-room display asks whether a number was called.
        "VISITS_DISPLAY_POLL_MS": _int("VISITS_DISPLAY_POLL_MS", 1000),
        #: A returning visitor's one-time code: lifetime in seconds, wrong tries allowed.
        "VISITS_CODE_MAX_AGE": _int("VISITS_CODE_MAX_AGE", 600),
        "VISITS_CODE_ATTEMPTS": 5,
        #: Guest-book submissions from one client address.  A kiosk is one address that
        #: legitimately submits all day (a form takes a visitor well over a minute), so the
        #: limit only stops a script flooding the guest book.
        "LIMIT_VISITS_GUESTBOOK_PER_IP": "20 per minute; 1000 per day",
        #: One-time codes mailed to returning visitors: per kiosk, and per recipient address.
        "LIMIT_VISITS_CODE_PER_IP": "30 per hour; 300 per day",
        "LIMIT_VISITS_CODE_PER_ADDRESS": "3 per hour; 10 per day",
        #: Wrong codes typed at one kiosk (each code also dies after VISITS_CODE_ATTEMPTS).
        "LIMIT_VISITS_CODE_CHECK_PER_IP": "20 per 15 minutes",

        # ---- feedback: survey, ratings, requests and complaints (app/feedback) -------
        #: A respondent answers the satisfaction survey once per office per period of this
        #: kind (month, quarter, semester or year), counted in the office's time zone.
        "FEEDBACK_SURVEY_PERIOD": os.environ.get("FEEDBACK_SURVEY_PERIOD") or "quarter",
        #: Seconds a signed survey token (an anonymous browser, a visit ticket) stays valid.
        "FEEDBACK_SURVEY_TOKEN_MAX_AGE": _int("FEEDBACK_SURVEY_TOKEN_MAX_AGE", 7 * 24 * 3600),
        #: Days the download link of a fulfilled softcopy request works.
        "FEEDBACK_SOFTCOPY_LINK_DAYS": _int("FEEDBACK_SOFTCOPY_LINK_DAYS", 7),
        #: Accepted survey answers and complaints sent without an account, per client address.
        "LIMIT_FEEDBACK_FORM_PER_IP": "20 per hour; 100 per day",
        #: New requests, reports, ratings and replies by one logged-in user.
        "LIMIT_FEEDBACK_POST_PER_USER": "30 per hour; 100 per day",
        #: Complaint status lookups (/<slug>/pengaduan/<code>) from one client address.
        "LIMIT_FEEDBACK_CODE_PER_IP": "30 per minute; 300 per hour",
    }
