"""The factory, configuration, database and security baseline."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from app import ConfigurationError, create_app
from app.config import database_url
from app.extensions import db
from tests.helpers import OFFICES_DIR


def base_config(tmp_path, **extra):
    config = {"OFFICES_DIR": str(OFFICES_DIR), "INSTANCE_PATH": tmp_path / "instance"}
    config.update(extra)
    return config


@pytest.mark.parametrize("key", [None, "", "dev", "changeme", "short"])
def test_production_refuses_a_missing_or_default_secret_key(tmp_path, key):
    with pytest.raises(ConfigurationError, match="SECRET_KEY is missing or a placeholder"):
        create_app(base_config(tmp_path, APP_ENV="production", SECRET_KEY=key))


def test_development_and_testing_run_without_a_key(tmp_path):
    for env in ("development", "testing"):
        app = create_app(base_config(tmp_path, APP_ENV=env, SECRET_KEY=None))
        assert len(app.config["SECRET_KEY"]) >= 32


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match="APP_ENV='staging'"):
        create_app(base_config(tmp_path, APP_ENV="staging"))


def test_production_cookie_flags(tmp_path, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECURE_COOKIES", raising=False)
    app = create_app(base_config(tmp_path, SECRET_KEY="a-long-random-production-key-0123456789"))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["MAX_CONTENT_LENGTH"] == 64 * 1024 * 1024
    assert app.config["WTF_CSRF_ENABLED"] is not False


def test_instance_config_file_overrides_defaults(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('SECRET_KEY = "from-the-instance-folder-0123456789"\n')
    app = create_app({"OFFICES_DIR": str(OFFICES_DIR), "INSTANCE_PATH": instance, "APP_ENV": "production"})
    assert app.config["SECRET_KEY"] == "from-the-instance-folder-0123456789"


def test_default_database_is_sqlite_in_the_instance_folder_in_wal_mode(tmp_path):
    app = create_app(base_config(tmp_path, APP_ENV="testing", SQLALCHEMY_DATABASE_URI=None))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'instance' / 'pst.sqlite3'}"
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_database_url_normalisation():
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql://u@h:5432/test") == "postgresql+psycopg://u@h:5432/test"
    assert database_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
    assert database_url("") is None


def test_migrations_produce_the_models_schema(make_app, database_uri):
    """Upgrade an empty database with Alembic and compare it with the models."""
    app = make_app()
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == []
        tables = set(sa.inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables


def test_security_headers_on_every_response(client):
    for url in ("/", "/majenekab/", "/tidak-ada/", "/static/css/site.css"):
        with client.get(url) as response:
            headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"


