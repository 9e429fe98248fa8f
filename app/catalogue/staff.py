"""Staff pages of the catalogue: list, add, edit and delete the office's publications.

The search index follows every committed change by itself (see ``indexing``).
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.access import staff_required
from app.catalogue import staff_bp as bp
from app.catalogue.forms import CONTENT_REMOVED, PDF_MESSAGES, TEXT_PROBLEM, PublicationForm
from app.catalogue.indexing import pdf_store
from app.catalogue.models import FORMAT_LABELS, Publication, SoftcopyAccess
from app.catalogue.views import get_publication
from app.extensions import db
from app.pdf import PdfError
from app.web import ConfirmForm, like_pattern, no_store_blueprint, page_arg, text_arg

PER_PAGE = 50
DUPLICATE_NUMBER = _l("No. publikasi ini sudah dipakai publikasi lain di kantor ini.")

# Staff pages show readers' names and addresses: never cached.
no_store_blueprint(bp)


@bp.before_request
@staff_required
def only_staff():
    """Every page here is for staff of the office (or administrators)."""


@bp.get("/staf/katalog")
def index():
    """Staff: the office's publications, last changed first, filtered by title."""
    q = text_arg(request.args, "q", 200)
    query = select(Publication).where(Publication.office == g.office.slug)
    if q:
        query = query.where(db.func.lower(Publication.title).like(like_pattern(q.lower()), escape="\\"))
    rows = db.paginate(query.order_by(Publication.updated_at.desc(), Publication.id.desc()),
                       page=page_arg(request.args), per_page=PER_PAGE, error_out=False)
    return render_template("catalogue/staff/list.html", rows=rows, q=q, format_labels=FORMAT_LABELS)


@bp.get("/staf/akses-softcopy")
def accesses():
    """Staff: every read and download of this office's softcopies."""
    query = (select(SoftcopyAccess).where(SoftcopyAccess.office == g.office.slug)
             .order_by(SoftcopyAccess.created_at.desc(), SoftcopyAccess.id.desc()))
    rows = db.paginate(query, page=page_arg(request.args), per_page=50, error_out=False)
    return render_template("catalogue/staff/accesses.html", rows=rows)


def number_taken(number: str | None, publication: Publication | None) -> bool:
    """Whether another publication of this office already has this publication number."""
    if not number:
        return False
    query = select(Publication.id).where(Publication.office == g.office.slug,
                                         Publication.publication_number == number)
    if publication is not None:
        query = query.where(Publication.id != publication.id)
    return db.session.scalar(query.limit(1)) is not None


def save_publication(form: PublicationForm, publication: Publication | None) -> Publication | None:
    """Check the form and the upload, then create or update; None (errors on the form) if refused."""
    fields = form.publication_fields(g.office.slug)
    upload = form.pdf.data
    info = None
    if upload:
        # The file's content decides everything: its name is never used.
        try:
            info = pdf_store().put(upload.read())
        except PdfError as exc:
            form.pdf.errors.append(PDF_MESSAGES.get(exc.code, PDF_MESSAGES["corrupt"]))
        else:
            if fields is not None:
                fields.update(pdf_sha256=info.sha256, pdf_size=info.size, pdf_pages=info.page_count)
    if fields is not None and number_taken(fields["publication_number"], publication):
        form.publication_number.errors.append(DUPLICATE_NUMBER)
    if fields is None or form.errors:
        return None
    if publication is None:
        publication = Publication(**fields)
        db.session.add(publication)
    else:
        for key, value in fields.items():
            if getattr(publication, key) != value:
                setattr(publication, key, value)
    try:
        db.session.commit()
    except IntegrityError:  # the same number saved by someone else a moment ago
        db.session.rollback()
        form.publication_number.errors.append(DUPLICATE_NUMBER)
        return None
    if info is not None and info.removed:
        flash(str(CONTENT_REMOVED) % {"items": "; ".join(info.removed)}, "info")
    if info is not None and not info.text_complete:
        flash(str(TEXT_PROBLEM), "info")
    return publication


@bp.route("/staf/katalog/baru", methods=["GET", "POST"])
def new():
    """Staff: add a publication, with or without its softcopy."""
    form = PublicationForm()
    if form.validate_on_submit():
        publication = save_publication(form, None)
        if publication is not None:
            flash(_("Publikasi \u201c%(title)s\u201d ditambahkan.", title=publication.title), "success")
            return redirect(url_for(".index"), code=303)
    return render_template("catalogue/staff/form.html", form=form, publication=None)


@bp.route("/staf/katalog/<int:publication_id>/ubah", methods=["GET", "POST"])
def edit(publication_id: int):
    """Staff: change a publication's metadata or replace its softcopy."""
    publication = get_publication(publication_id)
    form = PublicationForm()
    if request.method == "GET":
        form.fill_from(publication)
    elif form.validate_on_submit():
        if save_publication(form, publication) is not None:
            flash(_("Perubahan pada \u201c%(title)s\u201d disimpan.", title=publication.title), "success")
            return redirect(url_for(".index"), code=303)
    return render_template("catalogue/staff/form.html", form=form, publication=publication)


@bp.route("/staf/katalog/<int:publication_id>/hapus", methods=["GET", "POST"])
def delete(publication_id: int):
    """Staff: delete a publication after a confirmation; its access history stays."""
    publication = get_publication(publication_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        title = publication.title
        db.session.delete(publication)
        db.session.commit()
        flash(_("Publikasi \u201c%(title)s\u201d dihapus dari katalog.", title=title), "success")
        return redirect(url_for(".index"), code=303)
    return render_template("catalogue/staff/delete.html", form=form, publication=publication)
