"""Atom feeds of new publications, read with a real feed parser (feedparser)."""

from __future__ import annotations

import feedparser
import pytest

from app.catalogue.models import Publication
from app.extensions import db
from tests import factories
from tests.reach.conftest import PUBLIC_URL


def read(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


@pytest.fixture
def added_one_by_one(app, tmp_path, clock):
    """factories.ROWS imported a day apart (no PDFs); title -> id."""
    clock.set(2026, 3, 2, 9, 0, zone="UTC")
    ids = {}
    for number, row in enumerate(factories.ROWS):
        clock.advance(days=1)
        factories.import_rows(app, tmp_path, [dict(row, pdf="")])
        with app.app_context():
            ids[row["title"]] = db.session.query(Publication.id).filter_by(title=row["title"]).scalar()
    return ids


def test_office_feed_lists_new_publications_newest_first(client, added_one_by_one):
    feed = read(client, "/majenekab/katalog/feed")
    assert feed.feed.title == "Publikasi baru · Katalog BPS Kabupaten Majene"
    assert feed.feed.id == f"{PUBLIC_URL}/majenekab/katalog/feed"
    assert [link.href for link in feed.feed.links if link.rel == "self"] == [f"{PUBLIC_URL}/majenekab/katalog/feed"]
    assert [e.title for e in feed.entries] == ["Statistik Peternakan Kabupaten Majene 2019",
                                               "Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023",
                                               "Kabupaten Majene Dalam Angka 2024"]
    entry = feed.entries[0]
    pid = added_one_by_one[entry.title]
    assert entry.id == f"oai:pst.example.go.id:publication/{pid}"
    assert entry.link == f"{PUBLIC_URL}/majenekab/katalog/{pid}"
    assert entry.updated == "2026-03-05T09:00:00Z" and entry.published == "2026-03-05T09:00:00Z"
    assert entry.author == "Badan Pusat Statistik Kabupaten Majene"
    assert [t.term for t in entry.tags] == ["Peternakan"]
    assert entry.summary == "Populasi ternak sapi, kambing dan unggas."
    assert feed.feed.updated == "2026-03-05T09:00:00Z"


def test_feeds_per_subject_and_per_search(client, added_one_by_one):
    subject = read(client, "/majenekab/katalog/feed?subject=Kependudukan")
    assert [e.title for e in subject.entries] == ["Kabupaten Majene Dalam Angka 2024"]
    assert "Subjek Kependudukan" in subject.feed.title
    search = read(client, "/majenekab/katalog/feed?q=pengangguran")
    assert [e.title for e in search.entries] == ["Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023"]
    assert "“pengangguran”" in search.feed.title
    assert search.feed.id == f"{PUBLIC_URL}/majenekab/katalog/feed?q=pengangguran"
    empty = read(client, "/majenekab/katalog/feed?q=tidakadasamasekali")
    assert empty.entries == []
    everywhere = read(client, "/katalog/feed?q=dalam+angka")
    assert [e.title for e in everywhere.entries] == ["Kota Sawahlunto Dalam Angka 2024",
                                                     "Kabupaten Majene Dalam Angka 2024"]
    one_office = read(client, "/katalog/feed?office=sawahluntokota")
    assert [e.title for e in one_office.entries] == ["Kota Sawahlunto Dalam Angka 2024"]


def test_the_old_english_path_reaches_the_feed(client, added_one_by_one):
    response = client.get("/majenekab/catalogue/feed?q=pengangguran")
    assert response.status_code == 308
    assert response.headers["Location"] == "/majenekab/katalog/feed?q=pengangguran"
    assert len(read(client, response.headers["Location"]).entries) == 1


def test_entry_ids_stay_and_updated_follows_changes(app, client, added_one_by_one, clock):
    before = read(client, "/majenekab/katalog/feed")
    again = read(client, "/majenekab/katalog/feed?b=1")
    assert [(e.id, e.updated) for e in before.entries] == [(e.id, e.updated) for e in again.entries]
    clock.advance(hours=3, seconds=7)
    pid = added_one_by_one["Kabupaten Majene Dalam Angka 2024"]
    with app.app_context():
        db.session.get(Publication, pid).title = "Kabupaten Majene Dalam Angka 2024 (revisi)"
        db.session.commit()
    after = read(client, "/majenekab/katalog/feed")
    changed = next(e for e in after.entries if e.id.endswith(f"/{pid}"))
    assert changed.title == "Kabupaten Majene Dalam Angka 2024 (revisi)"
    assert changed.updated == "2026-03-06T12:00:07Z" and changed.published == "2026-03-03T09:00:00Z"
    assert [e.id for e in after.entries] == [e.id for e in before.entries]
    assert after.feed.updated == "2026-03-06T12:00:07Z"


def test_feed_readers_can_ask_whether_anything_changed(client, added_one_by_one):
    first = client.get("/majenekab/katalog/feed")
    assert first.headers["ETag"] and first.headers["Last-Modified"] == "Thu, 05 Mar 2026 09:00:00 GMT"
    assert client.get("/majenekab/katalog/feed", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get("/majenekab/katalog/feed",
                      headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304


def test_a_one_office_site_has_its_feed_at_katalog(make_app, tmp_path):
    app = make_app(SITE_OFFICE="sawahluntokota", PUBLIC_URL="https://pst-sawahlunto.example.go.id")
    factories.import_rows(app, tmp_path, [dict(r, pdf="") for r in factories.ROWS])
    feed = read(app.test_client(), "/katalog/feed")
    assert [e.title for e in feed.entries] == ["Kota Sawahlunto Dalam Angka 2024"]
    assert feed.entries[0].link.startswith("https://pst-sawahlunto.example.go.id/katalog/")
