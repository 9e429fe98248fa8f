"""The catalogue change log: written with each change, followed by the index, pruned."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from app.catalogue import changes, indexing
from app.catalogue.models import CatalogueChange, Publication
from app.extensions import db
from app.search import IndexBusy, PublicationDoc, SearchIndex, SearchQuery
from app.search.store import POSITION_FILE
from tests.helpers import visible_text

MAJENE_2019 = "Statistik Peternakan Kabupaten Majene 2019"


def log(app) -> list[tuple[int, int, str, str]]:
    with app.app_context():
        return [(c.id, c.publication_id, c.office, c.kind)
                for c in db.session.scalars(select(CatalogueChange).order_by(CatalogueChange.id))]


def position(app) -> int | None:
    return app.extensions["search_index"].position()


def doc(i: int, title: str) -> PublicationDoc:
    return PublicationDoc(id=i, office="majenekab", office_name="BPS Kabupaten Majene", title=title)


def test_the_index_records_its_position_under_its_write_lock(tmp_path):
    index = SearchIndex(tmp_path / "search-index", write_timeout=0.1)
    index.create(position=3)
    assert index.position() == 3
    seen = []

    def batch(position):
        seen.append(position)
        with pytest.raises(IndexBusy):  # no other writer while the changes are applied
            index.add([doc(9, "Statistik Kesejahteraan Rakyat")])
        return [doc(1, "Statistik Perikanan"), doc(2, "Statistik Peternakan")], [], 7

    assert index.follow(batch) == 7 and seen == [3] and index.position() == 7
    assert index.follow(lambda position: ([], [2], 8)) == 8
    assert [h.id for h in index.search(SearchQuery(text="statistik")).hits] == [1]
    assert index.follow(lambda position: None) == 8  # nothing to do

    def broken(position):
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        index.follow(broken)
    assert index.position() == 8
    index.add([doc(3, "Statistik Pertanian")])  # the lock was released
    assert index.rebuild([doc(4, "Statistik Kehutanan")], position=12) == 1 and index.position() == 12
    index.close()


def test_every_change_is_logged_with_its_transaction(app, catalogue):
    pid = catalogue[MAJENE_2019]
    imported = log(app)
    assert sorted(row[1] for row in imported) == sorted(catalogue.values())
    assert {row[3] for row in imported} == {"upsert"}
    assert position(app) == imported[-1][0]  # the importing process applied its own rows

    with app.app_context():
        publication = db.session.get(Publication, pid)
        publication.title = publication.title  # nothing changed: nothing logged
        db.session.commit()
        db.session.get(Publication, pid).pages = 41
        db.session.rollback()  # rolled back: nothing logged
        publication = db.session.get(Publication, pid)
        with db.session.begin_nested():
            publication.pages = 42
        publication.abstract = "Populasi ternak sapi dan kambing."
        db.session.commit()  # a savepoint and the rest: one row at the outer commit
    rows = log(app)[len(imported):]
    assert [(r[1], r[2], r[3]) for r in rows] == [(pid, "majenekab", "upsert")]

    with app.app_context():
        db.session.delete(db.session.get(Publication, pid))
        db.session.commit()
    last = log(app)[-1]
    assert last[1:] == (pid, "majenekab", "delete") and last[0] > rows[0][0]
    assert position(app) == last[0]


def test_an_index_without_a_position_or_behind_a_pruned_log_compares_itself(app, catalogue, clock):
    index = app.extensions["search_index"]
    target = index.path.resolve()
    pid = catalogue[MAJENE_2019]
    with app.app_context():
        # A change that bypassed the session, then the position forgotten.
        db.session.execute(sa.text("UPDATE publication SET title = 'Statistik Perikanan Majene', "
                                   "updated_at = '2030-01-01 00:00:00' WHERE id = :id"), {"id": pid})
        db.session.commit()
        (target / POSITION_FILE).unlink()
        assert index.position() is None
        said = indexing.catch_up()
        assert "compared with the catalogue" in said and "1 written" in said
        top = changes.latest_id(db.session)
        assert index.position() == top
        assert [h.id for h in index.search(SearchQuery(text="perikanan")).hits] == [pid]

        # Rows this index never applied were pruned: it compares itself again.
        (target / POSITION_FILE).write_text("0\n")
        clock.advance(days=40)
        db.session.get(Publication, catalogue["Kota Sawahlunto Dalam Angka 2024"]).pages = 281
        db.session.commit()  # the index follows this commit ...
        (target / POSITION_FILE).write_text("0\n")  # ... but pretend it was left behind
        old = db.session.scalar(select(sa.func.count()).where(CatalogueChange.id <= top))
        assert changes.prune(db.session, keep_days=30) == old
        db.session.commit()
        assert "compared with the catalogue" in indexing.catch_up()
        assert index.position() == changes.latest_id(db.session)


def test_pruning_keeps_recent_rows_and_always_the_newest(app, catalogue, clock):
    before = log(app)
    clock.advance(days=31)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["catalogue", "prune-changes"])
    assert result.exit_code == 0 and f"{len(before) - 1} catalogue change(s) older than 30" in result.output
    assert log(app) == before[-1:]  # the newest stays, so the log's top never goes back
    with app.app_context():
        db.session.get(Publication, catalogue[MAJENE_2019]).pages = 44
        db.session.commit()
    newest = log(app)[-1]
    assert runner.invoke(args=["catalogue", "prune-changes", "--keep-days", "7"]).output.startswith("1 ")
    assert runner.invoke(args=["catalogue", "prune-changes", "--keep-days", "7"]).output.startswith("0 ")
    assert log(app) == [newest]


def test_a_rebuild_and_a_new_index_record_the_log_position(make_app, app, catalogue, tmp_path):
    top = log(app)[-1][0]
    assert app.test_cli_runner().invoke(args=["catalogue", "reindex"]).exit_code == 0
    assert position(app) == top
    # Another host, started with an empty instance folder, on the same database.
    other = make_app(INSTANCE_PATH=tmp_path / "other-host", SOFTCOPY_DIR=str(tmp_path / "instance" / "softcopies"))
    assert position(other) == top
    assert other.extensions["search_index"].doc_count() == len(catalogue)


def test_a_search_applies_changes_made_elsewhere(make_app, app, catalogue, tmp_path):
    # The page cache stays off with several hosts (it sees only this host's writes).
    other = make_app(INSTANCE_PATH=tmp_path / "other-host", SOFTCOPY_DIR=str(tmp_path / "instance" / "softcopies"),
                     SEARCH_LOG_CHECK_SECONDS=0, PAGE_CACHE=False)
    client = other.test_client()
    assert "Statistik Perikanan" not in visible_text(client.get("/majenekab/katalog?q=ikan").data)
    with app.app_context():  # the first host
        db.session.get(Publication, catalogue[MAJENE_2019]).title = "Statistik Perikanan Kabupaten Majene 2019"
        db.session.commit()
    assert "Statistik Perikanan" in visible_text(client.get("/majenekab/katalog?q=ikan").data)
    assert position(other) == position(app) == log(app)[-1][0]


def test_postgresql_gives_ids_in_commit_order(app, catalogue):
    """A commit waits for the advisory lock held by another transaction in its commit."""
    pid = catalogue[MAJENE_2019]
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (set TEST_DATABASE_URL); SQLite's single writer orders the ids")
    holder = engine.connect()
    transaction = holder.begin()
    holder.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": changes.ADVISORY_LOCK_KEY})
    done = threading.Event()

    def edit():
        with app.app_context():
            db.session.get(Publication, pid).pages = 50
            db.session.commit()
        done.set()

    thread = threading.Thread(target=edit)
    thread.start()
    try:
        time.sleep(0.5)
        assert not done.is_set()  # waiting for the lock, its change row not yet numbered
        holder.execute(sa.insert(CatalogueChange).values(publication_id=0, office="x", kind="upsert",
                                                         created_at=sa.func.now()))
        transaction.commit()
    finally:
        if transaction.is_active:
            transaction.rollback()
        holder.close()
        thread.join(timeout=10)
    assert done.is_set()
    rows = log(app)
    assert [r[1] for r in rows[-2:]] == [0, pid]  # the first to commit has the lower id
