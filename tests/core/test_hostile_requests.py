"""No query string, path value or header a visitor can send produces a 5xx, on any route.

The routes are read from the URL map, so every feature's pages are walked as soon as it
plugs in.  Each GET route is requested by an anonymous visitor, a user, staff of the
office and an administrator, with every known query parameter set to each hostile value.
"""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from tests import factories
from tests.helpers import login

#: Query parameters any page of the site reads, plus names url_for treats specially.
PARAMS = ("q", "page", "year", "subject", "format", "sort", "field", "office", "role", "status",
          "next", "kind", "period", "periode", "tahun", "bulan", "tanggal", "date", "month", "age",
          "umur", "since", "id", "token", "code", "kode", "cetak", "print", "ticket", "tiket",
          "_anchor", "_external", "_scheme", "_method", "_external_host")

HOSTILE = (
    "", " ", "٣", "²", "１２", "9" * 5000, "-1", "0", "1e309", "nan", "-9223372036854775809",
    "2026-13-45", "<script>alert(1)</script>", "\x00", "%00", "'; DROP TABLE user_account;--",
    "../../etc/passwd", "\u202e" * 50, "ĳ" * 400, "https://evil.example/", "//evil.example",
    "javascript:alert(1)", "[]", "{}", "\ud7ff\ue000",
)

HEADERS = (
    {"Accept-Language": "xx-" + "y" * 500 + ";q=abc"},
    {"Cookie": "session=" + "A" * 4000 + "; remember_token=%%%; pst_perangkat=..."},
    {"X-Forwarded-For": "not-an-ip, 999.999.1.1"},
    {"If-None-Match": '"' + "x" * 300}, {"If-Modified-Since": "yesterday"},
    {"Range": "bytes=9999999999999999999-"}, {"Referer": "\x00javascript:"},
)

PATH_VALUES = {"int": ("1", "99999999999999999999", "0"), "default": ("x", "..%2F..%2Fetc", "ĳ" * 200)}


@pytest.fixture(scope="module")
def site(make_module_app, tmp_path_factory):
    """An app with a catalogue and one account of each role."""
    from app.accounts.models import User
    from app.clock import utcnow_naive
    from app.extensions import db

    app = make_module_app()
    folder = tmp_path_factory.mktemp("hostile")
    factories.import_rows(app, folder, factories.ROWS[2:3])  # a hardcopy: no PDF needed
    with app.app_context():
        for email, role, office in (("pengguna@contoh.id", "user", None),
                                    ("staf@bps.go.id", "staff", "majenekab"),
                                    ("admin@bps.go.id", "admin", None)):
            user = User(name="Uji", email=email, role=role, office=office, verified_at=utcnow_naive())
            user.set_password("rahasia-123")
            db.session.add(user)
        db.session.commit()
    clients = {"anonymous": app.test_client()}
    for name, email in (("user", "pengguna@contoh.id"), ("staff", "staf@bps.go.id"),
                        ("admin", "admin@bps.go.id")):
        clients[name] = app.test_client()
        assert login(clients[name], email).status_code == 302
    return app, clients


_ARGUMENT = re.compile(r"<(?:[^:>]+:)?([a-z_]+)(?:\([^)]*\))?>")


def get_routes(app) -> list[str]:
    """Every GET rule with each of its path arguments filled in by each test value."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        variants = [{"office_slug": "majenekab"}]
        for name in rule.arguments - {"office_slug"} - set(rule.defaults or ()):
            converter = rule._converters[name]
            if hasattr(converter, "items"):  # any(a, b): each choice
                values = tuple(converter.items)
            elif isinstance(converter, IntegerConverter):
                values = PATH_VALUES["int"]
            else:
                values = PATH_VALUES["default"]
            variants = [dict(v, **{name: value}) for v in variants for value in values]
        for variant in variants:
            routes.add(_ARGUMENT.sub(lambda m: variant[m.group(1)], rule.rule))
    return sorted(routes)


def test_every_get_route_answers_below_500_to_hostile_query_strings(site):
    app, clients = site
    failures = []
    for path in get_routes(app):
        for value in HOSTILE:
            query = {name: value for name in PARAMS}
            for role, client in clients.items():
                response = client.get(path, query_string=query)
                if response.status_code >= 500:
                    failures.append((role, path, repr(value)[:40], response.status_code))
    assert failures == []


def test_every_get_route_answers_below_500_to_hostile_headers(site):
    app, clients = site
    failures = []
    for path in get_routes(app):
        for headers in HEADERS:
            for role in ("anonymous", "admin"):
                response = clients[role].get(path, headers=headers)
                if response.status_code >= 500:
                    failures.append((role, path, next(iter(headers)), response.status_code))
    assert failures == []


def test_a_huge_id_in_a_path_is_a_404(site):
    app, clients = site
    assert clients["anonymous"].get("/majenekab/katalog/99999999999999999999").status_code == 404
    assert clients["admin"].get("/staf/pengguna/99999999999999999999/peran").status_code in (404, 405)
