"""A results page exports every result of its search as one RIS or BibTeX file."""

from __future__ import annotations

import re

from app.catalogue.models import Publication
from app.extensions import db
from tests.helpers import read_page, visible_text
from tests.reach.conftest import PUBLIC_URL


def ris_titles(text: str) -> list[str]:
    return re.findall(r"^TI  - (.*)\r$", text, re.M)


def test_the_results_page_offers_the_export_and_the_feed(client, catalogue):
    page = client.get("/majenekab/katalog?q=majene&page=1").data
    assert "Ekspor hasil: RIS · BibTeX · Ikuti pencarian ini (Atom)" in visible_text(page)
    found = dict(read_page(page).links)
    assert found["RIS"] == "/majenekab/katalog/ekspor.ris?q=majene"
    assert found["BibTeX"] == "/majenekab/katalog/ekspor.bib?q=majene"
    assert found["Ikuti pencarian ini (Atom)"] == "/majenekab/katalog/feed?q=majene"
    nothing = client.get("/majenekab/katalog?q=tidakadasamasekali").data
    assert "Ekspor hasil" not in visible_text(nothing)


def test_ris_holds_every_result_across_the_engines_pages(client, catalogue, monkeypatch):
    monkeypatch.setattr("app.reach.results.ENGINE_PAGE", 1)  # one hit per engine page: walk them all
    response = client.get("/katalog/ekspor.ris?sort=title")
    assert response.mimetype == "application/x-research-info-systems"
    assert response.headers["Content-Disposition"] == 'attachment; filename="katalog-bps.ris"'
    text = response.get_data(as_text=True)
    assert ris_titles(text) == sorted(catalogue)
    assert text.count("TY  - BOOK\r\n") == 4 and text.count("ER  - \r\n") == 4
    pid = catalogue["Kota Sawahlunto Dalam Angka 2024"]
    assert f"UR  - {PUBLIC_URL}/sawahluntokota/katalog/{pid}\r\n" in text
    assert "AU  - Badan Pusat Statistik Kota Sawahlunto\r\n" in text


def test_an_export_follows_the_search_and_its_filters(client, catalogue):
    text = client.get("/majenekab/katalog/ekspor.ris?q=majene&subject=Kependudukan").get_data(as_text=True)
    assert ris_titles(text) == ["Kabupaten Majene Dalam Angka 2024"]
    text = client.get("/majenekab/katalog/ekspor.ris?sort=newest").get_data(as_text=True)
    assert ris_titles(text) == ["Kabupaten Majene Dalam Angka 2024",
                                "Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023",
                                "Statistik Peternakan Kabupaten Majene 2019"]
    assert ris_titles(client.get("/katalog/ekspor.ris?office=sawahluntokota").get_data(as_text=True)) == [
        "Kota Sawahlunto Dalam Angka 2024"]


def test_bibtex_export(client, catalogue):
    response = client.get("/majenekab/katalog/ekspor.bib?q=ketenagakerjaan")
    assert response.mimetype == "application/x-bibtex"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="katalog-majenekab-ketenagakerjaan.bib"')
    text = response.get_data(as_text=True)
    assert text.count("@book{") == 1
    assert "author = {{Badan Pusat Statistik Kabupaten Majene}}" in text
    assert "title = {Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023}" in text
    everything = client.get("/katalog/ekspor.bib").get_data(as_text=True)
    assert everything.count("@book{") == 4
    assert len(set(re.findall(r"@book\{([^,]+),", everything))) == 4  # keys are unique


def test_an_export_is_capped(app, client, catalogue):
    app.config["REACH_EXPORT_LIMIT"] = 2
    with app.app_context():
        db.session.add_all(Publication(office="majenekab", title=f"Statistik Kecamatan {n}", format="hardcopy")
                           for n in range(3))
        db.session.commit()
    assert len(ris_titles(client.get("/majenekab/katalog/ekspor.ris").get_data(as_text=True))) == 2
    page = visible_text(client.get("/majenekab/katalog").data)
    assert "Ekspor hasil: RIS · BibTeX (2 publikasi pertama)" in page
