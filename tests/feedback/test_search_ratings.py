"""Ratings on a results page come from one query for the whole page, not one per hit; the
publication page asks for reviews only when there are ratings."""

from __future__ import annotations

import re


from tests.helpers import queries, visible_text

SAKERNAS = "Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023"
TERNAK = "Statistik Peternakan Kabupaten Majene 2019"
MAJENE_2024 = "Kabupaten Majene Dalam Angka 2024"


def rate(submit, client, publication_id, stars, review=""):
    url = f"/majenekab/katalog/{publication_id}/penilaian"
    return submit(client, url, {"stars": str(stars), "review": review})


def result_rows(html: bytes) -> list[str]:
    """Each result's text, in order."""
    return [visible_text(row) for row in re.findall(r'<li class="result">(.*?)</li>', html.decode(), re.S)]


def test_ratings_on_results_take_one_query_for_the_page(make_app, mail_config, catalogue, client_of, submit):
    siti, budi = client_of("pengguna@contoh.id"), client_of("lain@contoh.id")
    rate(submit, siti, catalogue[TERNAK], 5)
    rate(submit, budi, catalogue[TERNAK], 4)
    rate(submit, siti, catalogue[SAKERNAS], 3)
    # Rendered every time (the page cache off), so each request runs the page's queries.
    app = make_app(PAGE_CACHE=False, MAIL_SEND_IN_BACKGROUND=False, **mail_config)
    visitor = app.test_client()
    counts = {}
    for path in ("/majenekab/katalog", "/majenekab/katalog?q=peternakan", "/katalog?q=majene"):
        visitor.get(path)
        with queries(app, ignore=("catalogue_change",)) as statements:
            page = visitor.get(path)
        assert page.status_code == 200
        counts[path] = len(statements)
        assert sum("publication_rating_summary" in s for s in statements) == 1, (path, statements)
    # Three hits or one: the same number of queries (the hits, their ratings).
    assert counts == {path: 2 for path in counts}

    rows = result_rows(visitor.get("/majenekab/katalog").data)
    by_title = {next(t for t in (SAKERNAS, TERNAK, MAJENE_2024) if t in row): row for row in rows}
    assert "4,5" in by_title[TERNAK] and "(2 penilaian)" in by_title[TERNAK]
    assert "3,0" in by_title[SAKERNAS] and "(1 penilaian)" in by_title[SAKERNAS]
    assert "penilaian" not in by_title[MAJENE_2024]


def test_an_unrated_publication_page_asks_for_no_reviews(make_app, mail_config, catalogue, client_of, submit):
    app = make_app(PAGE_CACHE=False, MAIL_SEND_IN_BACKGROUND=False, **mail_config)
    visitor = app.test_client()
    page = f"/majenekab/katalog/{catalogue[MAJENE_2024]}"
    visitor.get(page)
    with queries(app, ignore=("catalogue_change",)) as statements:
        assert "Belum ada penilaian untuk publikasi ini." in visible_text(visitor.get(page).data)
    assert len(statements) == 2  # the publication, its rating summary
    assert not any("FROM publication_rating " in s or "FROM publication_rating\n" in s for s in statements)

    rate(submit, client_of("pengguna@contoh.id"), catalogue[MAJENE_2024], 4, "Lengkap dan rapi.")
    with queries(app, ignore=("catalogue_change",)) as statements:
        text = visible_text(visitor.get(page).data)
    assert "Lengkap dan rapi." in text and "Siti" in text
    assert len(statements) == 3  # and the reviews, with their authors in the same query
