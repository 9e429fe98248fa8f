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


GOOD_KEY = "3f9c1e7a5b2d4f608a1c3e5f7b9d0a2c4e6f8a0b1c3d5e7f9a2b4c6d8e0f1a3b"
PRODUCTION = {"APP_ENV": "production", "SECRET_KEY": GOOD_KEY, "PUBLIC_URL": "https://pst.example.go.id",
              "MAIL_SERVER": "smtp.example.go.id"}


def base_config(tmp_path, **extra):
    config = {"OFFICES_DIR": str(OFFICES_DIR), "INSTANCE_PATH": tmp_path / "instance"}
    config.update(extra)
    return config


@pytest.mark.parametrize("key", [None, "", "dev", "changeme", "short", "a" * 40, "passwordpassword",
                                 "0123456701234567"])
def test_production_refuses_a_missing_placeholder_or_guessable_secret_key(tmp_path, key):
    with pytest.raises(ConfigurationError, match="SECRET_KEY is missing, a placeholder or too easy to guess"):
        create_app(base_config(tmp_path, **{**PRODUCTION, "SECRET_KEY": key}))


def test_production_needs_a_public_url_and_a_mail_server(tmp_path):
    with pytest.raises(ConfigurationError, match="PUBLIC_URL is not set"):
        create_app(base_config(tmp_path, **{**PRODUCTION, "PUBLIC_URL": None}))
    with pytest.raises(ConfigurationError, match="MAIL_SERVER is not set.*MAIL_OUTBOX=1"):
        create_app(base_config(tmp_path, **{**PRODUCTION, "MAIL_SERVER": None}))
    app = create_app(base_config(tmp_path, **{**PRODUCTION, "MAIL_SERVER": None, "MAIL_OUTBOX": True}))
    assert app.config["TRUSTED_HOSTS"] == ["pst.example.go.id", "localhost", "127.0.0.1"]


def test_requests_for_other_hosts_are_refused(tmp_path):
    app = create_app(base_config(tmp_path, **PRODUCTION, SEARCH_SYNC_ON_START=False))
    client = app.test_client()
    assert client.get("/", base_url="https://pst.example.go.id").status_code == 200
    forged = client.get("/", base_url="https://attacker.example")
    assert forged.status_code == 400 and b"Traceback" not in forged.data
    assert client.post("/akun/lupa-kata-sandi", base_url="https://attacker.example",
                       data={"email": "a@contoh.id"}).status_code == 400


def test_instance_folder_and_database_are_for_the_owner_only(tmp_path):
    app = create_app(base_config(tmp_path, APP_ENV="testing", SQLALCHEMY_DATABASE_URI=None))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    assert (tmp_path / "instance").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "instance" / "pst.sqlite3").stat().st_mode & 0o777 == 0o600


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
    app = create_app(base_config(tmp_path, **{k: v for k, v in PRODUCTION.items() if k != "APP_ENV"}))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["MAX_CONTENT_LENGTH"] == 64 * 1024 * 1024
    assert app.config["WTF_CSRF_ENABLED"] is not False


def test_instance_config_file_overrides_defaults(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(f'SECRET_KEY = "{GOOD_KEY}"\nPUBLIC_URL = "https://pst.example.go.id"\n')
    app = create_app({"OFFICES_DIR": str(OFFICES_DIR), "INSTANCE_PATH": instance, "APP_ENV": "production",
                      "MAIL_SERVER": "smtp.example.go.id"})
    assert app.config["SECRET_KEY"] == GOOD_KEY and app.config["PUBLIC_URL"] == "https://pst.example.go.id"


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




def test_each_missing_optional_service_is_named_once_with_how_to_set_it(tmp_path, monkeypatch):
    """`make run` prints these once (its set-up commands run with PST_QUIET_START)."""
    import logging

    from tests.helpers import captured_log

    monkeypatch.delenv("PST_QUIET_START", raising=False)
    with captured_log("app") as lines:
        create_app(base_config(tmp_path, APP_ENV="development", SECRET_KEY=None, REDIS_URL=None,
                               MAIL_SERVER=None, PUBLIC_URL=None, SEARCH_SYNC_ON_START=False))
    starts = [line.split(":")[0] for line in lines if " not set: " in line]
    assert starts == ["SECRET_KEY not set", "REDIS_URL not set", "MAIL_SERVER not set", "PUBLIC_URL not set"]
    assert all("; set " in line for line in lines if " not set: " in line)
    monkeypatch.setenv("PST_QUIET_START", "1")
    with captured_log("app") as quiet:
        create_app(base_config(tmp_path, APP_ENV="development", SEARCH_SYNC_ON_START=False))
    assert not [line for line in quiet if " not set: " in line]
    assert logging.getLogger("app").level == logging.NOTSET


def test_the_limiter_runs_no_check_before_requests_when_only_views_carry_limits(app, client):
    """Every limit of the site is a decorator on its view; the before-request check
    (for application, default and blueprint limits) would find nothing and is dropped."""
    from app.extensions import limiter

    assert limiter._check_request_limit not in app.before_request_funcs.get(None, [])
    assert client.get("/majenekab/").status_code == 200


def test_every_loaded_template_has_every_global_of_the_environment(app, client, make_user):
    """Templates keep a plain copy of the environment's globals made when they are loaded
    (app/templating.py): the app must have set them all before, and a template's own
    globals must not leak into the environment's."""
    from tests.helpers import login

    make_user()
    for path in ("/", "/majenekab/", "/majenekab/katalog?q=statistik", "/katalog", "/majenekab/ikm",
                 "/akun/masuk", "/majenekab/tidak-ada"):
        client.get(path)
    login(client, "pengguna@contoh.id")
    client.get("/akun/")
    env = app.jinja_env
    templates = [template for template in env.cache.values()]
    assert len(templates) > 10
    for template in templates:
        assert type(template.globals) is dict
        assert {name: template.globals[name] for name in env.globals} == env.globals, template.name
    local = env.from_string("{{ greeting }}", globals={"greeting": "halo"})
    assert local.render() == "halo" and "greeting" not in env.globals
