"""What the feedback pages do to data, and the one path by which its emails go out.

Views check forms and access; the functions here store, change and notify.  Each one
that creates a record is safe to call twice with the same form: the survey by its
unique respondent window, cases and messages by the digest of the form's one-time
token, ratings and bookmarks by their natural keys.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.accounts.models import User
from app.catalogue.models import Publication
from app.extensions import db
from app.feedback import periods, tokens
from app.lang import _, first_upper
from app.feedback.models import (ACTIVE, Bookmark, Case, CaseMessage, PublicationRating, RatingSummary,
                                 SurveyResponse)
from app.feedback.questionnaire import ELEMENTS
from app.mail import external_url, send_email
from app.offices import Office
from app.pdf import PdfInfo
from app.timeutil import format_local

log = logging.getLogger(__name__)

# ------------------------------------------------------------------ survey


@dataclass(frozen=True)
class Respondent:
    """Who is answering the survey, as far as the survey may know.

    ``key`` is a keyed digest (see :mod:`app.feedback.tokens`); ``window`` the span in
    which this respondent answers once; ``token`` the signed token the form carries for
    a respondent without an account.
    """

    key: str
    window: str
    channel: str
    token: str | None = None
    visit: bool = False


def current_period(office: Office, kind: str | None = None) -> periods.Period:
    """The survey period running now in the office's time zone."""
    kind = kind or current_app.config["FEEDBACK_SURVEY_PERIOD"]
    return periods.containing(clock.local_today(office.timezone), kind)


def has_answered(office: Office, respondent: Respondent) -> bool:
    query = select(SurveyResponse.id).where(SurveyResponse.office == office.slug,
                                            SurveyResponse.respondent_key == respondent.key,
                                            SurveyResponse.response_window == respondent.window)
    return db.session.scalar(query.limit(1)) is not None


def submit_survey(office: Office, respondent: Respondent, answers: dict[str, int], profile: dict[str, str | None],
                  suggestion: str | None) -> bool:
    """Store one response; False (and nothing stored) when this respondent already answered."""
    if has_answered(office, respondent):
        return False
    response = SurveyResponse(office=office.slug, local_date=clock.local_today(office.timezone),
                              channel=respondent.channel, respondent_key=respondent.key,
                              response_window=respondent.window, suggestion=suggestion or None,
                              **{e.column: answers[e.column] for e in ELEMENTS}, **profile)
    db.session.add(response)
    try:
        db.session.commit()
    except IntegrityError:  # the same form sent twice at once: the first one counts
        db.session.rollback()
        return False
    return True


# ------------------------------------------------------------------ ratings and bookmarks


def refresh_summary(publication_id: int, office: str) -> None:
    """Recount a publication's ratings into its summary row (the caller commits)."""
    count, total = db.session.execute(select(func.count(), func.coalesce(func.sum(PublicationRating.stars), 0))
                                      .where(PublicationRating.publication_id == publication_id)).one()
    summary = db.session.get(RatingSummary, publication_id)
    if not count:
        if summary is not None:
            db.session.delete(summary)
        return
    if summary is None:
        summary = RatingSummary(publication_id=publication_id, office=office)
        db.session.add(summary)
    summary.count, summary.total, summary.average = int(count), int(total), int(total) / int(count)


def my_rating(user_id: int, publication_id: int) -> PublicationRating | None:
    return db.session.scalars(select(PublicationRating).where(PublicationRating.user_id == user_id,
                                                               PublicationRating.publication_id == publication_id)).first()


def save_rating(user: User, publication: Publication, stars: int, review: str | None) -> PublicationRating:
    """Create or change the user's rating of a publication (one per user)."""
    rating = my_rating(user.id, publication.id)
    now = clock.utcnow_naive()
    if rating is None:
        rating = PublicationRating(publication_id=publication.id, office=publication.office, user_id=user.id,
                                   created_at=now)
        db.session.add(rating)
    rating.stars, rating.review, rating.updated_at = stars, review or None, now
    db.session.flush()
    refresh_summary(publication.id, publication.office)
    try:
        db.session.commit()
    except IntegrityError:  # saved twice at once: the other request's row is there now
        db.session.rollback()
        rating = my_rating(user.id, publication.id)
        rating.stars, rating.review, rating.updated_at = stars, review or None, now
        db.session.flush()
        refresh_summary(publication.id, publication.office)
        db.session.commit()
    return rating


def delete_rating(user: User, publication: Publication) -> bool:
    """Remove the user's rating of a publication; False if there was none."""
    rating = my_rating(user.id, publication.id)
    if rating is None:
        return False
    db.session.delete(rating)
    db.session.flush()
    refresh_summary(publication.id, publication.office)
    db.session.commit()
    return True


def rating_order(office: str | None) -> list[int]:
    """Rated publications, best first: average, then number of ratings, then newest id."""
    query = select(RatingSummary.publication_id)
    if office is not None:
        query = query.where(RatingSummary.office == office)
    query = query.order_by(RatingSummary.average.desc(), RatingSummary.count.desc(),
                           RatingSummary.publication_id.desc())
    return list(db.session.scalars(query))


def is_bookmarked(user_id: int, publication_id: int) -> bool:
    return db.session.scalar(select(Bookmark.id).where(Bookmark.user_id == user_id,
                                                       Bookmark.publication_id == publication_id)) is not None


def set_bookmark(user: User, publication: Publication, on: bool) -> None:
    """Mark or unmark a publication (either twice does the same as once)."""
    if not on:
        db.session.execute(delete(Bookmark).where(Bookmark.user_id == user.id,
                                                  Bookmark.publication_id == publication.id))
        db.session.commit()
        return
    if is_bookmarked(user.id, publication.id):
        return
    db.session.add(Bookmark(user_id=user.id, publication_id=publication.id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()


# ------------------------------------------------------------------ cases


def _owner(user: User | None) -> str:
    return f"user:{user.id}" if user is not None else "anonymous"


def _by_key(model, key: str | None):
    if key is None:
        return None
    return db.session.scalars(select(model).where(model.idempotency_key == key)).first()


def open_case(*, kind: str, office: Office, user: User | None, subject: str, body: str,
              form_token: str | None = None, **fields) -> tuple[Case, bool]:
    """Create a case with its first message; (case, created).  A double submit finds the first."""
    key = tokens.idempotency_key(kind, form_token, _owner(user))
    existing = _by_key(Case, key)
    if existing is not None:
        return existing, False
    now = clock.utcnow_naive()
    for _attempt in range(3):
        case = Case(kind=kind, office=office.slug, status="open", code=tokens.new_code(), user_id=getattr(user, "id", None),
                    subject=" ".join(subject.split())[:200] or "-", idempotency_key=key, created_at=now,
                    updated_at=now, **fields)
        case.messages.append(CaseMessage(author="requester", body=body, created_at=now))
        db.session.add(case)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            existing = _by_key(Case, key)
            if existing is not None:
                return existing, False
            continue  # a tracking code taken a moment ago: draw another
        log.info("Case %s (%s) opened at %s", case.id, kind, office.slug)
        notify(case, "created")
        return case, True
    raise RuntimeError("could not store the case")


def _message(case: Case, *, author: str, body: str, staff: User | None = None, status: str | None = None,
             form_token: str | None = None, owner: str = "") -> tuple[CaseMessage, bool]:
    """Add a message (and a change of status) to a case; (message, created)."""
    key = tokens.idempotency_key(f"message:{case.id}", form_token, owner)
    existing = _by_key(CaseMessage, key)
    if existing is not None:
        return existing, False
    now = clock.utcnow_naive()
    message = CaseMessage(case_id=case.id, author=author, body=body, staff_user_id=getattr(staff, "id", None),
                          status=status if status != case.status else None, idempotency_key=key, created_at=now)
    db.session.add(message)
    if status is not None and status != case.status:
        case.status = status
        case.closed_at = now if status == "closed" else None
    case.updated_at = now
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return _by_key(CaseMessage, key), False
    return message, True


def staff_reply(case: Case, staff: User, body: str, status: str | None, form_token: str | None) -> bool:
    """Staff answer the sender; the sender is told by email.  False for a repeated form."""
    if status is None and case.status == "open":
        status = "in_progress"
    message, created = _message(case, author="staff", body=body, staff=staff, status=status,
                                form_token=form_token, owner=f"staff:{staff.id}")
    if created:
        notify(case, "closed" if case.status == "closed" else "staff_reply", message)
    return created


def requester_reply(case: Case, user: User | None, body: str, form_token: str | None) -> bool:
    """The sender writes again; a case waiting on them goes back to staff, who are told."""
    status = None if case.status in ACTIVE else "in_progress"
    message, created = _message(case, author="requester", body=body, status=status,
                                form_token=form_token, owner=_owner(user))
    if created:
        notify(case, "requester_reply", message)
    return created


def fulfil(case: Case, staff: User, *, note: str, pdf: PdfInfo | None = None,
           publication: Publication | None = None) -> None:
    """Fulfil a softcopy request with an uploaded PDF or a catalogue item, and send the link."""
    if (pdf is None) == (publication is None):
        raise ValueError("fulfil with a PDF or a publication, not both")
    if pdf is not None:
        case.fulfilled_pdf_sha256, case.fulfilled_pdf_size, case.fulfilled_pdf_pages = pdf.sha256, pdf.size, pdf.page_count
        case.fulfilled_publication_id = None
    else:
        case.fulfilled_publication_id = publication.id
        case.fulfilled_pdf_sha256 = case.fulfilled_pdf_size = case.fulfilled_pdf_pages = None
    case.fulfilled_at = clock.utcnow_naive()
    message, _ = _message(case, author="staff", body=note, staff=staff, status="fulfilled")
    notify(case, "fulfilled", message)


def decline(case: Case, staff: User, reason: str) -> None:
    """Decline a case with a reason the sender reads."""
    message, _ = _message(case, author="staff", body=reason, staff=staff, status="declined")
    notify(case, "declined", message)


def close(case: Case, staff: User) -> None:
    if case.status != "closed":
        message, _ = _message(case, author="system", body="", staff=staff, status="closed")
        notify(case, "closed", message)


def open_count(office_slug: str) -> int:
    """Cases of an office still waiting for staff (for the staff home's badge)."""
    return db.session.scalar(select(func.count()).select_from(Case)
                             .where(Case.office == office_slug, Case.status.in_(ACTIVE))) or 0


def delivery_expires_at(case: Case) -> datetime | None:
    if case.fulfilled_at is None:
        return None
    return case.fulfilled_at + timedelta(days=int(current_app.config["FEEDBACK_SOFTCOPY_LINK_DAYS"]))


def delivery_open(case: Case) -> bool:
    """Whether the sender may still download the softcopy of a fulfilled request."""
    expires = delivery_expires_at(case)
    return case.has_delivery and expires is not None and clock.utcnow_naive() < expires


def delivery_source(case: Case) -> str | None:
    """The stored softcopy's hash for a fulfilled request."""
    if case.fulfilled_pdf_sha256:
        return case.fulfilled_pdf_sha256
    if case.fulfilled_publication is not None and case.fulfilled_publication.has_softcopy:
        return case.fulfilled_publication.pdf_sha256
    return None


def download_id() -> str:
    """A short download id, easy to read aloud from a printed page (like the catalogue's)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(10))


# ------------------------------------------------------------------ notification

#: The subject of the email to the sender, per event, in the language of the page that
#: caused it (the sender's own page, or the staff page that answered).
REQUESTER_SUBJECTS = {
    "created": lambda case, office: _("%(your_kind)s telah diterima", your_kind=first_upper(case.your_kind)),
    "staff_reply": lambda case, office: _("Tanggapan atas %(your_kind)s", your_kind=case.your_kind),
    "fulfilled": lambda case, office: _("Softcopy yang Anda minta sudah tersedia"),
    "declined": lambda case, office: _("%(your_kind)s tidak dapat dipenuhi", your_kind=first_upper(case.your_kind)),
    "closed": lambda case, office: _("%(your_kind)s telah selesai", your_kind=first_upper(case.your_kind)),
}
#: The subject of the email to the office's staff, who read the office's language (Indonesian).
STAFF_SUBJECTS = {
    "created": lambda case, office: _("%(kind)s baru di %(office)s", kind=case.kind_label, office=office),
    "requester_reply": lambda case, office: _("Balasan baru pada %(kind)s di %(office)s",
                                              kind=str(case.kind_label).lower(), office=office),
}
#: Emails to staff are in the office's working language, whatever language the sender chose.
STAFF_LANGUAGE = "id"


def requester_address(case: Case) -> str | None:
    if case.user is not None:
        return case.user.email
    return case.contact_email


def staff_addresses(office_slug: str) -> list[str]:
    """Every enabled, verified staff account of the office (administrators watch every office)."""
    query = select(User.email).where(User.role == "staff", User.office == office_slug,
                                     User.disabled.is_(False), User.verified_at.is_not(None))
    return list(db.session.scalars(query.order_by(User.id)))


def requester_link(case: Case) -> str:
    if case.user_id is not None:
        return external_url("feedback_account.case", case_id=case.id)
    return external_url("feedback.complaint_status", office_slug=case.office, code=case.display_code)


def notify(case: Case, event: str, message: CaseMessage | None = None) -> None:
    """The one way feedback mail goes out: to the sender, or to the office's staff."""
    from app.site import offices

    office = offices().get(case.office)
    office_name = office.name if office else case.office
    context = {"case": case, "event": event, "message": message, "office_name": office_name,
               "your_kind": str(case.your_kind), "your_kind_start": first_upper(case.your_kind)}
    sent = 0
    if event in REQUESTER_SUBJECTS:
        address = requester_address(case)
        if address:
            expires = delivery_expires_at(case) if event == "fulfilled" else None
            zone = office.timezone if office else "Asia/Jakarta"
            link = (external_url("feedback_account.download", case_id=case.id) if event == "fulfilled"
                    else requester_link(case))
            send_email(address, REQUESTER_SUBJECTS[event](case, office_name), "feedback_requester", link=link,
                       expires=format_local(expires, zone) if expires else None, **context)
            sent += 1
    if event in STAFF_SUBJECTS:
        link = external_url("feedback_staff.case", office_slug=case.office, case_id=case.id)
        with force_locale(STAFF_LANGUAGE):
            subject = STAFF_SUBJECTS[event](case, office_name)
            for address in staff_addresses(case.office):
                send_email(address, subject, "feedback_staff", link=link, **context)
                sent += 1
    log.info("Case %s: %s, %d email(s)", case.id, event, sent)
