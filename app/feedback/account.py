"""The feedback feature's part of "Akun saya": my requests and their threads, the download
of a fulfilled softcopy request, my bookmarks and my ratings."""

from __future__ import annotations


from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app import clock
from app.catalogue import delivery
from app.catalogue.indexing import pdf_store
from app.catalogue.models import SoftcopyAccess
from app.extensions import db
from app.feedback import account_bp as bp
from app.feedback import limits, operations
from app.feedback.forms import ReplyForm
from app.lang import _
from app.feedback.models import Bookmark, Case, PublicationRating
from app.pdf import PdfError
from app.site import offices
from app.timeutil import format_local
from app.web import ConfirmForm, page_arg, slugify

PER_PAGE = 25
PANEL_ROWS = 5
#: A download link works for its owner this long after the button was pressed (as the catalogue's).
FILE_LINK_SECONDS = 3600


def _cases_of(user_id: int):
    return select(Case).where(Case.user_id == user_id).order_by(Case.updated_at.desc(), Case.id.desc())


def own_case(case_id: int) -> Case:
    """The user's own case, or 404 (the same for someone else's and for none)."""
    case = db.session.get(Case, case_id)
    if case is None or case.user_id is None or case.user_id != current_user.id:
        abort(404)
    return case


@bp.get("/permintaan")
@login_required
def cases():
    """My softcopy requests, consultations, problem reports and complaints."""
    pagination = db.paginate(_cases_of(current_user.id), page=page_arg(request.args), per_page=PER_PAGE,
                             error_out=False)
    return render_template("feedback/account/cases.html", pagination=pagination, offices=offices())


@bp.route("/permintaan/<int:case_id>", methods=["GET", "POST"])
@login_required
@limits.post_per_user
def case(case_id: int):
    """One of my cases: its thread, and a reply to staff."""
    item = own_case(case_id)
    form = ReplyForm()
    form.set_statuses([("", "")])
    if request.method == "POST":
        if item.is_closed:
            flash(_("Permintaan ini sudah selesai. Ajukan permintaan baru bila Anda masih memerlukan bantuan."),
                  "error")
            return redirect(url_for(".case", case_id=item.id), code=303)
        if form.validate_on_submit():
            limits.mark_accepted()
            operations.requester_reply(item, current_user._get_current_object(), form.body.data,
                                       form.form_token.data)
            flash(_("Pesan Anda terkirim ke petugas."), "success")
            return redirect(url_for(".case", case_id=item.id) + "#pesan-terakhir", code=303)
    office = offices().get(item.office)
    return render_template("feedback/account/case.html", case=item, form=form, case_office=office,
                           zone=office.timezone if office else "Asia/Jakarta",
                           delivery_open=operations.delivery_open(item),
                           expires=operations.delivery_expires_at(item))


@bp.route("/permintaan/<int:case_id>/unduh", methods=["GET", "POST"])
@login_required
def download(case_id: int):
    """The softcopy of a fulfilled request: a page with the button, and the POST that logs it."""
    item = own_case(case_id)
    office = offices().get(item.office)
    zone = office.timezone if office else "Asia/Jakarta"
    if not operations.delivery_open(item):
        return render_template("feedback/account/download_closed.html", case=item, zone=zone,
                               expires=operations.delivery_expires_at(item)), 410 if item.has_delivery else 404
    form = ConfirmForm()
    if form.validate_on_submit():
        if not current_user.is_verified:
            flash(_("Verifikasi alamat email Anda terlebih dahulu untuk mengunduh softcopy."), "error")
            return redirect(url_for(".download", case_id=item.id), code=303)
        access = SoftcopyAccess(token=operations.download_id(), kind="download", user_id=current_user.id,
                                publication_id=item.fulfilled_publication_id, office=item.office)
        db.session.add(access)
        db.session.commit()
        return redirect(url_for(".download_file", case_id=item.id, token=access.token), code=303)
    return render_template("feedback/account/download.html", case=item, form=form, zone=zone,
                           expires=operations.delivery_expires_at(item))


@bp.get("/permintaan/<int:case_id>/berkas/<token>")
@login_required
def download_file(case_id: int, token: str):
    """The stamped PDF of a logged download, for its owner only."""
    item = own_case(case_id)
    access = db.session.scalars(select(SoftcopyAccess).where(SoftcopyAccess.token == token[:16])).first()
    if (access is None or access.user_id != current_user.id or access.office != item.office
            or access.publication_id != item.fulfilled_publication_id
            or (clock.utcnow_naive() - access.created_at).total_seconds() > FILE_LINK_SECONDS
            or not operations.delivery_open(item)):
        abort(404)
    sha256 = operations.delivery_source(item)
    try:
        source = pdf_store().path(sha256 or "")
    except (ValueError, FileNotFoundError):
        current_app.logger.error("Softcopy of case %s is missing from the store", item.id)
        abort(404)
    office = offices().get(item.office)
    office_name = office.name if office else item.office
    # The stamp is written in the language of the page the button was pressed on.
    lines = [
        _("Diunduh oleh %(name)s <%(email)s> · %(time)s · %(office)s · ID %(id)s", name=current_user.name,
          email=current_user.email, time=format_local(access.created_at, office.timezone if office else "Asia/Jakarta"),
          office=office_name, id=access.token),
        _("PST Perpustakaan BPS · untuk penggunaan pribadi, dilarang menyebarluaskan tanpa menyebut sumber"),
    ]
    try:
        stamped = delivery.stamped_copy(source, access.token, lines, FILE_LINK_SECONDS)
    except PdfError:
        current_app.logger.error("Softcopy of case %s cannot be stamped", item.id)
        abort(404)
    title = item.fulfilled_publication.title if item.fulfilled_publication else (item.requested_title or item.subject)
    return delivery.pdf_response(stamped, f"{slugify(title, 80, 'softcopy')}-{access.token}.pdf",
                                 as_attachment=True)


@bp.get("/markah")
@login_required
def bookmarks():
    """Publications I marked, newest first."""
    query = (select(Bookmark).where(Bookmark.user_id == current_user.id)
             .order_by(Bookmark.created_at.desc(), Bookmark.id.desc()))
    pagination = db.paginate(query, page=page_arg(request.args), per_page=PER_PAGE, error_out=False)
    return render_template("feedback/account/bookmarks.html", pagination=pagination, offices=offices())


@bp.get("/penilaian")
@login_required
def ratings():
    """My ratings and reviews of publications."""
    query = (select(PublicationRating).where(PublicationRating.user_id == current_user.id)
             .order_by(PublicationRating.updated_at.desc(), PublicationRating.id.desc()))
    pagination = db.paginate(query, page=page_arg(request.args), per_page=PER_PAGE, error_out=False)
    return render_template("feedback/account/ratings.html", pagination=pagination, offices=offices())


# ------------------------------------------------------------------ panels on "Akun saya"


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def bookmarks_panel(user) -> dict | None:
    query = select(Bookmark).where(Bookmark.user_id == user.id).order_by(Bookmark.created_at.desc(), Bookmark.id.desc())
    rows = db.session.scalars(query.limit(PANEL_ROWS)).all()
    return {"rows": rows, "total": _count(query), "offices": offices()} if rows else None


def ratings_panel(user) -> dict | None:
    query = (select(PublicationRating).where(PublicationRating.user_id == user.id)
             .order_by(PublicationRating.updated_at.desc(), PublicationRating.id.desc()))
    rows = db.session.scalars(query.limit(PANEL_ROWS)).all()
    return {"rows": rows, "total": _count(query), "offices": offices()} if rows else None


def cases_panel(user) -> dict | None:
    query = _cases_of(user.id)
    rows = db.session.scalars(query.limit(PANEL_ROWS)).all()
    return {"rows": rows, "total": _count(query), "offices": offices()} if rows else None
