"""Keep the Whoosh index in step with the database.

The database is the source of truth.  Every committed change to a
:class:`Publication` (from the importer, a staff edit, a deletion, anything that
goes through the session) is pushed to the index right after the commit, so it is
searchable at once.  If the index is busy or broken the change is kept and retried
on the next commit, and :func:`sync` (run at start and by ``flask catalogue
reindex --changed``) repairs any drift: a user never sees an index error.
An index built with an older schema version (:mod:`app.search.schema`) is
rebuilt at start when the catalogue is small, else reported.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, inspect as sa_inspect, select

from app.catalogue.models import Publication
from app.catalogue.storage import PdfStore
from app.extensions import db
from app.offices import Office
from app.search import SCHEMA_VERSION, Hit, IndexBusy, PublicationDoc, SearchIndex, SearchQuery, SearchResults

log = logging.getLogger(__name__)

#: Missing indexes up to this size are rebuilt at start; larger ones are reported.
AUTO_REBUILD_LIMIT = 20_000
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
    app.extensions["pdf_store"] = PdfStore(
        instance / "softcopies", max_pages=app.config["SOFTCOPY_MAX_PAGES"],
        text_timeout=app.config["SOFTCOPY_TEXT_TIMEOUT"], text_memory_mb=app.config["SOFTCOPY_TEXT_MEMORY_MB"])
    app.extensions["search_index"] = SearchIndex(instance / "search-index",
                                                 protected_words=protected_words(offices))
    app.extensions["search_deferred"] = {}
    if app.config["SEARCH_SYNC_ON_START"]:
        from app.contrib import registry

        registry(app).at_start(sync_at_start)
    if not event.contains(db.session, "after_flush", _collect_changes):
        event.listen(db.session, "after_flush", _collect_changes)
        event.listen(db.session, "after_commit", _apply_changes)
        event.listen(db.session, "after_rollback", _forget_changes)


def sync_at_start(app: Flask) -> None:
    """Repair drift between the index and the database when a process starts."""
    try:
        log.info("Search index: %s", sync())
    except Exception:  # search must not stop the site; the log says what to run
        log.exception("Search index check failed; run `flask catalogue reindex`")


def search_index() -> SearchIndex:
    return current_app.extensions["search_index"]


def run_search(query: SearchQuery) -> tuple[SearchResults, bool]:
    """Results of a search, and whether search works at all (a broken index says False)."""
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
    text that matched (HTML, marked), by publication id."""
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


# ------------------------------------------------------------- session hooks


def _collect_changes(session, _flush_context):
    if not has_app_context() or "search_index" not in current_app.extensions:
        return
    pending = session.info.setdefault("search_pending", {})
    offices, store = current_app.extensions["offices"], pdf_store()
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Publication) and obj.id is not None:
            pending[obj.id] = doc_for(obj, offices, store)
    for obj in session.deleted:
        if isinstance(obj, Publication) and obj.id is not None:
            pending[obj.id] = None


def _forget_changes(session):
    session.info.pop("search_pending", None)


def _apply_changes(session):
    pending = session.info.pop("search_pending", None)
    if not pending or not has_app_context() or "search_index" not in current_app.extensions:
        return
    deferred = current_app.extensions["search_deferred"]
    deferred.update(pending)
    apply_pending(search_index(), deferred)


def apply_pending(index: SearchIndex, pending: dict[int, PublicationDoc | None]) -> bool:
    """Write pending changes to the index; keep them for later if it is busy."""
    docs = [d for d in pending.values() if d is not None]
    gone = [i for i, d in pending.items() if d is None]
    try:
        if not index.exists():
            index.create()
        if docs:
            index.add(docs)
        if gone:
            index.remove(gone)
    except IndexBusy:
        log.warning("Search index busy; %d change(s) kept for the next write", len(pending))
        return False
    except Exception:  # a broken index must not break the commit that triggered it
        log.exception("Search index update failed; %d change(s) kept", len(pending))
        return False
    pending.clear()
    return True


# ------------------------------------------------------------------ repairs


def all_docs(offices: dict[str, Office], store: PdfStore, batch: int = 500):
    """Every publication as an index document, streamed from the database."""
    query = select(Publication).order_by(Publication.id).execution_options(yield_per=batch)
    for publication in db.session.scalars(query):
        yield doc_for(publication, offices, store)


def docs_by_id(ids: list[int]) -> list[PublicationDoc]:
    """The current index documents of some publications (for writes made during a rebuild)."""
    offices, store = current_app.extensions["offices"], pdf_store()
    docs = []
    for start in range(0, len(ids), 500):
        query = select(Publication).where(Publication.id.in_(ids[start:start + 500]))
        docs.extend(doc_for(p, offices, store) for p in db.session.scalars(query))
    return docs


def rebuild(progress=None) -> int:
    """Rebuild the whole index from the database (atomically replaces the old one)."""
    offices = current_app.extensions["offices"]
    count = search_index().rebuild(all_docs(offices, pdf_store()), progress=progress, refetch=docs_by_id)
    db.session.rollback()  # end the long read transaction
    return count


def sync() -> str:
    """Bring the index in line with the database; return what was done, in words."""
    if "publication" not in sa_inspect(db.engine).get_table_names():
        return "no catalogue table yet (run flask db upgrade)"
    index = search_index()
    rows = dict(db.session.execute(select(Publication.id, Publication.updated_at)).all())
    if not index.exists():
        if len(rows) > AUTO_REBUILD_LIMIT:
            log.error("Search index is missing and the catalogue has %d publications: "
                      "run `flask catalogue reindex`", len(rows))
            return "index missing (too large to rebuild at start)"
        try:
            return f"index missing: rebuilt with {rebuild()} publication(s)"
        except IndexBusy:  # another worker started the same rebuild a moment earlier
            return "index missing: another process is rebuilding it"
    note = ""
    if index.outdated():
        version = index.schema_version()
        if len(rows) > AUTO_REBUILD_LIMIT:
            note = f"; built with schema version {version}: run `flask catalogue reindex`"
            # It still answers searches; the drift repair below keeps it current.
            log.error("Search index was built with schema version %s (this code writes %s) and the "
                      "catalogue has %d publications: run `flask catalogue reindex`",
                      version, SCHEMA_VERSION, len(rows))
        else:
            try:
                return f"index built with schema version {version}: rebuilt with {rebuild()} publication(s)"
            except IndexBusy:
                return "index built with an older schema: another process is rebuilding it"
    indexed = index.stored_versions()
    stale = [i for i, updated in rows.items() if indexed.get(i, ...) != updated]
    gone = [i for i in indexed if i not in rows]
    if not stale and not gone:
        return f"index up to date ({len(rows)} publication(s)){note}"
    pending: dict[int, PublicationDoc | None] = {i: None for i in gone}
    pending.update((doc.id, doc) for doc in docs_by_id(stale))
    db.session.rollback()
    ok = apply_pending(index, pending)
    state = "updated" if ok else "could not be updated (busy)"
    return f"index {state}: {len(stale)} changed, {len(gone)} removed{note}"
