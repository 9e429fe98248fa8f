"""The service standard is rendered once per office, profile and language, and the public
pages of this feature ask the database nothing."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from tests.helpers import OFFICES_DIR, queries, visible_text


@pytest.fixture
def offices_dir(tmp_path):
    folder = tmp_path / "offices"
    shutil.copytree(OFFICES_DIR, folder)
    return folder


@pytest.mark.parametrize("cache", [True, False])
@pytest.mark.parametrize("path", ["/", "/majenekab/", "/?q=majene", "/sawahluntokota/"])
def test_an_anonymous_office_page_or_directory_asks_the_database_nothing(make_app, path, cache):
    app = make_app(PAGE_CACHE=cache)
    client = app.test_client()
    client.get("/")  # whatever a first request of a process does once
    with queries(app) as statements:
        for _ in range(2):
            assert client.get(path).status_code == 200
    assert statements == []


def visitors(app):
    """A visitor in Indonesian and one who chose English."""
    english = app.test_client()
    english.set_cookie("bahasa", "en")
    return app.test_client(), english


def test_a_changed_profile_shows_its_new_text(make_app, offices_dir):
    for visitor in visitors(make_app(OFFICES_DIR=str(offices_dir))):
        text = visible_text(visitor.get("/majenekab/").data)
        assert "Tidak dipungut biaya" in text and "Rp 0 (gratis)" not in text
    profile = offices_dir / "majenekab.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace(
        "  fees:\n    - Tidak dipungut biaya\n", "  fees:\n    - Rp 0 (gratis)\n"), encoding="utf-8")
    # Profiles are read at start: the restarted site (a new app on the same instance folder
    # and database) shows the new text at once, in both languages, not a copy kept from before.
    for visitor in visitors(make_app(OFFICES_DIR=str(offices_dir))):
        text = visible_text(visitor.get("/majenekab/").data)
        assert "Rp 0 (gratis)" in text and "Tidak dipungut biaya" not in text


@pytest.mark.parametrize("cache", [True, False])
def test_a_profile_loaded_anew_is_rendered_anew(make_app, cache):
    app = make_app(PAGE_CACHE=cache)
    client = app.test_client()
    office = app.extensions["offices"]["majenekab"]
    assert "Buku tamu digital di meja layanan" not in visible_text(client.get("/majenekab/").data)
    changed = dataclasses.replace(office, standard=dataclasses.replace(
        office.standard, products=office.standard.products + ("Buku tamu digital di meja layanan",)))
    # What a reload of the profiles would do: a new mapping with new Office objects.
    app.extensions["offices"] = {**app.extensions["offices"], "majenekab": changed}
    assert "Buku tamu digital di meja layanan" in visible_text(client.get("/majenekab/").data)


@pytest.mark.parametrize("cache", [True, False])
def test_english_and_indonesian_bodies_do_not_mix(make_app, cache):
    app = make_app(PAGE_CACHE=cache)
    indonesian, english = app.test_client(), app.test_client()
    english.set_cookie("bahasa", "en")
    for _ in range(2):
        for slug in ("majenekab", "musibanyuasinkab"):  # without and with opening hours
            id_text = visible_text(indonesian.get(f"/{slug}/").data)
            en_text = visible_text(english.get(f"/{slug}/").data)
            for word_id, word_en in (("Daftar isi", "Contents"), ("Jam Layanan", "Service Hours"),
                                     ("1. Persyaratan", "1. Requirements"), ("4. Biaya/Tarif", "4. Fees/Charges")):
                assert word_id in id_text and word_en not in id_text, (slug, word_en)
                assert word_en in en_text and word_id not in en_text, (slug, word_id)
            if slug == "musibanyuasinkab":
                assert "Senin" in id_text and "Monday" not in id_text
                assert "Monday" in en_text and "Senin" not in en_text
