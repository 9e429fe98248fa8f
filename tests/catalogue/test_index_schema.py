"""An index built with an older schema is noticed, keeps working, and is rebuilt."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

from whoosh.fields import DATETIME, ID, NUMERIC
from whoosh.filedb.filestore import FileStorage

from app.catalogue import indexing
from app.search import SCHEMA_VERSION, PublicationDoc, SearchIndex, SearchQuery, _doc_fields, build_schema
from tests.helpers import visible_text

PROTECTED = ["Majene", "Bengkulu"]
VERSION_FILE = "PST_SCHEMA_VERSION"


def pub(id, title, year, **kw):
    return PublicationDoc(id=id, office="majenekab", office_name="BPS Kabupaten Majene", title=title, year=year,
                          release_date=date(year, 3, 1), updated=datetime(2024, 1, 1), **kw)


DOCS = [pub(1, "Statistik Peternakan Kabupaten Majene 2023", 2023, subjects=("Peternakan",)),
        pub(2, "Kabupaten Majene Dalam Angka 2024", 2024, subjects=("Statistik Umum",))]


def version_one_schema():
    """The schema as it was before versions: year and release date indexed,
    the sort title an indexed ID field."""
    schema = build_schema(PROTECTED)
    schema.remove("title_sort")
    schema.add("title_sort", ID(sortable=True))
    schema.add("year", NUMERIC(int, stored=True, sortable=True))
    schema.add("release", DATETIME(stored=True, sortable=True))
    return schema


def test_a_new_index_records_its_schema_version(tmp_path):
    idx = SearchIndex(tmp_path / "search", PROTECTED)
    assert idx.schema_version() is None and not idx.outdated()
    idx.rebuild(DOCS)
    assert idx.schema_version() == SCHEMA_VERSION and not idx.outdated()
    assert (Path(os.path.realpath(idx.path)) / VERSION_FILE).read_text().strip() == str(SCHEMA_VERSION)
    idx.create()
    assert idx.schema_version() == SCHEMA_VERSION
    idx.close()


def test_an_index_of_the_first_schema_still_works_until_it_is_rebuilt(tmp_path):
    path = tmp_path / "search"
    path.mkdir()
    schema = version_one_schema()
    ix = FileStorage(str(path)).create_index(schema)
    with ix.writer() as w:
        for doc in DOCS:
            w.add_document(**_doc_fields(doc, schema))
    idx = SearchIndex(path, PROTECTED)
    assert idx.schema_version() == 1 and idx.outdated()
    # searches, facets, sorts and writes go on as before
    assert [h.id for h in idx.search(SearchQuery(text="peternakan")).hits] == [1]
    assert [h.id for h in idx.search(SearchQuery(sort="title")).hits] == [2, 1]
    assert dict(idx.search(SearchQuery()).facets["year"]) == {"2024": 1, "2023": 1}
    idx.add([pub(3, "Statistik Perikanan Kabupaten Majene 2022", 2022)])
    assert [h.id for h in idx.search(SearchQuery(text="perikanan")).hits] == [3]
    assert [h.id for h in idx.search(SearchQuery(sort="title")).hits] == [2, 3, 1]
    # a rebuild brings the current schema
    idx.rebuild([*DOCS, pub(3, "Statistik Perikanan Kabupaten Majene 2022", 2022)])
    assert idx.schema_version() == SCHEMA_VERSION and not idx.outdated()
    assert "year" not in FileStorage(os.path.realpath(path)).open_index().schema.names()
    assert [h.id for h in idx.search(SearchQuery(sort="title")).hits] == [2, 3, 1]
    idx.close()


def outdate(app) -> None:
    """Make the app's index look as if an older version of the code built it."""
    index = app.extensions["search_index"]
    (Path(os.path.realpath(index.path)) / VERSION_FILE).write_text("1\n")
    index.close()


def test_an_index_of_an_older_schema_is_rebuilt_at_start(make_app, app, catalogue):
    outdate(app)
    fresh = make_app()
    index = fresh.extensions["search_index"]
    assert index.schema_version() == SCHEMA_VERSION and not index.outdated()
    assert "4 publikasi" in visible_text(fresh.test_client().get("/katalog").data)


def test_a_large_catalogue_is_not_rebuilt_at_start_but_reported(app, catalogue, monkeypatch):
    outdate(app)
    monkeypatch.setattr(indexing, "AUTO_REBUILD_LIMIT", 2)
    with app.app_context():
        said = indexing.sync()
    assert "built with schema version 1: run `flask catalogue reindex`" in said
    assert app.extensions["search_index"].outdated()
    assert "4 publikasi" in visible_text(app.test_client().get("/katalog").data)  # still searchable
    result = app.test_cli_runner().invoke(args=["catalogue", "reindex"])
    assert result.exit_code == 0 and "Indexed 4 publication(s)" in result.output
    assert not app.extensions["search_index"].outdated()
