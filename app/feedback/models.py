"""What people say back to an office, and the office's answer.

* :class:`SurveyResponse`: one answer to the satisfaction survey (SKM).  It holds no
  account data: a respondent is known only by a keyed digest (``respondent_key``) that
  enforces one response per person and period, and that erasure sets to NULL.
* :class:`PublicationRating` (with :class:`RatingSummary`, the average kept beside it)
  and :class:`Bookmark`: a user's stars, review and marks on publications.
* :class:`Case` and :class:`CaseMessage`: softcopy requests, consultations, problem
  reports and complaints share one model, one lifecycle and one thread (DESIGN.md,
  "Requests share one lifecycle").
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer, SmallInteger,
                        String, Text, UniqueConstraint)
from sqlalchemy import text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow_naive
from app.extensions import PERSONAL, db
from app.lang import _l
from app.feedback.questionnaire import CHANNELS

# ---------------------------------------------------------------- survey (SKM)


def _answer_checks():
    return tuple(CheckConstraint(f"q{i} BETWEEN 1 AND 4", name=f"q{i}") for i in range(1, 10))


class SurveyResponse(db.Model):
    """One response to the satisfaction survey of one office."""

    __tablename__ = "survey_response"
    __table_args__ = (
        # One response per respondent per office per window (a period, or once per ticket).
        UniqueConstraint("office", "respondent_key", "response_window", name="uq_survey_response_respondent"),
        # The IKM of a period is one aggregate over a range of this index, which holds every
        # column the aggregate reads, so the table itself is never visited (measured on SQLite:
        # 80 ms instead of 140 ms for a year of 20,000 responses).
        Index("ix_survey_response_office_date", "office", "local_date", "q1", "q2", "q3", "q4", "q5", "q6",
              "q7", "q8", "q9", "gender", "age_group", "education", "occupation"),
        # Suggestions are counted on their own small index, so the text stays out of the one above.
        Index("ix_survey_response_suggestions", "office", "local_date",
              sqlite_where=text("suggestion IS NOT NULL"), postgresql_where=text("suggestion IS NOT NULL")),
        CheckConstraint("channel IN ({})".format(", ".join(f"'{c}'" for c in CHANNELS)), name="channel"),
        *_answer_checks(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    #: The day of the response where the office is: survey periods are the office's calendar.
    local_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive)
    channel: Mapped[str] = mapped_column(String(10), default="web")
    #: A keyed digest naming the respondent (an account, an anonymous token, a visit
    #: ticket) only to enforce one response per window; NULL once anonymised.
    respondent_key: Mapped[str | None] = mapped_column(String(64), info=PERSONAL)
    #: The window within which the respondent answers once: a period key, or "once".
    response_window: Mapped[str] = mapped_column(String(12))
    q1: Mapped[int] = mapped_column(SmallInteger)
    q2: Mapped[int] = mapped_column(SmallInteger)
    q3: Mapped[int] = mapped_column(SmallInteger)
    q4: Mapped[int] = mapped_column(SmallInteger)
    q5: Mapped[int] = mapped_column(SmallInteger)
    q6: Mapped[int] = mapped_column(SmallInteger)
    q7: Mapped[int] = mapped_column(SmallInteger)
    q8: Mapped[int] = mapped_column(SmallInteger)
    q9: Mapped[int] = mapped_column(SmallInteger)
    suggestion: Mapped[str | None] = mapped_column(Text)
    gender: Mapped[str | None] = mapped_column(String(1))
    age_group: Mapped[str | None] = mapped_column(String(8))
    education: Mapped[str | None] = mapped_column(String(8))
    occupation: Mapped[str | None] = mapped_column(String(12))

    def answers(self) -> tuple[int, ...]:
        return tuple(getattr(self, f"q{i}") for i in range(1, 10))


# ---------------------------------------------------------------- publications


class PublicationRating(db.Model):
    """A user's 1–5 stars for a publication, with an optional review; one per user."""

    __tablename__ = "publication_rating"
    __table_args__ = (
        UniqueConstraint("publication_id", "user_id", name="uq_publication_rating_user"),
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id", ondelete="CASCADE"), index=True)
    office: Mapped[str] = mapped_column(String(40))
    #: NULL once the account is erased: the stars stay in the average, anonymous.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    stars: Mapped[int] = mapped_column(SmallInteger)
    review: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive)

    user = relationship("User")
    publication = relationship("Publication")


class RatingSummary(db.Model):
    """Count and average of a publication's ratings, kept in step by every rating change.

    Results pages show it for twenty publications at a time and the sort by rating
    reads every rated publication of an office: neither should aggregate the ratings.
    """

    __tablename__ = "publication_rating_summary"
    __table_args__ = (Index("ix_publication_rating_summary_office_average", "office", "average"),)

    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id", ondelete="CASCADE"),
                                                primary_key=True, autoincrement=False)
    office: Mapped[str] = mapped_column(String(40))
    count: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    average: Mapped[float] = mapped_column(Float)


class Bookmark(db.Model):
    """A publication a user marked ("Tandai") to find again in Akun saya."""

    __tablename__ = "publication_bookmark"
    __table_args__ = (UniqueConstraint("user_id", "publication_id", name="uq_publication_bookmark_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive)

    publication = relationship("Publication")


# ---------------------------------------------------------------- cases

#: What a case is (stored as the key), with its name as shown.
KINDS = {
    "softcopy": _l("Permintaan softcopy"),
    "consultation": _l("Konsultasi"),
    "problem": _l("Laporan masalah publikasi"),
    "complaint": _l("Pengaduan"),
}
#: "Your …" of each kind, as a sentence goes on (emails: "Tanggapan atas pengaduan Anda").
YOUR_KINDS = {
    "softcopy": _l("permintaan softcopy Anda"),
    "consultation": _l("konsultasi Anda"),
    "problem": _l("laporan masalah publikasi Anda"),
    "complaint": _l("pengaduan Anda"),
}
#: The lifecycle: open → in progress → answered / fulfilled / declined → closed.
STATUSES = {
    "open": _l("Baru"),
    "in_progress": _l("Diproses"),
    "answered": _l("Dijawab"),
    "fulfilled": _l("Dipenuhi"),
    "declined": _l("Ditolak"),
    "closed": _l("Selesai"),
}
#: Statuses that still wait for the office.
ACTIVE = ("open", "in_progress")
#: What a reader of a publication may report about it.
PROBLEMS = {
    "file": _l("Berkas tidak dapat dibuka"),
    "pages": _l("Ada halaman yang hilang"),
    "metadata": _l("Keterangan (metadata) salah"),
    "other": _l("Lainnya"),
}
#: What stands in place of the words of someone who asked for their data to be erased (stored).
ERASED = "(dihapus atas permintaan pemilik data)"


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Case(db.Model):
    """A softcopy request, consultation, problem report or complaint, and where it stands."""

    __tablename__ = "feedback_case"
    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="kind"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        Index("ix_feedback_case_office_status", "office", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open")
    #: The tracking code (unguessable); public only for complaints, at /<slug>/pengaduan/<code>.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    #: A complaint's optional contact, when it was sent without an account.
    contact_name: Mapped[str | None] = mapped_column(String(120), info=PERSONAL)
    contact_email: Mapped[str | None] = mapped_column(String(254), info=PERSONAL)
    #: One line for lists, made from what was asked.
    subject: Mapped[str] = mapped_column(String(200))
    #: The catalogue item a request or report is about (softcopy request, problem report).
    publication_id: Mapped[int | None] = mapped_column(ForeignKey("publication.id", ondelete="SET NULL"))
    #: A softcopy request for a publication not in the catalogue: its title and year.
    requested_title: Mapped[str | None] = mapped_column(String(500))
    requested_year: Mapped[int | None]
    #: A softcopy request's purpose of use.
    purpose: Mapped[str | None] = mapped_column(Text)
    problem_type: Mapped[str | None] = mapped_column(String(20))
    #: A consultation asked from a search that found nothing: the query.
    search_query: Mapped[str | None] = mapped_column(String(200))
    #: Fulfilment of a softcopy request: a catalogue item, or a PDF stored by hash.
    fulfilled_publication_id: Mapped[int | None] = mapped_column(ForeignKey("publication.id", ondelete="SET NULL"))
    fulfilled_pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    fulfilled_pdf_size: Mapped[int | None]
    fulfilled_pdf_pages: Mapped[int | None]
    fulfilled_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: A digest of the form's one-time token: a double submit finds this case again.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive)
    #: Last message or change of status.
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: When the sender's data was erased (the case stays, for the office's counts).
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime)

    user = relationship("User")
    publication = relationship("Publication", foreign_keys=[publication_id])
    fulfilled_publication = relationship("Publication", foreign_keys=[fulfilled_publication_id])
    messages = relationship("CaseMessage", back_populates="case", order_by="CaseMessage.id",
                            cascade="all, delete-orphan", passive_deletes=True)

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def your_kind(self) -> str:
        """"pengaduan Anda" / "your complaint", to go on a sentence with."""
        return YOUR_KINDS[self.kind]

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def is_closed(self) -> bool:
        return self.status == "closed"

    @property
    def problem_label(self) -> str | None:
        return PROBLEMS.get(self.problem_type or "")

    @property
    def display_code(self) -> str:
        """The code in groups of four, as it is printed and typed."""
        return "-".join(self.code[i:i + 4] for i in range(0, len(self.code), 4))

    @property
    def has_delivery(self) -> bool:
        """Whether a fulfilled softcopy request has a file to download."""
        return self.fulfilled_at is not None and (
            self.fulfilled_pdf_sha256 is not None
            or (self.fulfilled_publication is not None and self.fulfilled_publication.has_softcopy))

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.kind} {self.office}>"


class CaseMessage(db.Model):
    """One message in a case's thread: from the sender, from staff, or a note of the system."""

    __tablename__ = "feedback_case_message"
    __table_args__ = (CheckConstraint("author IN ('requester', 'staff', 'system')", name="author"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("feedback_case.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(10))
    #: The staff member who wrote it (NULL for the sender, or once that account is erased).
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"),
                                                      index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    #: The status the case moved to with this message, if any.
    status: Mapped[str | None] = mapped_column(String(20))
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive)

    case = relationship("Case", back_populates="messages")
    staff_user = relationship("User")

    @property
    def status_label(self) -> str | None:
        return STATUSES.get(self.status or "")

    @property
    def display_body(self) -> str:
        """The text as shown: an erased sender's words say so in the page's language."""
        return _l("(dihapus atas permintaan pemilik data)") if self.body == ERASED else self.body
