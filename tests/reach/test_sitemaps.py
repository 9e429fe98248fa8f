"""robots.txt and sitemaps for search engines."""

from __future__ import annotations

import re

from lxml import etree

from app.catalogue.models import Publication
from app.extensions import db
from tests import factories
from tests.helpers import login
from tests.reach.conftest import PUBLIC_URL

SM = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def urls(client, path: str) -> dict[str, str | None]:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = etree.fromstring(response.data)
    assert root.tag == f"{{{SM['sm']}}}urlset"
    return {u.findtext("sm:loc", namespaces=SM): u.findtext("sm:lastmod", namespaces=SM)
            for u in root.findall("sm:url", SM)}


def test_robots_keeps_crawlers_out_of_private_pages(client):
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines
    for path in ("/akun/", "/staf/", "/*/staf/", "/*/katalog/*/berkas/"):
        assert f"Disallow: {path}" in lines
    assert f"Sitemap: {PUBLIC_URL}/sitemap.xml" in lines
    assert not any(line in ("Disallow: /", "Disallow: /*/katalog") for line in lines)


def test_the_disallowed_paths_are_where_the_private_pages_are(client, make_user, catalogue):
    """The rules above match the real routes: staff pages, account pages, softcopies."""
    rules = [line.split(": ", 1)[1] for line in client.get("/robots.txt").get_data(as_text=True).splitlines()
             if line.startswith("Disallow: ")]

    def blocked(path: str) -> bool:
        return any(re.match(re.escape(rule).replace(r"\*", ".*"), path) for rule in rules)

    make_user(email="staf@bps.go.id", role="staff", office="majenekab")
    login(client, "staf@bps.go.id")
    for path in ("/majenekab/staf/", "/akun/", "/staf/pengguna", "/majenekab/katalog/1/berkas/ABC"):
        assert blocked(path), path
        assert client.get(path).status_code != 404 or "berkas" in path, path
    for path in ("/", "/majenekab/", "/majenekab/katalog", "/majenekab/katalog/1", "/majenekab/katalog/feed",
                 "/oai", "/sitemap.xml"):
        assert not blocked(path), path


def test_sitemap_lists_public_pages_and_publications_with_lastmod(app, client, catalogue, clock):
    listed = urls(client, "/sitemap.xml")
    assert listed[f"{PUBLIC_URL}/"] is None
    for slug in ("majenekab", "sawahluntokota", "bengkulu", "musibanyuasinkab", "pasamankab"):
        assert f"{PUBLIC_URL}/{slug}/" in listed and f"{PUBLIC_URL}/{slug}/katalog" in listed
    assert f"{PUBLIC_URL}/katalog" in listed
    for title, pid in catalogue.items():
        office = "sawahluntokota" if "Sawahlunto" in title else "majenekab"
        assert listed[f"{PUBLIC_URL}/{office}/katalog/{pid}"] == "2026-03-02T09:00:00Z"
    assert not any("/staf" in url or "/akun" in url for url in listed)
    clock.advance(days=2, seconds=5)
    pid = catalogue["Kota Sawahlunto Dalam Angka 2024"]
    with app.app_context():
        db.session.get(Publication, pid).pages = 281
        db.session.commit()
    assert urls(client, "/sitemap.xml")[f"{PUBLIC_URL}/sawahluntokota/katalog/{pid}"] == "2026-03-04T09:00:05Z"


def test_a_large_catalogue_gets_a_sitemap_index(make_app, tmp_path):
    app = make_app(PUBLIC_URL=PUBLIC_URL, REACH_SITEMAP_LIMIT=5)
    factories.import_rows(app, tmp_path, [dict(r, pdf="") for r in factories.ROWS])
    client = app.test_client()
    everything = 1 + 5 * 2 + 1 + 4  # directory, office and search pages, all-office search, publications
    response = client.get("/sitemap.xml")
    root = etree.fromstring(response.data)
    assert root.tag == f"{{{SM['sm']}}}sitemapindex"
    files = [loc.text for loc in root.findall("sm:sitemap/sm:loc", SM)]
    assert files == [f"{PUBLIC_URL}/sitemap-{n}.xml" for n in range(1, 5)]
    seen = {}
    for url in files:
        part = urls(client, url.replace(PUBLIC_URL, ""))
        assert 0 < len(part) <= 5
        seen.update(part)
    assert len(seen) == everything
    assert sum(1 for url, lastmod in seen.items() if "/katalog/" in url and lastmod) == 4
    assert client.get("/sitemap-5.xml").status_code == 404
    small = make_app(PUBLIC_URL=PUBLIC_URL).test_client()
    assert small.get("/sitemap-1.xml").status_code == 404


def test_a_one_office_site(make_app, tmp_path):
    app = make_app(SITE_OFFICE="majenekab", PUBLIC_URL="https://pst-majene.example.go.id")
    factories.import_rows(app, tmp_path, [dict(r, pdf="") for r in factories.ROWS])
    client = app.test_client()
    listed = urls(client, "/sitemap.xml")
    assert "https://pst-majene.example.go.id/" in listed
    assert "https://pst-majene.example.go.id/katalog" in listed
    assert len([u for u in listed if "/katalog/" in u]) == 3  # Majene's three, not Sawahlunto's
    lines = client.get("/robots.txt").get_data(as_text=True).splitlines()
    assert "Disallow: /staf/" in lines and "Disallow: /katalog/*/berkas/" in lines
    assert "Sitemap: https://pst-majene.example.go.id/sitemap.xml" in lines
