"""The catalogue's change log: what every host's search index follows.

Each commit that adds, changes or deletes a :class:`Publication` through the session
(a staff edit or deletion, the importer, the demo catalogue, a softcopy replaced or
sanitised) writes one :class:`CatalogueChange` row per publication it touched, in the
same transaction: the change and its row commit or roll back together.  Each host keeps
its own Whoosh index, records the id of the last row it has applied, and applies the
rows after it (:func:`app.catalogue.indexing.catch_up`).

Ids ascend in commit order, so a host that has seen id N has seen every change up to N:

* PostgreSQL: the rows are inserted just before the commit, after taking a
  transaction-level advisory lock (:data:`ADVISORY_LOCK_KEY`), so a second transaction
  takes its id only once the first has committed.  Only the commit itself is
  serialised, never the work before it.
* SQLite has a single writer, which orders them already.

A host applies a row by reading the publication's current row (or removing it from
the index when it is gone), so applying a row twice, or late, does no harm; ``kind``
says what happened, for people reading the log.

Ids are never reused (an identity column; AUTOINCREMENT on SQLite).  A rolled-back
transaction may leave a gap, which is harmless.  Changes that bypass the session (bulk
UPDATE/DELETE statements, raw SQL, a restored backup) are not logged: each process
compares its index with the database at start, and ``flask catalogue reindex --changed``
does the same on demand.  Old rows go with ``flask catalogue prune-changes``
(:func:`prune`); the newest row always stays, so the log's top id never goes back.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import delete, event, func, insert, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_state

from app import clock
from app.catalogue.models import CatalogueChange, Publication
from app.extensions import db

#: Key of the PostgreSQL advisory lock that orders the log's ids ("PSTLOG" in ASCII).
ADVISORY_LOCK_KEY = 0x5053544C4F47

_NOTED = "catalogue_changes"  # session.info: publication id -> (office, kind)
_WRITTEN = "catalogue_changes_written"  # session.info: this transaction wrote log rows


def init_app(app) -> None:
    app.extensions["catalogue_change_log"] = True
    if not event.contains(db.session, "after_flush", _note):
        event.listen(db.session, "after_flush", _note)
        event.listen(db.session, "before_commit", _write)
        event.listen(db.session, "after_rollback", _forget)


def _enabled() -> bool:
    return has_app_context() and bool(current_app.extensions.get("catalogue_change_log"))


def _note(session: Session, _flush_context) -> None:
    """After each flush: remember which publications it wrote (the last kind wins)."""
    if not _enabled():
        return
    noted = session.info.setdefault(_NOTED, {})
    for obj in list(session.new) + list(session.dirty):
        if (isinstance(obj, Publication) and obj.id is not None and not instance_state(obj).deleted
                and (obj in session.new or session.is_modified(obj))):
            noted[obj.id] = (obj.office, "upsert")
    for obj in session.deleted:
        if isinstance(obj, Publication) and obj.id is not None:
            noted[obj.id] = (obj.office, "delete")


def _write(session: Session) -> None:
    """Just before the commit: one log row per publication the transaction changed."""
    if session.in_nested_transaction() or not _enabled():
        return  # a savepoint: its changes are logged when the whole transaction commits
    session.flush()  # the commit's own flush comes after this event
    noted = session.info.pop(_NOTED, None)
    if not noted:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # Held until the commit: the next transaction takes its ids after ours are visible.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    now = clock.utcnow_naive()
    connection.execute(insert(CatalogueChange), [
        {"publication_id": pid, "office": office, "kind": kind, "created_at": now}
        for pid, (office, kind) in sorted(noted.items())])
    session.info[_WRITTEN] = True


def _forget(session: Session) -> None:
    session.info.pop(_NOTED, None)
    session.info.pop(_WRITTEN, None)


def take_written(session: Session) -> bool:
    """Whether the transaction just committed wrote log rows (asked once, after the commit)."""
    return bool(session.info.pop(_WRITTEN, False))


# ------------------------------------------------------------------ reading


def bounds(session: Session) -> tuple[int | None, int | None]:
    """The lowest and highest id in the log (None, None when it is empty)."""
    low, high = session.execute(select(func.min(CatalogueChange.id), func.max(CatalogueChange.id))).one()
    return low, high


def latest_id(session: Session) -> int | None:
    """The highest id in the log, or None when it is empty (one indexed lookup)."""
    return session.scalar(select(func.max(CatalogueChange.id)))


def pending(session: Session, after: int, until: int, limit: int) -> list[tuple[int, int, str]]:
    """``(id, publication_id, kind)`` of the rows after ``after`` up to ``until``, oldest first."""
    query = (select(CatalogueChange.id, CatalogueChange.publication_id, CatalogueChange.kind)
             .where(CatalogueChange.id > after, CatalogueChange.id <= until)
             .order_by(CatalogueChange.id).limit(limit))
    return [tuple(row) for row in session.execute(query)]


def prune(session: Session, keep_days: int, now: datetime | None = None) -> int:
    """Delete rows older than ``keep_days`` days, always keeping the newest; returns how
    many went (the caller commits).  A host whose index is older than what remains
    compares its whole index with the database instead of reading the log."""
    cutoff = (now or clock.utcnow_naive()) - timedelta(days=keep_days)
    newest = latest_id(session)
    if newest is None:
        return 0
    result = session.execute(delete(CatalogueChange).where(CatalogueChange.created_at < cutoff,
                                                           CatalogueChange.id < newest))
    return result.rowcount or 0
