"""What the OAI-PMH repository remembers: each publication's datestamp, sets and deletion.

The catalogue deletes publication rows; a harvester that collected a record must still
learn that it is gone (``deletedRecord: persistent``).  So every publication has an
:class:`OaiRecord` that outlives it, kept in step by app/reach/tracking.py in the same
transaction as the change, with the sets it belonged to (:class:`OaiRecordSet`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class OaiRecord(db.Model):
    """One item of the repository: a publication, alive or deleted."""

    __tablename__ = "oai_record"
    __table_args__ = (Index("ix_oai_record_datestamp_publication_id", "datestamp", "publication_id"),)

    #: The publication's id (no foreign key: the record stays when the publication goes).
    publication_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    office: Mapped[str] = mapped_column(String(40), index=True)
    #: Last change in UTC, to the second (the repository's granularity); for a deleted
    #: record, when it was deleted.
    datestamp: Mapped[datetime] = mapped_column(DateTime)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class OaiRecordSet(db.Model):
    """A set a record belongs to, e.g. ``office:majenekab`` or ``subject:kependudukan``.

    The parents of a set (``office``, ``subject``) are stored too, so a request for a set
    is one equality; ``name`` is what ListSets shows.
    """

    __tablename__ = "oai_record_set"

    publication_id: Mapped[int] = mapped_column(
        ForeignKey("oai_record.publication_id", ondelete="CASCADE"), primary_key=True)
    spec: Mapped[str] = mapped_column(String(120), primary_key=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
