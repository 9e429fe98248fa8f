"""The search engine's ``ranked`` order, which the sort by rating uses: the given publications
first, in the given order, then every other match newest first (no Flask needed)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.search import PublicationDoc, SearchIndex, SearchQuery


def doc(ident: int, title: str, year: int, office: str = "majenekab", **kw) -> PublicationDoc:
    return PublicationDoc(id=ident, office=office, office_name=office, title=title, abstract="", subjects=(),
                          year=year, release_date=date(year, 3, 1), format="hardcopy", content="",
                          updated=datetime(2026, 1, 1), **kw)


DOCS = [doc(i, f"Statistik Daerah Majene {2000 + i}", 2000 + i) for i in range(1, 31)] + [
    doc(31, "Kota Sawahlunto Dalam Angka 2020", 2020, office="sawahluntokota")]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    idx = SearchIndex(tmp_path_factory.mktemp("ranked") / "index")
    idx.rebuild(DOCS)
    yield idx
    idx.close()


def ids(index, **kw):
    kw.setdefault("per_page", 100)
    return [hit.id for hit in index.search(SearchQuery(sort="ranked", **kw)).hits]


def test_ranked_first_then_newest(index):
    assert ids(index, ranked=(5, 20, 2), office="majenekab") == [5, 20, 2] + [i for i in range(30, 0, -1)
                                                                             if i not in (5, 20, 2)]


def test_ranked_ids_outside_the_matches_are_skipped(index):
    # 31 is another office, 99 does not exist, 7 is listed twice.
    assert ids(index, ranked=(31, 99, 7, 7, 3), office="majenekab")[:3] == [7, 3, 30]
    assert ids(index, ranked=(31, 7), text="2007")[:1] == [7]


def test_pages_across_the_ranked_and_the_rest(index):
    order = ids(index, ranked=(5, 20, 2), office="majenekab")
    pages = [ids(index, ranked=(5, 20, 2), office="majenekab", page=p, per_page=2) for p in range(1, 16)]
    assert [i for page in pages for i in page] == order
    assert index.search(SearchQuery(sort="ranked", ranked=(5,), office="majenekab")).total == 30


def test_hostile_ranked_values_are_ignored(index):
    assert ids(index, ranked=("5", None, True, 2**70, -3, 4), office="majenekab")[:2] == [4, 30]
    assert ids(index, ranked="12345", office="majenekab")[:1] == [30]
    assert index.search(SearchQuery(sort="newest", ranked=(5,))).query.ranked == ()


def test_a_reindexed_publication_appears_once(tmp_path):
    idx = SearchIndex(tmp_path / "index")
    idx.rebuild(DOCS[:5])
    idx.add([doc(3, "Statistik Daerah Majene 2003 (revisi)", 2003)])
    try:
        assert [h.id for h in idx.search(SearchQuery(sort="ranked", ranked=(3, 1))).hits] == [3, 1, 5, 4, 2]
    finally:
        idx.close()
