"""Keep this host's Whoosh index in step with the database.

The database is the source of truth.  Every committed change to a
:class:`Publication` that goes through the session (the importer, a staff edit, a
deletion, the demo catalogue, a softcopy replaced) writes a row to the change log
in the same transaction (:mod:`app.catalogue.changes`).  The index records the id
of the last row it has applied (:meth:`~app.search.store.IndexStore.follow`), and
:func:`catch_up` applies the rows after it, in order, under the index's write lock:

* right after a commit in this process, so a change is searchable at once here;
* before a search, when the log has moved on (another host, or another process of
  this one): one ``SELECT max(id)`` at most every ``SEARCH_LOG_CHECK_SECONDS`` per
  process, and a file read when it is ahead;
* at start, by :func:`sync`, which also compares every publication with the index
  (changes that bypassed the session) and builds a missing index, recording the
  log's top id read before the rows.

If the index is busy the changes simply stay pending in the log; a user never sees
an index error.  An index built with an older schema version
(:mod:`app.search.schema`) is rebuilt at start when the catalogue is small, else
reported.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, func, inspect as sa_inspect, select
from sqlalchemy.orm import Session

from app import pagecache
from app.catalogue import changes
from app.catalogue.models import CatalogueChange, Publication
from app.catalogue.storage import PdfStore
from app.extensions import db
from app.offices import Office
from app.search import SCHEMA_VERSION, Hit, IndexBusy, PublicationDoc, SearchIndex, SearchQuery, SearchResults

log = logging.getLogger(__name__)

#: Missing indexes up to this size are rebuilt at start; larger ones are reported.
AUTO_REBUILD_LIMIT = 20_000
#: Log rows applied per index write (a search applies at most one such batch).
FOLLOW_BATCH = 500
_GENERIC_NAME_WORDS = {"bps", "kabupaten", "kota", "provinsi", "badan", "pusat", "statistik"}


def protected_words(offices: dict[str, Office]) -> set[str]:
    """Place names from the office profiles that stemming must leave alone."""
    words: set[str] = set()
    for office in offices.values():
        for text in (office.name, office.province, office.address):
            for word in re.findall(r"[A-Za-z]+", text):
                if len(word) > 2 and word.lower() not in _GENERIC_NAME_WORDS:
                    words.add(word.lower())
    return words


def init_app(app: Flask) -> None:
    instance = Path(app.instance_path)
    offices = app.extensions["offices"]
    # Shared by every host of a deployment (content-addressed, so hosts never clash).
    softcopies = Path(app.config.get("SOFTCOPY_DIR") or instance / "softcopies")
    app.extensions["pdf_store"] = PdfStore(
        softcopies, max_pages=app.config["SOFTCOPY_MAX_PAGES"],
        text_timeout=app.config["SOFTCOPY_TEXT_TIMEOUT"], text_memory_mb=app.config["SOFTCOPY_TEXT_MEMORY_MB"])
    # One per host: it follows the change log.
    app.extensions["search_index"] = SearchIndex(instance / "search-index",
                                                 protected_words=protected_words(offices))
    follow = app.extensions["search_follow"] = _Follow()
    # Another host wrote: its catalogue changes, if any, are in the log; read the log
    # before the next search, so that a page rendered now is not kept with old results.
    pagecache.on_other_host_write(app, follow.check_soon)
    changes.init_app(app)
    if app.config["SEARCH_SYNC_ON_START"]:
        from app.contrib import registry

        registry(app).at_start(sync_at_start)
    if not event.contains(db.session, "after_commit", _after_commit):
        event.listen(db.session, "after_commit", _after_commit)


def sync_at_start(app: Flask) -> None:
    """Repair drift between the index and the database when a process starts."""
    try:
        log.info("Search index: %s", sync())
    except Exception:  # search must not stop the site; the log says what to run
        log.exception("Search index check failed; run `flask catalogue reindex`")


def search_index() -> SearchIndex:
    return current_app.extensions["search_index"]


def run_search(query: SearchQuery) -> tuple[SearchResults, bool]:
    """Results of a search, and whether search works at all (a broken index says False).
    The index first catches up with the change log when the log has moved on."""
    follow_before_search()
    try:
        return search_index().search(query), True
    except Exception:  # a damaged index must cost a notice, not a 500
        log.exception("Search failed; run `flask catalogue reindex`")
        return SearchResults(0, 1, 1, query.per_page, [], {}, None, query), False


def pdf_store() -> PdfStore:
    return current_app.extensions["pdf_store"]


def example_queries(office: str | None, n: int = 3) -> list[str]:
    """Queries that find publications of ``office`` in the catalogue as loaded
    (for the search box's placeholder); [] when search is unavailable."""
    try:
        return search_index().example_queries(office, n)
    except Exception:  # a placeholder is not worth an error page
        log.exception("Example queries failed")
        return []


#: Passages already found: (index, text hash, terms) -> HTML.  The store is content
#: addressed, so a passage never goes stale; the same words are searched often.
_PASSAGES: OrderedDict[tuple, str] = OrderedDict()
_PASSAGES_KEPT = 1024


def text_passages(hits: list[tuple[Hit, Publication]]) -> dict[int, str]:
    """For the hits found only through their PDF text: the passage of the
    text that matched (HTML, marked), by publication id.  Each hit comes with its
    publication, or a row with its ``id`` and ``pdf_sha256``."""
    index, store = search_index(), pdf_store()
    passages: dict[int, str] = {}
    for hit, publication in hits:
        if not (hit.full_text_only and publication.pdf_sha256):
            continue
        key = (str(index.path), publication.pdf_sha256, hit.text_terms)
        passage = _PASSAGES.get(key)
        if passage is None:
            try:
                passage = index.passage(store.text(publication.pdf_sha256), hit.text_terms)
            except Exception:  # the results page shows without it
                log.exception("Passage of publication %s failed", publication.id)
                continue
            _PASSAGES[key] = passage
            if len(_PASSAGES) > _PASSAGES_KEPT:
                _PASSAGES.popitem(last=False)
        if passage:
            passages[hit.id] = passage
    return passages


def doc_for(publication: Publication, offices: dict[str, Office], store: PdfStore) -> PublicationDoc:
    """The index document of a publication, with the text of its softcopy."""
    office = offices.get(publication.office)
    return PublicationDoc(
        id=publication.id,
        office=publication.office,
        office_name=office.name if office else publication.office,
        title=publication.title,
        abstract=publication.abstract or "",
        subjects=tuple(publication.subjects or ()),
        catalogue_number=publication.catalogue_number,
        publication_number=publication.publication_number,
        issn=publication.issn,
        isbn=publication.isbn,
        year=publication.year,
        release_date=publication.release_date,
        language=publication.language,
        format=publication.format,
        content=store.text(publication.pdf_sha256) if publication.format != "hardcopy" else "",
        updated=publication.updated_at,
    )


# ------------------------------------------------------------- following the change log


class _Follow:
    """Per process (and app): when the log was last asked for its top id, and the
    position this process last saw recorded in the index."""

    def __init__(self):
        self.checked = float("-inf")
        self.position: int | None = None
        self.lock = threading.Lock()

    def check_soon(self) -> None:
        self.checked = float("-inf")


def _after_commit(session) -> None:
    """A commit of this process wrote log rows: apply them (and any before them) now."""
    if not changes.take_written(session) or not has_app_context() or "search_index" not in current_app.extensions:
        return
    try:
        catch_up()
    except IndexBusy:
        log.warning("Search index busy; the change stays in the log and is applied by the next write or search")
    except Exception:  # a broken index must not break the commit that triggered it
        log.exception("Search index update failed; the change stays in the log")


def follow_before_search() -> None:
    """Before a search: when the log's top id (asked at most every
    ``SEARCH_LOG_CHECK_SECONDS``) is past this index's position, apply one batch of
    the changes, unless another process of this host holds the index (it is applying
    them).  Never raises."""
    app = current_app._get_current_object()
    state: _Follow | None = app.extensions.get("search_follow")
    if state is None:
        return
    now = time.monotonic()
    if now - state.checked < app.config["SEARCH_LOG_CHECK_SECONDS"]:
        return
    state.checked = now
    try:
        with db.engine.connect() as connection:  # not the request's transaction
            top = changes.latest_id(connection)
        if top is None or (state.position is not None and top <= state.position):
            return
        index = search_index()
        state.position = index.position()
        if state.position is not None and top <= state.position:
            return
        if not index.exists():
            return  # built at start (or by the next commit, or `flask catalogue reindex`)
        if not state.lock.acquire(blocking=False):
            return  # another thread of this process is applying them
        try:
            catch_up(timeout=0, batches=1)
        finally:
            state.lock.release()
    except IndexBusy:
        pass
    except Exception:  # a search must not fail because the index could not be updated
        log.exception("Applying the catalogue change log to the search index failed")


def catch_up(*, timeout: float | None = None, batches: int | None = None, compare: bool = False) -> str:
    """Apply the change log to this host's index, in order, and record how far it got;
    return what was done, in words.  Raises :class:`IndexBusy` when the index's write
    lock cannot be had within ``timeout`` seconds (default: the index's own).

    A missing index is built from the database (when the catalogue is small).  An index
    without a position (built before the log existed), one ahead of the log (the
    database was replaced) or one behind what is left of the log (pruned) is compared
    with every publication instead, as ``compare=True`` does.  ``batches`` caps the
    number of index writes of :data:`FOLLOW_BATCH` rows.
    """
    index = search_index()
    # Its own session: this runs right after another session's commit, and must not
    # touch the caller's transaction.
    with Session(db.engine) as session:
        if not index.exists():
            return build_missing(session)
        done = {"applied": 0, "removed": 0, "compared": False}

        def next_batch(position: int | None):
            low, top = changes.bounds(session)
            top = top or 0
            if (compare and not done["compared"]) or position is None or position > top \
                    or (low is not None and position < low - 1):
                done["compared"] = True
                docs, gone = _differences(index, session)
            else:
                if position == top:
                    return None
                rows = changes.pending(session, position, top, FOLLOW_BATCH)
                if len(rows) == FOLLOW_BATCH:
                    top = rows[-1][0]
                ids = sorted({publication_id for _id, publication_id, _kind in rows})
                docs = docs_by_id(ids, session)
                found = {doc.id for doc in docs}
                gone = [i for i in ids if i not in found]
            done["applied"] += len(docs)
            done["removed"] += len(gone)
            done["top"] = top
            return docs, gone, top

        rounds = 0
        while True:
            done.pop("top", None)
            reached = index.follow(next_batch, timeout=timeout)
            _remember(reached, changed="top" in done)
            rounds += 1
            if "top" not in done or (batches is not None and rounds >= batches):
                break
            _, top = changes.bounds(session)
            if top is None or reached is None or reached >= top:
                break
    counts = f"{done['applied']} written, {done['removed']} removed"
    if done["compared"]:
        return f"index compared with the catalogue, at change {reached}: {counts}"
    if done["applied"] or done["removed"]:
        return f"index followed the change log to change {reached}: {counts}"
    return f"index up to date (change {reached})"


def _remember(position: int | None, changed: bool = False) -> None:
    """Note the index's position for the next check; when the index changed, pages kept
    by this host's page cache (app/pagecache.py) may show the old results: drop them."""
    state = current_app.extensions.get("search_follow")
    if state is not None:
        state.position = position
    cache = current_app.extensions.get("page_cache")
    if changed and cache is not None:
        cache.generation.bump()


def _differences(index: SearchIndex, session: Session) -> tuple[list[PublicationDoc], list[int]]:
    """What differs between the index and the database: the current documents of
    publications new or changed since indexed, and the ids indexed but gone."""
    rows = dict(session.execute(select(Publication.id, Publication.updated_at)).all())
    indexed = index.stored_versions()
    stale = [i for i, updated in rows.items() if indexed.get(i, ...) != updated]
    gone = [i for i in indexed if i not in rows]
    return docs_by_id(stale, session), gone


def build_missing(session: Session | None = None) -> str:
    """Build the missing index from the database, when the catalogue is small."""
    session = session or db.session
    count = session.scalar(select(func.count(Publication.id)))
    if count > AUTO_REBUILD_LIMIT:
        log.error("Search index is missing and the catalogue has %d publications: "
                  "run `flask catalogue reindex`", count)
        return "index missing (too large to rebuild at start)"
    try:
        return f"index missing: rebuilt with {rebuild(session=session)} publication(s)"
    except IndexBusy:  # another process started the same rebuild a moment earlier
        return "index missing: another process is rebuilding it"


# ------------------------------------------------------------------ rebuilds and repairs


def all_docs(offices: dict[str, Office], store: PdfStore, batch: int = 500, session: Session | None = None):
    """Every publication as an index document, streamed from the database."""
    session = session or db.session
    query = select(Publication).order_by(Publication.id).execution_options(yield_per=batch)
    for publication in session.scalars(query):
        yield doc_for(publication, offices, store)


def docs_by_id(ids: list[int], session: Session | None = None) -> list[PublicationDoc]:
    """The current index documents of some publications (those that still exist)."""
    session = session or db.session
    offices, store = current_app.extensions["offices"], pdf_store()
    docs = []
    for start in range(0, len(ids), 500):
        query = select(Publication).where(Publication.id.in_(ids[start:start + 500]))
        docs.extend(doc_for(p, offices, store) for p in session.scalars(query))
    return docs


def rebuild(progress=None, session: Session | None = None) -> int:
    """Rebuild the whole index from the database (atomically replaces the old one).

    The new index's position is the log's top id read *before* the rows, so a change
    committed meanwhile is applied again afterwards rather than missed."""
    session = session or db.session
    offices = current_app.extensions["offices"]
    position = changes.latest_id(session) or 0
    count = search_index().rebuild(all_docs(offices, pdf_store(), session=session), progress=progress,
                                   refetch=lambda ids: docs_by_id(ids, session), position=position)
    session.rollback()  # end the long read transaction
    _remember(position, changed=True)
    return count


def sync() -> str:
    """Bring the index in line with the database; return what was done, in words."""
    tables = set(sa_inspect(db.engine).get_table_names())
    if not {Publication.__tablename__, CatalogueChange.__tablename__} <= tables:
        return "no catalogue tables yet (run flask db upgrade)"
    index = search_index()
    if not index.exists():
        return build_missing()
    note = ""
    if index.outdated():
        version = index.schema_version()
        count = db.session.scalar(select(func.count(Publication.id)))
        if count > AUTO_REBUILD_LIMIT:
            note = f"; built with schema version {version}: run `flask catalogue reindex`"
            # It still answers searches; the comparison below keeps it current.
            log.error("Search index was built with schema version %s (this code writes %s) and the "
                      "catalogue has %d publications: run `flask catalogue reindex`",
                      version, SCHEMA_VERSION, count)
        else:
            try:
                return f"index built with schema version {version}: rebuilt with {rebuild()} publication(s)"
            except IndexBusy:
                return "index built with an older schema: another process is rebuilding it"
    db.session.rollback()
    try:
        return catch_up(compare=True) + note
    except IndexBusy:
        return "index could not be compared (busy)" + note
