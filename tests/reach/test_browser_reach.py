"""In Chromium: search, open a result, and find what Zotero, Mendeley and search engines
read on the page (citation meta tags, COinS, JSON-LD, canonical and OpenSearch links),
with the site's CSP intact."""

from __future__ import annotations

import json

import pytest

from tests.reach.conftest import PUBLIC_URL

pytestmark = pytest.mark.browser


def test_search_open_a_result_and_read_its_machine_data(live_server, page, catalogue):
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server}/majenekab/katalog")
    page.get_by_label("Kata kunci").fill("pengangguran")
    page.get_by_role("button", name="Cari").click()
    page.get_by_text("1 publikasi untuk").wait_for()
    assert page.get_by_role("link", name="RIS", exact=True).get_attribute("href") == (
        "/majenekab/katalog/ekspor.ris?field=all&q=pengangguran")
    page.locator(".result__title a").first.click()
    page.get_by_role("heading", level=1, name="Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023").wait_for()

    pid = catalogue["Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023"]
    meta = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('meta[name^="citation_"]')]
                                   .map(m => [m.name, m.content]))""")
    assert meta["citation_title"] == "Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023"
    assert meta["citation_author"] == "Badan Pusat Statistik Kabupaten Majene"
    assert meta["citation_publication_date"] == "2023/11/30"
    assert meta["citation_technical_report_number"] == "76010.2310"
    assert "citation_pdf_url" not in meta
    assert "rft.btitle=Keadaan" in page.locator("span.Z3988").get_attribute("title")

    blocks = page.locator('script[type="application/ld+json"]').all_text_contents()
    [data] = [json.loads(block) for block in blocks]
    assert data["@type"] == "Report"
    assert data["name"] == "Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023"
    assert data["author"]["name"] == "Badan Pusat Statistik Kabupaten Majene"
    assert data["datePublished"] == "2023-11-30"
    assert page.locator('link[rel="canonical"]').get_attribute("href") == f"{PUBLIC_URL}/majenekab/katalog/{pid}"
    searches = page.locator('link[rel="search"]')
    assert searches.count() == 2
    assert searches.first.get_attribute("href") == "/majenekab/opensearch.xml"

    # The description the browser would fetch is there, and the JSON-LD broke no CSP rule.
    description = page.request.get(f"{live_server}/majenekab/opensearch.xml")
    assert description.ok and "{searchTerms}" in description.text()
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


def test_in_english_switch_search_open_a_result_and_read_its_machine_data(live_server, page, catalogue):
    page.goto(f"{live_server}/majenekab/")
    page.get_by_role("link", name="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    page.get_by_role("link", name="Catalogue", exact=True).first.click()
    page.get_by_label("Search terms").fill("pengangguran")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_text("1 publication for").wait_for()
    page.locator(".result__title a").first.click()
    page.get_by_role("heading", level=1, name="Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023").wait_for()
    assert page.get_by_role("heading", name="Availability").is_visible()
    assert page.evaluate("document.documentElement.lang") == "en"

    meta = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('meta[name^="citation_"]')]
                                   .map(m => [m.name, m.content]))""")
    assert meta["citation_title"] == "Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023"
    assert meta["citation_language"] == "id"  # the publication's language, not the page's
    [data] = [json.loads(b) for b in page.locator('script[type="application/ld+json"]').all_text_contents()]
    assert data["@type"] == "Report" and data["inLanguage"] == "id"
    assert data["author"]["name"] == "Badan Pusat Statistik Kabupaten Majene"

    # The choice is remembered on the next page.
    page.goto(f"{live_server}/majenekab/katalog")
    assert page.evaluate("document.documentElement.lang") == "en"
