"""Publications, the log of every softcopy read or download, and the log of
catalogue changes that the search indexes of every host follow."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (JSON, BigInteger, CheckConstraint, Date, DateTime, ForeignKey, Identity, Index, Integer,
                        String, Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.clock import utcnow_naive

FORMATS = ("softcopy", "hardcopy", "both")
FORMAT_LABELS = {"softcopy": _l("Softcopy"), "hardcopy": _l("Hardcopy (tercetak)"),
                 "both": _l("Softcopy dan hardcopy")}
LANGUAGE_LABELS = {"id": _l("Indonesia"), "en": _l("Inggris"), "id-en": _l("Indonesia–Inggris"),
                   "en-id": _l("Inggris–Indonesia")}


class Publication(db.Model):
    """A publication held by one office; the database is the source of truth."""

    __tablename__ = "publication"
    __table_args__ = (
        UniqueConstraint("office", "publication_number", name="uq_publication_office_number"),
        CheckConstraint("format IN ('softcopy', 'hardcopy', 'both')", name="format"),
        Index("ix_publication_office_title_year", "office", "title", "year"),
        # Ids are never reused on SQLite either: OAI identifiers and feed entries name them.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Slug of the office profile that holds the publication.
    office: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(500))
    year: Mapped[int | None]
    catalogue_number: Mapped[str | None] = mapped_column(String(40))
    publication_number: Mapped[str | None] = mapped_column(String(40))
    issn: Mapped[str | None] = mapped_column(String(9))
    isbn: Mapped[str | None] = mapped_column(String(17))
    release_date: Mapped[date | None] = mapped_column(Date)
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(8), default="id")
    abstract: Mapped[str] = mapped_column(Text, default="")
    #: Pages of the publication as printed (may differ from the PDF's page count).
    pages: Mapped[int | None]
    format: Mapped[str] = mapped_column(String(10), default="both")
    shelf_location: Mapped[str | None] = mapped_column(String(60))
    #: The stored softcopy, addressed by content hash (never by a user's file name).
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_size: Mapped[int | None]
    pdf_pages: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive, onupdate=utcnow_naive)

    @property
    def has_softcopy(self) -> bool:
        return self.format in ("softcopy", "both") and self.pdf_sha256 is not None

    @property
    def has_hardcopy(self) -> bool:
        return self.format in ("hardcopy", "both")

    def __repr__(self) -> str:
        return f"<Publication {self.id} {self.office}>"


class SoftcopyAccess(db.Model):
    """One read or download of a softcopy: who, what, when, and the stamped id."""

    __tablename__ = "softcopy_access"
    __table_args__ = (CheckConstraint("kind IN ('read', 'download')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The download id printed in the watermark.
    token: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    publication_id: Mapped[int | None] = mapped_column(ForeignKey("publication.id", ondelete="SET NULL"), index=True)
    office: Mapped[str] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive, index=True)

    user = relationship("User")
    publication = relationship("Publication")


class CatalogueChange(db.Model):
    """One committed change to a publication, in commit order (app/catalogue/changes.py).

    Written in the transaction that makes the change; each host's search index
    applies the rows after the id it recorded.  No foreign key: the row of a
    deleted publication stays.  Old rows are pruned (``flask catalogue prune-changes``).
    """

    __tablename__ = "catalogue_change"
    __table_args__ = (
        CheckConstraint("kind IN ('upsert', 'delete')", name="kind"),
        # An id is never reused on SQLite either: a host's position must only grow.
        {"sqlite_autoincrement": True},
    )

    #: Ascending in commit order (taken under a lock on PostgreSQL; SQLite has one writer).
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), Identity(), primary_key=True)
    publication_id: Mapped[int]
    office: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive, index=True)

    def __repr__(self) -> str:
        return f"<CatalogueChange {self.id} {self.kind} {self.publication_id}>"
