"""PST Perpustakaan: the library service of BPS offices, one microsite per office."""

from __future__ import annotations

import importlib
import logging
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit
from typing import Any, Mapping

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config as settings
from app.config import PROJECT_ROOT
from app.extensions import csrf, db, limiter, login_manager, migrate
from app import site
from app.templating import App
from app.offices import load_offices

log = logging.getLogger(__name__)

#: The features of the site, in the order they plug in.  Each is a package whose
#: ``init_app(app)`` registers its blueprints and CLI and contributes its links, panels,
#: personal data and widgets through the registry (app/contrib.py).  Adding a feature
#: is adding its package here.
FEATURES = (
    "app.standard",
    "app.accounts",
    "app.catalogue",
    "app.reach",
    "app.feedback",
    "app.visits",
    "app.staff",
)


class ConfigurationError(RuntimeError):
    """The application is configured in a way that must not be served."""


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; refuse to start on a bad key or a broken office profile."""
    config = dict(config or {})
    instance_path = config.pop("INSTANCE_PATH", None) or settings.instance_path()
    app = App(
        __name__,
        instance_path=str(instance_path),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(settings.from_environment())
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(config)

    _check_environment(app)
    _private_folder(Path(app.instance_path))
    _configure_database(app)

    app.extensions["offices"] = load_offices(Path(app.config["OFFICES_DIR"]))
    site_office = app.config["SITE_OFFICE"]
    if site_office and site_office not in app.extensions["offices"]:
        known = ", ".join(sorted(app.extensions["offices"]))
        raise ConfigurationError(f"SITE_OFFICE={site_office!r} is not an office profile (known: {known})")

    db.init_app(app)
    # Batch mode lets Alembic alter tables on SQLite, which lacks most ALTER TABLE forms.
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    _configure_rate_limits(app)
    from app import pagecache

    # Inside ProxyFix (it must see the client's scheme), behind WhiteNoise (static files).
    pagecache.init_app(app)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        # Not X-Forwarded-Host: links in emails must never take a host a client chose.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from app import assets, contrib, errors, i18n, logs, mail, personal_data, security, web

    _sqlite_pragmas(app)
    contrib.init_app(app)
    logs.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    mail.init_app(app)
    site.init_app(app)
    i18n.init_app(app)
    assets.init_app(app)
    web.init_app(app)
    personal_data.init_app(app)
    for name in app.config.get("FEATURES") or FEATURES:
        importlib.import_module(name).init_app(app)
        contrib.registry(app).features.append(name)
    _check_office_slugs(app)
    _skip_idle_limit_check(app)
    # After every feature: a commit's bump then follows the search index's own catch-up.
    pagecache.watch_writes(app)
    # Start-up work (e.g. the search index catching up) runs once every feature's
    # models are known.
    with app.app_context():
        for task in contrib.registry(app).start_tasks:
            task(app)
    _start_notices(app)
    return app


def start_notices(app: Flask) -> list[str]:
    """One line per optional service that is not set up, saying what happens and how to set it."""
    config, notices = app.config, []
    if config.get("SECRET_KEY_GENERATED"):
        notices.append("SECRET_KEY not set: a temporary key is used and sessions end at restart; "
                       "set SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')")
    if not config.get("REDIS_URL") and config["RATELIMIT_ENABLED"]:
        notices.append("REDIS_URL not set: rate limits are counted in each process's memory; "
                       "set REDIS_URL=redis://127.0.0.1:6379/0")
    if not config["MAIL_SERVER"]:
        notices.append("MAIL_SERVER not set: emails are written to instance/outbox/ instead of sent; "
                       "set MAIL_SERVER=smtp.example.go.id (and MAIL_PORT, MAIL_USE_TLS, MAIL_USERNAME, MAIL_PASSWORD)")
    if not config.get("PUBLIC_URL"):
        notices.append("PUBLIC_URL not set: links in emails use the address each request came to; "
                       "set PUBLIC_URL=https://pst.example.go.id")
    return notices


def _start_notices(app: Flask) -> None:
    """Print the notices once per process (not in tests; not when PST_QUIET_START is set)."""
    if app.config["APP_ENV"] == "testing" or os.environ.get("PST_QUIET_START"):
        return
    for notice in start_notices(app):
        log.warning(notice)


def _check_office_slugs(app: Flask) -> None:
    """No office may be named like a path of the site's own pages (/akun, /staf, …)."""
    taken = site.reserved_words(app)
    for slug, office in app.extensions["offices"].items():
        if slug in taken:
            raise ConfigurationError(f"{office.source}: slug: {slug!r} is a path of the site's own "
                                     f"pages (taken: {', '.join(sorted(taken))}); rename the file")


def _check_environment(app: Flask) -> None:
    env = app.config["APP_ENV"]
    if env not in settings.ENVIRONMENTS:
        raise ConfigurationError(f"APP_ENV={env!r} must be one of {', '.join(settings.ENVIRONMENTS)}")
    secure = app.config["SECURE_COOKIES"]
    secure = env == "production" if secure is None else bool(secure)
    app.config.update(SESSION_COOKIE_SECURE=secure, REMEMBER_COOKIE_SECURE=secure,
                      PREFERRED_URL_SCHEME="https" if secure else "http")
    key = app.config.get("SECRET_KEY") or ""
    if env == "production" and settings.weak_secret_key(key):
        raise ConfigurationError(
            "SECRET_KEY is missing, a placeholder or too easy to guess; set a long random value "
            "in the environment (python -c 'import secrets; print(secrets.token_hex(32))')")
    if not key:
        # Development and tests may run without a configured key: use a throwaway one.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        app.config["SECRET_KEY_GENERATED"] = True
    public_url = app.config.get("PUBLIC_URL")
    if env == "production" and not public_url:
        # Links in emails would otherwise take the Host header a client chose.
        raise ConfigurationError("PUBLIC_URL is not set: set the site's address, e.g. "
                                 "PUBLIC_URL=https://pst.example.go.id (links in emails use it)")
    if app.config.get("TRUSTED_HOSTS") is None and public_url:
        # Only the public host (and the machine itself, for health checks) is served.
        app.config["TRUSTED_HOSTS"] = [urlsplit(public_url).hostname, "localhost", "127.0.0.1"]
    if env == "production" and not app.config["MAIL_SERVER"] and not app.config["MAIL_OUTBOX"]:
        raise ConfigurationError("MAIL_SERVER is not set: set the SMTP server, or MAIL_OUTBOX=1 to "
                                 "write emails to instance/outbox/ instead of sending them")


def _configure_rate_limits(app: Flask) -> None:
    """Count in Redis when REDIS_URL is set (shared by every worker), else in memory."""
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        if app.config.get("REDIS_URL"):
            app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
            # A storage option rather than RATELIMIT_KEY_PREFIX: the limiter object is
            # shared by every app of the process and keeps the first app's key prefix.
            app.config["RATELIMIT_STORAGE_OPTIONS"] = {
                "key_prefix": app.config["RATELIMIT_REDIS_KEY_PREFIX"], "socket_timeout": 2,
                "socket_connect_timeout": 2}
        else:
            app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    limiter.init_app(app)


def _skip_idle_limit_check(app: Flask) -> None:
    """Drop Flask-Limiter's check before every request when it has nothing to check.

    That check applies application-wide, default and blueprint limits; this site sets
    none (its limits are decorators on views, which check when the view is called), yet
    the check resolved exemptions and limits on every request.  Should such a limit be
    configured (RATELIMIT_APPLICATION, RATELIMIT_DEFAULT), the check stays.
    """
    manager = limiter.limit_manager
    if manager.application_limits or manager.default_limits or getattr(manager, "_blueprint_limits", True):
        return
    check = limiter._check_request_limit
    hooks = app.before_request_funcs.get(None, [])
    if check in hooks:
        hooks.remove(check)


def _private_folder(folder: Path) -> None:
    """The instance folder holds the database, softcopies and mail: the owner's only."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o077:
        folder.chmod(0o700)


def _configure_database(app: Flask) -> None:
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = Path(app.instance_path) / "pst.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        # SQLite creates the -wal and -shm files with the database file's permissions.
        path = Path(url.removeprefix("sqlite:///"))
        if path.parent.is_dir():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)


def _sqlite_pragmas(app: Flask) -> None:
    """Put SQLite in WAL mode with foreign keys on, for every pooled connection."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return

    def on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    with app.app_context():
        event.listen(db.engine, "connect", on_connect)
