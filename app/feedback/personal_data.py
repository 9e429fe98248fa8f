"""The feedback feature's share of a person's data (UU 27/2022): export and erasure.

Ratings and survey answers stay, anonymised, because the office's statistics count
them; bookmarks go.  Requests and complaints are anonymised, not deleted, so the
office's counts stay true: the link to the account, the contact typed on a complaint
and everything the person wrote are removed; the kind, dates, status and the office's
own answers stay.
"""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import or_, select, update

from app import clock
from app.contrib import DataSubject, PersonalDataSection, Registry
from app.extensions import db
from app.feedback import tokens
from app.feedback.models import ERASED, Bookmark, Case, CaseMessage, PublicationRating, SurveyResponse
from app.personal_data import iso


# ------------------------------------------------------------------ survey


def _respondent(subject: DataSubject) -> str | None:
    return tokens.respondent_key("user", str(subject.user_id)) if subject.user_id is not None else None


def export_survey(subject: DataSubject) -> list[dict]:
    key = _respondent(subject)
    if key is None:
        return []
    rows = db.session.scalars(select(SurveyResponse).where(SurveyResponse.respondent_key == key)
                              .order_by(SurveyResponse.created_at, SurveyResponse.id))
    return [{
        "office": r.office, "date": iso(r.local_date), "answers": list(r.answers()),
        "suggestion": r.suggestion, "gender": r.gender, "age_group": r.age_group,
        "education": r.education, "occupation": r.occupation, "at": iso(r.created_at),
    } for r in rows]


def erase_survey(subject: DataSubject) -> None:
    """Answers stay in the index; nothing links them to the person any more."""
    key = _respondent(subject)
    if key is not None:
        db.session.execute(update(SurveyResponse).where(SurveyResponse.respondent_key == key)
                           .values(respondent_key=None))


# ------------------------------------------------------------------ ratings and bookmarks


def export_ratings(subject: DataSubject) -> list[dict]:
    if subject.user_id is None:
        return []
    rows = db.session.scalars(select(PublicationRating).where(PublicationRating.user_id == subject.user_id)
                              .order_by(PublicationRating.created_at, PublicationRating.id))
    return [{"publication_id": r.publication_id, "publication_title": r.publication.title if r.publication else None,
             "office": r.office, "stars": r.stars, "review": r.review, "at": iso(r.created_at),
             "updated_at": iso(r.updated_at)} for r in rows]


def erase_ratings(subject: DataSubject) -> None:
    """The stars stay in each publication's average; the review and the link to the person go."""
    if subject.user_id is not None:
        db.session.execute(update(PublicationRating).where(PublicationRating.user_id == subject.user_id)
                           .values(user_id=None, review=None))


def export_bookmarks(subject: DataSubject) -> list[dict]:
    if subject.user_id is None:
        return []
    rows = db.session.scalars(select(Bookmark).where(Bookmark.user_id == subject.user_id)
                              .order_by(Bookmark.created_at, Bookmark.id))
    return [{"publication_id": b.publication_id, "publication_title": b.publication.title if b.publication else None,
             "at": iso(b.created_at)} for b in rows]


def erase_bookmarks(subject: DataSubject) -> None:
    if subject.user_id is not None:
        db.session.execute(Bookmark.__table__.delete().where(Bookmark.user_id == subject.user_id))


# ------------------------------------------------------------------ cases


def _cases_of(subject: DataSubject):
    conditions = []
    if subject.user_id is not None:
        conditions.append(Case.user_id == subject.user_id)
    if subject.emails:
        conditions.append(Case.contact_email.in_(subject.emails))
    if not conditions:
        return []
    return db.session.scalars(select(Case).where(or_(*conditions)).order_by(Case.created_at, Case.id)).all()


def export_cases(subject: DataSubject) -> dict:
    cases = [{
        "kind": c.kind, "office": c.office, "status": c.status, "code": c.display_code,
        "subject": c.subject, "contact_name": c.contact_name, "contact_email": c.contact_email,
        "publication_id": c.publication_id, "requested_title": c.requested_title,
        "requested_year": c.requested_year, "purpose": c.purpose, "problem_type": c.problem_type,
        "search_query": c.search_query, "created_at": iso(c.created_at), "closed_at": iso(c.closed_at),
        "messages": [{"from": m.author, "text": m.body, "status": m.status, "at": iso(m.created_at)}
                     for m in c.messages if m.body or m.status],
    } for c in _cases_of(subject)]
    written = []
    if subject.user_id is not None:
        rows = db.session.scalars(select(CaseMessage).where(CaseMessage.staff_user_id == subject.user_id)
                                  .order_by(CaseMessage.created_at, CaseMessage.id))
        written = [{"case_id": m.case_id, "text": m.body, "status": m.status, "at": iso(m.created_at)} for m in rows]
    return {"cases": cases, "written_as_staff": written}


def erase_cases(subject: DataSubject) -> None:
    """Anonymise the person's cases (they stay in the office's counts) and let go of staff messages."""
    now = clock.utcnow_naive()
    for case in _cases_of(subject):
        case.user_id = None
        case.contact_name = case.contact_email = None
        with force_locale("id"):  # stored: in the site's own language, whoever asked
            case.subject = str(case.kind_label)
        case.purpose = ERASED if case.purpose else None
        case.search_query = None
        case.anonymised_at = now
        for message in case.messages:
            if message.author == "requester":
                message.body = ERASED
    if subject.user_id is not None:
        db.session.execute(update(CaseMessage).where(CaseMessage.staff_user_id == subject.user_id)
                           .values(staff_user_id=None))


def register(reg: Registry) -> None:
    reg.personal_data(PersonalDataSection("satisfaction_survey", tables=("survey_response",),
                                          export=export_survey, erase=erase_survey, order=40))
    reg.personal_data(PersonalDataSection("publication_ratings", tables=("publication_rating",),
                                          export=export_ratings, erase=erase_ratings, order=41))
    reg.personal_data(PersonalDataSection("bookmarks", tables=("publication_bookmark",),
                                          export=export_bookmarks, erase=erase_bookmarks, order=42))
    reg.personal_data(PersonalDataSection("requests_and_complaints",
                                          tables=("feedback_case", "feedback_case_message"),
                                          export=export_cases, erase=erase_cases, order=43))
