"""What the feedback feature adds to other features' pages, through the registry only."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g, url_for
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from app.catalogue.models import SoftcopyAccess
from app.contrib import AccountPanel, Link, SearchSort, Widget, registry
from app.extensions import db
from app.feedback import account, operations, personal_data, tokens
from app.lang import _, _l
from app.feedback.models import PublicationRating, RatingSummary
from app.feedback.operations import Respondent
from app.site import offices

REVIEWS_SHOWN = 5


def first_name(user) -> str:
    """Reviews show the reviewer's first name only."""
    words = (getattr(user, "name", "") or "").split()
    return words[0] if words else _("Pengguna")


def _user_respondent(office) -> Respondent:
    return Respondent(tokens.respondent_key("user", str(current_user.id)), operations.current_period(office).key, "web")


def publication_widget(publication) -> dict:
    """Ratings, reviews, the bookmark, "Laporkan masalah", a softcopy request, a survey invitation."""
    summary = db.session.get(RatingSummary, publication.id)
    reviews = []
    if summary is not None and summary.count:  # no summary, no rating: nothing to look for
        reviews = db.session.execute(
            select(PublicationRating).where(PublicationRating.publication_id == publication.id,
                                            PublicationRating.review.is_not(None),
                                            PublicationRating.user_id.is_not(None))
            .options(joinedload(PublicationRating.user))
            .order_by(PublicationRating.updated_at.desc(), PublicationRating.id.desc()).limit(REVIEWS_SHOWN)
        ).scalars().all()
    context = {"summary": summary, "reviews": reviews, "first_name": first_name, "mine": None,
               "bookmarked": False, "invite_survey": False}
    if current_user.is_authenticated:
        context["mine"] = operations.my_rating(current_user.id, publication.id)
        context["bookmarked"] = operations.is_bookmarked(current_user.id, publication.id)
        office = offices().get(publication.office)
        downloaded = db.session.scalar(select(SoftcopyAccess.id).where(
            SoftcopyAccess.user_id == current_user.id, SoftcopyAccess.publication_id == publication.id).limit(1))
        context["invite_survey"] = bool(downloaded and office
                                        and not operations.has_answered(office, _user_respondent(office)))
    return context


@dataclass(frozen=True, slots=True)
class Rating:
    """What a result row shows of a publication's ratings."""

    average: float
    count: int


#: Built once: a results page asks for twenty publications' ratings on every request.
_RATINGS = (select(RatingSummary.publication_id, RatingSummary.average, RatingSummary.count)
            .where(RatingSummary.publication_id.in_(bindparam("ids", expanding=True))))


def _summaries(ids) -> dict[int, Rating]:
    """The ratings of some publications, in one query (columns, not objects)."""
    ids = list(ids)
    if not ids:
        return {}
    return {pid: Rating(average, count) for pid, average, count in db.session.execute(_RATINGS, {"ids": ids})}


def search_results_widget(results=None, **_kwargs) -> None:
    """Before the result rows (slot "search_results"): fetch the ratings of every hit of
    the page in one query, for :func:`search_hit_widget`.  Shows nothing itself."""
    if results is not None and results.hits:
        ids = frozenset(hit.id for hit in results.hits)
        g.feedback_hit_ratings = (ids, _summaries(ids))
    return None


def search_hit_widget(publication) -> dict | None:
    """The average and number of ratings on a result row (nothing when unrated)."""
    batch = g.get("feedback_hit_ratings")
    if batch is not None and publication.id in batch[0]:
        summary = batch[1].get(publication.id)
    else:
        summary = _summaries([publication.id]).get(publication.id)
    return {"summary": summary} if summary is not None else None


def no_results_widget(query) -> dict:
    """A search found nothing: offer a consultation carrying the query (instead of a mailto: link)."""
    office = g.get("office") or (offices().get(query.office) if query.office else None)
    choices = [] if office else sorted(offices().values(), key=lambda o: o.name)
    return {"consult_office": office, "q": query.text, "choices": choices}


def office_page_widget(office) -> dict:
    """On the office's service standard: the survey, its published index and the complaint form."""
    return {"period": operations.current_period(office)}


def visit_served_widget(office, ticket) -> dict:
    """After a walk-in visit: the survey, for this visitor, once per ticket (a signed token)."""
    respondent = Respondent(tokens.respondent_key("visit", f"{office.slug}:{ticket.id}"), "once", "visit")
    if operations.has_answered(office, respondent):
        return {"answered": True, "link": None}
    token = tokens.survey_token(k="visit", t=ticket.id, o=office.slug)
    return {"answered": False, "link": url_for("feedback.survey", office_slug=office.slug, t=token)}


def register(app: Flask) -> None:
    reg = registry(app)
    reg.nav(Link("feedback.ikm_page", _l("Survei & IKM"), order=40, scope="office",
                 active=("feedback.ikm", "feedback.survey")))
    reg.nav(Link("feedback.complaint", _l("Pengaduan"), order=45, scope="office", active=("feedback.complaint",)))
    reg.staff_link(Link("feedback_staff.inbox", _l("Permintaan dan pengaduan"), order=25, audience="staff",
                        active=("feedback_staff.inbox", "feedback_staff.case", "feedback_staff.fulfil",
                                "feedback_staff.decline", "feedback_staff.close"),
                        badge=lambda office: operations.open_count(office.slug) or None,
                        description=_l("Permintaan softcopy, konsultasi, laporan masalah publikasi, dan "
                                       "pengaduan: jawab, penuhi, tolak, atau tutup.")))
    reg.staff_link(Link("feedback_staff.survey", _l("Survei kepuasan (IKM)"), order=35, audience="staff",
                        active=("feedback_staff.survey",),
                        description=_l("Hasil survei per periode, saran responden, dan unduhan CSV.")))
    reg.account_panel(AccountPanel("requests", _l("Permintaan dan konsultasi"), "feedback/_panel_cases.html",
                                   account.cases_panel, order=25))
    reg.account_panel(AccountPanel("bookmarks", _l("Markah publikasi"), "feedback/_panel_bookmarks.html",
                                   account.bookmarks_panel, order=30))
    reg.account_panel(AccountPanel("ratings", _l("Penilaian saya"), "feedback/_panel_ratings.html",
                                   account.ratings_panel, order=35))
    personal_data.register(reg)
    reg.widget(Widget("publication_detail", "feedback/_publication.html", publication_widget, order=30))
    reg.widget(Widget("search_results", "feedback/_search_hit.html", search_results_widget))
    reg.widget(Widget("search_hit", "feedback/_search_hit.html", search_hit_widget))
    reg.widget(Widget("search_no_results", "feedback/_no_results.html", no_results_widget))
    reg.widget(Widget("office_page", "feedback/_office_page.html", office_page_widget))
    reg.widget(Widget("visit_served", "feedback/_visit_served.html", visit_served_widget))
    reg.search_sort(SearchSort("rating", _l("Penilaian tertinggi"), operations.rating_order))
