"""OpenSearch: descriptions a browser adds as a search engine, and title suggestions."""

from __future__ import annotations

import json

from lxml import etree

from app.catalogue.models import Publication
from app.extensions import db
from tests import factories
from tests.helpers import visible_text
from tests.reach.conftest import PUBLIC_URL

OS = {"os": "http://a9.com/-/spec/opensearch/1.1/"}


def description(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/opensearchdescription+xml"
    return etree.fromstring(response.data)


def templates(root) -> dict[str, str]:
    return {url.get("type"): url.get("template") for url in root.findall("os:Url", OS)}


def test_an_office_description(client):
    root = description(client, "/majenekab/opensearch.xml")
    assert root.findtext("os:ShortName", namespaces=OS) == "BPS Majene"
    assert "BPS Kabupaten Majene" in root.findtext("os:Description", namespaces=OS)
    assert templates(root) == {
        "text/html": f"{PUBLIC_URL}/majenekab/katalog?q={{searchTerms}}",
        "application/x-suggestions+json": f"{PUBLIC_URL}/majenekab/katalog/saran?q={{searchTerms}}",
        "application/atom+xml": f"{PUBLIC_URL}/majenekab/katalog/feed?q={{searchTerms}}",
        "application/opensearchdescription+xml": f"{PUBLIC_URL}/majenekab/opensearch.xml",
    }
    assert root.findtext("os:InputEncoding", namespaces=OS) == "UTF-8"


def test_short_names_fit_sixteen_characters(client):
    for slug in ("majenekab", "musibanyuasinkab", "sawahluntokota", "bengkulu", "pasamankab"):
        name = description(client, f"/{slug}/opensearch.xml").findtext("os:ShortName", namespaces=OS)
        assert 0 < len(name) <= 16, name


def test_the_whole_site_description(client):
    root = description(client, "/opensearch.xml")
    assert root.findtext("os:ShortName", namespaces=OS) == "PST Perpustakaan"
    assert templates(root)["text/html"] == f"{PUBLIC_URL}/katalog?q={{searchTerms}}"


def test_the_search_template_really_searches(client, catalogue):
    template = templates(description(client, "/majenekab/opensearch.xml"))["text/html"]
    path = template.replace(PUBLIC_URL, "").replace("{searchTerms}", "ketenagakerjaan")
    assert "1 publikasi untuk “ketenagakerjaan”" in visible_text(client.get(path).data)
    assert "Keadaan Ketenagakerjaan Kabupaten Majene" in visible_text(client.get(path).data)


def suggestions(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/x-suggestions+json"
    return json.loads(response.data)


def test_suggestions_complete_titles_from_the_start_of_a_word(client, catalogue):
    typed, titles, descriptions, urls = suggestions(client, "/majenekab/katalog/saran?q=KEADAAN")
    assert typed == "KEADAAN"
    assert titles == ["Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023"]
    assert descriptions == ["BPS Kabupaten Majene · 2023"]
    assert urls == [f"{PUBLIC_URL}/majenekab/katalog/{catalogue[titles[0]]}"]
    # A word inside the title counts; titles that start with it come first.
    assert suggestions(client, "/majenekab/katalog/saran?q=kab")[1] == [
        "Kabupaten Majene Dalam Angka 2024", "Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023",
        "Statistik Peternakan Kabupaten Majene 2019"]
    # One office's own titles only; every office's on the site-wide endpoint.
    assert suggestions(client, "/majenekab/katalog/saran?q=dalam")[1] == ["Kabupaten Majene Dalam Angka 2024"]
    assert sorted(suggestions(client, "/katalog/saran?q=dalam")[1]) == [
        "Kabupaten Majene Dalam Angka 2024", "Kota Sawahlunto Dalam Angka 2024"]
    assert suggestions(client, "/majenekab/katalog/saran?q=eadaan")[1] == []  # not inside a word


def test_suggestions_are_bounded_and_escaped(app, client, catalogue):
    assert suggestions(client, "/majenekab/katalog/saran?q=k")[1] == []  # too short
    assert suggestions(client, "/majenekab/katalog/saran")[1] == []
    assert suggestions(client, "/majenekab/katalog/saran?q=%25%25")[1] == []  # LIKE wildcards are text
    assert suggestions(client, "/majenekab/katalog/saran?q=__")[1] == []
    typed = suggestions(client, "/majenekab/katalog/saran?q=" + "a" * 500)[0]
    assert len(typed) == 100
    with app.app_context():
        db.session.add_all(Publication(office="majenekab", title=f"Statistik Kecamatan {n:02d}", format="hardcopy")
                           for n in range(30))
        db.session.add(Publication(office="majenekab", title="<script>alert(1)</script> Statistik", format="hardcopy"))
        db.session.commit()
    assert len(suggestions(client, "/majenekab/katalog/saran?q=statistik")[1]) == 10
    raw = client.get("/majenekab/katalog/saran?q=%3Cscript").get_data(as_text=True)
    assert "<" not in raw and json.loads(raw)[1] == ["<script>alert(1)</script> Statistik"]


def test_a_one_office_site_describes_its_office(make_app, tmp_path):
    app = make_app(SITE_OFFICE="majenekab", PUBLIC_URL="https://pst-majene.example.go.id")
    factories.import_rows(app, tmp_path, [dict(r, pdf="") for r in factories.ROWS])
    client = app.test_client()
    root = description(client, "/opensearch.xml")
    assert root.findtext("os:ShortName", namespaces=OS) == "BPS Majene"
    assert templates(root)["text/html"] == "https://pst-majene.example.go.id/katalog?q={searchTerms}"
    assert suggestions(client, "/katalog/saran?q=kota")[1] == []  # Sawahlunto's title is not on this site
