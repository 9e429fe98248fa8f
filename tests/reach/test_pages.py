"""What search engines and browsers read on the pages: canonical links, schema.org
JSON-LD, OpenSearch and feed links; and no structured data names a softcopy."""

from __future__ import annotations

import html as markup
import json
import re

from app.catalogue.models import Publication
from app.extensions import db
from app.security import CONTENT_SECURITY_POLICY
from tests.reach.conftest import PUBLIC_URL


def jsonld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def links(html: str, rel: str) -> list[dict]:
    found = []
    for tag in re.findall(r"<link [^>]*>", html):
        attrs = {name: markup.unescape(value) for name, value in re.findall(r'(\w+)="([^"]*)"', tag)}
        if attrs.get("rel") == rel:
            found.append(attrs)
    return found


def canonical(html: str) -> list[str]:
    return [link["href"] for link in links(html, "canonical")]


def test_publication_page_carries_jsonld_beside_the_citation_tags(client, catalogue):
    pid = catalogue["Kabupaten Majene Dalam Angka 2024"]
    html = client.get(f"/majenekab/katalog/{pid}").get_data(as_text=True)
    [book] = jsonld(html)
    assert book["@type"] == "Book"
    assert book["name"] == "Kabupaten Majene Dalam Angka 2024"
    assert book["author"] == {"@type": "GovernmentOrganization", "name": "Badan Pusat Statistik Kabupaten Majene",
                              "url": f"{PUBLIC_URL}/majenekab/"}
    assert book["datePublished"] == "2024-02-28"
    assert book["isbn"] == "978-602-438-123-3"
    assert book["isPartOf"] == {"@type": "CreativeWorkSeries", "issn": "2087-4235"}
    assert book["inLanguage"] == "id"
    assert [t["name"] for t in book["about"]] == ["Statistik Dasar", "Kependudukan"]
    assert book["url"] == f"{PUBLIC_URL}/majenekab/katalog/{pid}"
    # The catalogue's own tags for Zotero and Mendeley are still there, once each.
    assert html.count('<meta name="citation_title" content="Kabupaten Majene Dalam Angka 2024">') == 1
    assert '<meta name="citation_isbn" content="978-602-438-123-3">' in html
    assert html.count('class="Z3988"') == 1


def test_a_publication_without_isbn_is_a_report(client, catalogue):
    pid = catalogue["Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023"]
    [report] = jsonld(client.get(f"/majenekab/katalog/{pid}").get_data(as_text=True))
    assert report["@type"] == "Report"
    assert report["reportNumber"] == "76010.2310"
    assert "isbn" not in report and "isPartOf" not in report


def test_no_structured_data_names_a_softcopy(client, catalogue):
    for title, pid in catalogue.items():
        office = "sawahluntokota" if "Sawahlunto" in title else "majenekab"
        text = json.dumps(jsonld(client.get(f"/{office}/katalog/{pid}").get_data(as_text=True)))
        assert "berkas" not in text and "/baca" not in text and "/unduh" not in text
        assert ".pdf" not in text and "contentUrl" not in text and "encoding" not in text


def test_jsonld_cannot_close_its_script_element(app, client, catalogue):
    pid = catalogue["Statistik Peternakan Kabupaten Majene 2019"]
    title = 'Ternak </script><script>alert("x")</script> & <!-- 2019'
    with app.app_context():
        db.session.get(Publication, pid).title = title
        db.session.commit()
    html = client.get(f"/majenekab/katalog/{pid}").get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block
    assert json.loads(block)["name"] == title


def test_office_page_describes_a_government_office(client):
    html = client.get("/musibanyuasinkab/").get_data(as_text=True)
    [office] = jsonld(html)
    assert office["@type"] == "GovernmentOffice"
    assert office["name"] == "BPS Kabupaten Musi Banyuasin"
    assert office["telephone"] == "0714321023"
    assert office["address"]["postalCode"] == "30711"
    assert office["address"]["streetAddress"].startswith("Jl. Merdeka")
    hours = [(h["dayOfWeek"].rsplit("/", 1)[1], h["opens"], h["closes"]) for h in office["openingHoursSpecification"]]
    assert ("Monday", "08:00", "12:30") in hours and ("Monday", "14:00", "15:30") in hours
    assert ("Friday", "14:00", "16:00") in hours
    assert not any(day in ("Saturday", "Sunday") for day, _, _ in hours)


def test_jsonld_is_data_under_the_sites_csp(client, catalogue):
    """The CSP still allows no inline script; a JSON-LD block is never run, so it needs none."""
    response = client.get("/majenekab/")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert jsonld(response.get_data(as_text=True))


def test_canonical_links_on_public_pages(client, catalogue):
    pid = catalogue["Kota Sawahlunto Dalam Angka 2024"]
    assert canonical(client.get("/").get_data(as_text=True)) == [f"{PUBLIC_URL}/"]
    assert canonical(client.get("/?q=majene").get_data(as_text=True)) == [f"{PUBLIC_URL}/"]
    assert canonical(client.get("/sawahluntokota/").get_data(as_text=True)) == [f"{PUBLIC_URL}/sawahluntokota/"]
    assert canonical(client.get(f"/sawahluntokota/katalog/{pid}?utm_source=x").get_data(as_text=True)) == [
        f"{PUBLIC_URL}/sawahluntokota/katalog/{pid}"]
    search = client.get("/majenekab/katalog?page=2&q=majene&field=all&subject=Kependudukan&bogus=1").get_data(as_text=True)
    assert canonical(search) == [f"{PUBLIC_URL}/majenekab/katalog?q=majene&subject=Kependudukan"]
    assert canonical(client.get("/katalog?office=majenekab").get_data(as_text=True)) == [
        f"{PUBLIC_URL}/katalog?office=majenekab"]


def test_no_canonical_link_on_private_or_error_pages(client, catalogue):
    assert canonical(client.get("/akun/masuk").get_data(as_text=True)) == []
    missing = client.get("/majenekab/katalog/999999")
    assert missing.status_code == 404
    assert canonical(missing.get_data(as_text=True)) == []
    # Another office's publication under this office is a 404 too.
    pid = catalogue["Kota Sawahlunto Dalam Angka 2024"]
    assert canonical(client.get(f"/majenekab/katalog/{pid}").get_data(as_text=True)) == []


def test_canonical_links_take_public_url_not_the_requests_host(app, catalogue):
    html = app.test_client().get("/majenekab/", base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert canonical(html) == [f"{PUBLIC_URL}/majenekab/"]


def test_every_page_links_the_opensearch_descriptions_and_feeds(client, catalogue):
    office_page = client.get("/majenekab/").get_data(as_text=True)
    assert [(s["title"], s["href"]) for s in links(office_page, "search")] == [
        ("Katalog BPS Kabupaten Majene", "/majenekab/opensearch.xml"), ("Katalog semua kantor BPS", "/opensearch.xml")]
    assert all(s["type"] == "application/opensearchdescription+xml" for s in links(office_page, "search"))
    assert [f["href"] for f in links(office_page, "alternate")] == ["/majenekab/katalog/feed"]
    login = client.get("/akun/masuk").get_data(as_text=True)
    assert [s["href"] for s in links(login, "search")] == ["/opensearch.xml"]
    search = client.get("/majenekab/katalog?q=tenaga+kerja&page=1").get_data(as_text=True)
    assert [f["href"] for f in links(search, "alternate")] == [
        "/majenekab/katalog/feed?q=tenaga+kerja", "/majenekab/katalog/feed"]
    everywhere = client.get("/katalog?q=angka").get_data(as_text=True)
    assert [f["href"] for f in links(everywhere, "alternate")] == ["/katalog/feed?q=angka", "/katalog/feed"]


def test_a_one_office_site(make_app, tmp_path):
    from tests import factories

    app = make_app(SITE_OFFICE="majenekab", PUBLIC_URL="https://pst-majene.example.go.id")
    factories.import_rows(app, tmp_path, [dict(r, pdf="") for r in factories.ROWS[:3]])
    client = app.test_client()
    home = client.get("/").get_data(as_text=True)
    assert canonical(home) == ["https://pst-majene.example.go.id/"]
    assert [s["href"] for s in links(home, "search")] == ["/opensearch.xml"]
    assert jsonld(home)[0]["@type"] == "GovernmentOffice"
    detail = client.get("/katalog/1").get_data(as_text=True)
    assert canonical(detail) == ["https://pst-majene.example.go.id/katalog/1"]
    assert jsonld(detail)[0]["url"] == "https://pst-majene.example.go.id/katalog/1"
