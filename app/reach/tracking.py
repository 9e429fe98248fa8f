"""Keep the OAI-PMH records in step with the catalogue, in the same transaction.

Every flush that adds, changes or deletes a :class:`Publication` (the importer, a staff
edit, a deletion: anything that goes through the session) writes its
:class:`~app.reach.models.OaiRecord` on the same connection, so the record and the
change commit or roll back together.  A deleted publication leaves its record behind,
marked deleted, with the time of the deletion as its datestamp.

The catalogue knows nothing of this: these are SQLAlchemy session events on the shared
session.  Changes that bypass the session (bulk UPDATE/DELETE statements, a restored
backup, publications that existed before this feature) are repaired by :func:`sync`,
run at start and by ``flask reach sync``.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import delete, event, inspect as sa_inspect, insert, select, update
from sqlalchemy.orm.attributes import instance_state

from app import clock
from app.catalogue.models import Publication
from app.extensions import db
from app.reach.models import OaiRecord, OaiRecordSet
from app.reach.oaipmh import truncate
from app.text import slugify

log = logging.getLogger(__name__)

_DELETED_KEY = "reach_deleted"


def init_app(app) -> None:
    if not event.contains(db.session, "before_flush", _remember_deletions):
        event.listen(db.session, "before_flush", _remember_deletions)
        event.listen(db.session, "after_flush", _write_records)
        event.listen(db.session, "after_rollback", _forget)


def subject_spec(subject: str) -> str | None:
    """The set of a subject: 'Ekonomi dan Perdagangan' → 'subject:ekonomi-dan-perdagangan'."""
    slug = slugify(subject, 100)
    return f"subject:{slug}" if slug else None


def set_rows(publication_id: int, office: str, subjects, office_names: dict[str, str]) -> list[dict]:
    """The sets a publication belongs to, parents included, as oai_record_set rows."""
    rows = {"office": "Kantor BPS", f"office:{office}": office_names.get(office, office)}
    for subject in subjects or ():
        spec = subject_spec(str(subject))
        if spec is not None:
            rows.setdefault("subject", "Subjek")
            rows.setdefault(spec, " ".join(str(subject).split())[:200])
    return [{"publication_id": publication_id, "spec": spec, "name": name} for spec, name in rows.items()]


def _office_names() -> dict[str, str]:
    if has_app_context() and "offices" in current_app.extensions:
        return {slug: office.name for slug, office in current_app.extensions["offices"].items()}
    return {}


def _remember_deletions(session, _flush_context, _instances):
    """Before the rows go: note each deleted publication's office and subjects."""
    deleted = session.info.setdefault(_DELETED_KEY, {})
    for obj in session.deleted:
        if isinstance(obj, Publication) and obj.id is not None:
            deleted[obj.id] = (obj.office, list(obj.subjects or ()))


def _forget(session):
    session.info.pop(_DELETED_KEY, None)


def _write_records(session, _flush_context):
    """After the flush, on its connection: records of new and changed publications
    rewritten, those of deleted ones marked deleted."""
    changed = [obj for obj in list(session.new) + list(session.dirty)
               if isinstance(obj, Publication) and obj.id is not None
               and not instance_state(obj).deleted and (obj in session.new or session.is_modified(obj))]
    deleted = session.info.pop(_DELETED_KEY, {})
    if not changed and not deleted:
        return
    connection = session.connection()
    names = _office_names()
    if changed:
        write(connection, [(p.id, p.office, p.subjects, p.updated_at) for p in changed], names)
    if deleted:
        mark_deleted(connection, deleted, clock.utcnow_naive(), names)


def write(connection, publications, office_names: dict[str, str]) -> None:
    """(Re)write the live records of ``(id, office, subjects, updated_at)`` tuples."""
    ids = [p[0] for p in publications]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        connection.execute(delete(OaiRecordSet).where(OaiRecordSet.publication_id.in_(chunk)))
        connection.execute(delete(OaiRecord).where(OaiRecord.publication_id.in_(chunk)))
    now = clock.utcnow_naive()
    connection.execute(insert(OaiRecord), [
        {"publication_id": pid, "office": office, "datestamp": truncate(updated or now), "deleted": False}
        for pid, office, _subjects, updated in publications])
    sets = [row for pid, office, subjects, _ in publications for row in set_rows(pid, office, subjects, office_names)]
    if sets:
        connection.execute(insert(OaiRecordSet), sets)


def mark_deleted(connection, deleted: dict[int, tuple[str, list]], when: datetime,
                 office_names: dict[str, str]) -> None:
    """Mark records deleted at ``when``; a publication that had no record gets one."""
    ids = list(deleted)
    known = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        connection.execute(update(OaiRecord).where(OaiRecord.publication_id.in_(chunk))
                           .values(deleted=True, datestamp=truncate(when)))
        known.update(connection.scalars(select(OaiRecord.publication_id)
                                         .where(OaiRecord.publication_id.in_(chunk))))
    missing = [pid for pid in ids if pid not in known]
    if missing:
        connection.execute(insert(OaiRecord), [
            {"publication_id": pid, "office": deleted[pid][0], "datestamp": truncate(when), "deleted": True}
            for pid in missing])
        sets = [row for pid in missing for row in set_rows(pid, deleted[pid][0], deleted[pid][1], office_names)]
        if sets:
            connection.execute(insert(OaiRecordSet), sets)


# ------------------------------------------------------------------ repairs


def sync() -> str:
    """Bring the records in line with the catalogue; return what was done, in words.

    A publication without a record, or whose record's datestamp differs from its
    ``updated_at``, is rewritten; a live record without a publication is marked deleted
    now.  Deleted records are never removed.
    """
    tables = set(sa_inspect(db.engine).get_table_names())
    if not {"publication", OaiRecord.__tablename__, OaiRecordSet.__tablename__} <= tables:
        return "no tables yet (run flask db upgrade)"
    current = dict(db.session.execute(select(Publication.id, Publication.updated_at)).all())
    records = {pid: (stamp, gone) for pid, stamp, gone in db.session.execute(
        select(OaiRecord.publication_id, OaiRecord.datestamp, OaiRecord.deleted))}
    stale = [pid for pid, updated in current.items()
             if pid not in records or records[pid][1] or records[pid][0] != truncate(updated)]
    vanished = [pid for pid, (_stamp, gone) in records.items() if not gone and pid not in current]
    if not stale and not vanished:
        db.session.rollback()
        return f"OAI records up to date ({len(current)} publication(s))"
    names = _office_names()
    connection = db.session.connection()
    for start in range(0, len(stale), 500):
        rows = db.session.execute(select(Publication.id, Publication.office, Publication.subjects,
                                         Publication.updated_at)
                                  .where(Publication.id.in_(stale[start:start + 500]))).all()
        write(connection, [tuple(row) for row in rows], names)
    if vanished:
        offices = dict(db.session.execute(select(OaiRecord.publication_id, OaiRecord.office)
                                          .where(OaiRecord.publication_id.in_(vanished))).all())
        mark_deleted(connection, {pid: (offices[pid], []) for pid in vanished}, clock.utcnow_naive(), names)
    db.session.commit()
    return f"OAI records repaired: {len(stale)} written, {len(vanished)} marked deleted"


def sync_at_start(app) -> None:
    """Repair drift when a process starts; never stops the site."""
    try:
        log.info("OAI-PMH: %s", sync())
    except Exception:  # the repository must not stop the site; the log says what to run
        db.session.rollback()
        log.exception("OAI record check failed; run `flask reach sync`")
