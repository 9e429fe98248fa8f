"""Features plug in: one package and one line, and nothing else has to know it exists."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import FEATURES
from app.catalogue.models import Publication
from app.contrib import registry
from app.extensions import PERSONAL, db
from app.personal_data import uncovered_tables
from tests.core.sample_feature import Note
from tests.helpers import login, post_form, read_page, visible_text

APP_DIR = Path(__file__).resolve().parents[2] / "app"
WITH_SAMPLE = FEATURES + ("tests.core.sample_feature",)


@pytest.fixture
def sample_app(make_app, mail_config):
    return make_app(FEATURES=WITH_SAMPLE, **mail_config)


def add_notes(app, *notes):
    app.extensions["sample_notes"].extend(notes)


def test_a_new_feature_appears_everywhere_it_contributes(sample_app, make_user):
    app = sample_app
    user = make_user()
    make_user(email="staf@bps.go.id", role="staff", office="majenekab")
    with app.app_context():
        publication = Publication(office="majenekab", title="Statistik Daerah Majene 2024", format="hardcopy")
        db.session.add(publication)
        db.session.commit()
        publication_id = publication.id
    add_notes(app, Note("majenekab", "catatan pertama", user_id=user),
              Note("majenekab", "catatan dari kios", email="pengguna@contoh.id"),
              Note("sawahluntokota", "catatan orang lain", email="lain@contoh.id"))
    visitor = app.test_client()

    # Navigation, on every page of an office.
    assert ("Catatan contoh", "/majenekab/catatan") in read_page(visitor.get("/majenekab/").data).links
    assert visitor.get("/majenekab/catatan").get_data(as_text=True) == "2 catatan di BPS Kabupaten Majene"
    # A widget in the publication page's slot.
    detail = visible_text(visitor.get(f"/majenekab/katalog/{publication_id}").data)
    assert "Catatan untuk Statistik Daerah Majene 2024" in detail

    # The staff menu, with its badge, for staff of that office only.
    staff = app.test_client()
    login(staff, "staf@bps.go.id")
    home = visible_text(staff.get("/majenekab/staf/").data)
    assert "Catatan masuk 2 terbuka" in home
    assert staff.get("/sawahluntokota/staf/").status_code == 403

    # The account panel and the personal data: by account and by verified address.
    login(visitor, "pengguna@contoh.id")
    account = visible_text(visitor.get("/akun/").data)
    assert "Catatan saya" in account and "2 catatan: catatan pertama catatan dari kios" in account
    data = json.loads(visitor.get("/akun/data-saya.json").data)
    assert data["sample_notes"] == ["catatan pertama", "catatan dari kios"]
    response = post_form(visitor, "/akun/hapus", {"current_password": "rahasia-123", "confirm": "y"})
    assert response.status_code == 303
    assert [n.text for n in app.extensions["sample_notes"]] == ["catatan orang lain"]


def test_without_the_feature_nothing_of_it_shows(app, make_user):
    make_user()
    client = app.test_client()
    assert "Catatan contoh" not in visible_text(client.get("/majenekab/").data)
    assert client.get("/majenekab/catatan").status_code == 404
    login(client, "pengguna@contoh.id")
    assert "Catatan saya" not in visible_text(client.get("/akun/").data)
    assert "sample_notes" not in json.loads(client.get("/akun/data-saya.json").data)
    assert registry(app).features == list(FEATURES)


def test_every_table_with_personal_data_has_a_section(app):
    """A new table that refers to an account, or a column marked personal, must be exported and erased."""
    assert uncovered_tables(db.metadata, registry(app).personal_data_sections) == []


def test_the_coverage_check_finds_what_is_missing(app):
    metadata = sa.MetaData()
    sa.Table("user_account", metadata, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("guest_entry", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("email", sa.String, info=PERSONAL))
    sa.Table("rating", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("user_id", sa.ForeignKey("user_account.id")))
    sa.Table("office_counter", metadata, sa.Column("id", sa.Integer, primary_key=True))
    assert uncovered_tables(metadata, registry(app).personal_data_sections) == ["guest_entry", "rating"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def feature_imports() -> dict[str, set[str]]:
    """For each feature package, the other features its modules import."""
    features = {name.split(".")[1] for name in FEATURES}
    graph = {}
    for feature in features:
        used = set()
        for path in (APP_DIR / feature).rglob("*.py"):
            for module in _imports(path):
                parts = module.split(".")
                if len(parts) > 1 and parts[0] == "app" and parts[1] in features and parts[1] != feature:
                    used.add(parts[1])
        graph[feature] = used
    return graph


def test_accounts_import_no_other_feature():
    assert feature_imports()["accounts"] == set()


def test_features_import_each_other_without_cycles():
    graph = feature_imports()

    def reaches(start, target, seen=()):
        return any(n == target or (n not in seen and reaches(n, target, seen + (n,))) for n in graph[start])

    cycles = [feature for feature in graph if reaches(feature, feature)]
    assert cycles == [], graph


def test_core_modules_import_no_feature():
    """app/*.py (the house) knows features only by name, in the FEATURES list."""
    features = {name.split(".")[1] for name in FEATURES}
    for path in APP_DIR.glob("*.py"):
        used = {m.split(".")[1] for m in _imports(path) if m.startswith("app.") and m.count(".") >= 1}
        assert not used & features, (path.name, used & features)


def test_reserved_words_come_from_the_url_map(app):
    from app.site import reserved_words

    words = reserved_words(app)
    assert {"akun", "staf", "katalog", "static", "catalogue"} <= words
    assert "majenekab" not in words
