"""Staff pages of an office: one inbox for every kind of case, a case's thread with its
actions, and the survey's answers, suggestions and exports.

Every page is for staff of the office in the URL (or administrators), and every case is
looked up within that office: staff of another office get 403 for the pages and 404 for
a case of another office, whatever they try.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app import clock
from app.access import staff_required
from app.catalogue.forms import PDF_MESSAGES
from app.catalogue.indexing import pdf_store
from app.catalogue.models import Publication
from app.extensions import db
from app.feedback import ikm, operations, periods
from app.feedback import staff_bp as bp
from app.feedback.forms import DeclineForm, FulfilForm, ReplyForm
from app.lang import _, _l
from app.feedback.models import ACTIVE, KINDS, STATUSES, Case
from app.feedback.questionnaire import ELEMENTS, PROFILE
from app.feedback.views import ikm_context
from app.pdf import PdfError
from app.timeutil import format_local
from app.web import ConfirmForm, page_arg, parse_int

PER_PAGE = 30
SUGGESTIONS_PER_PAGE = 50
#: Age filters of the inbox: days waiting.
AGES = {"1": _l("lebih dari 1 hari"), "3": _l("lebih dari 3 hari"), "7": _l("lebih dari 7 hari")}
STATUS_FILTERS = {"aktif": _l("Menunggu petugas (baru dan diproses)"), **STATUSES, "semua": _l("Semua status")}


@bp.before_request
@staff_required
def only_staff():
    """Every page here is for staff of the office (or administrators)."""


def office_case(case_id: int) -> Case:
    """A case of this office, or 404 (a case of another office is "not found" here)."""
    case = db.session.get(Case, case_id)
    if case is None or case.office != g.office.slug:
        abort(404)
    return case


def age_days(case: Case) -> float:
    return (clock.utcnow_naive() - case.created_at).total_seconds() / 86400


def overdue(case: Case) -> bool:
    """Waiting longer than the office promised (only where the profile gives a promise)."""
    promise = g.office.request_promise_days
    return promise is not None and case.is_active and age_days(case) > promise


def _filters(args) -> dict:
    kind = args.get("jenis") if args.get("jenis") in KINDS else ""
    status = args.get("status") if args.get("status") in STATUS_FILTERS else "aktif"
    age = args.get("umur") if args.get("umur") in AGES or (args.get("umur") == "janji"
                                                           and g.office.request_promise_days) else ""
    return {"jenis": kind, "status": status, "umur": age}


def _inbox_query(filters: dict):
    query = select(Case).where(Case.office == g.office.slug)
    if filters["jenis"]:
        query = query.where(Case.kind == filters["jenis"])
    if filters["status"] == "aktif":
        query = query.where(Case.status.in_(ACTIVE))
    elif filters["status"] != "semua":
        query = query.where(Case.status == filters["status"])
    if filters["umur"]:
        days = g.office.request_promise_days if filters["umur"] == "janji" else int(filters["umur"])
        query = query.where(Case.created_at < clock.utcnow_naive() - timedelta(days=days))
    if filters["status"] == "aktif":  # the longest waiting first
        return query.order_by(Case.created_at, Case.id)
    return query.order_by(Case.updated_at.desc(), Case.id.desc())


@bp.get("/staf/permintaan")
def inbox():
    """Staff: every softcopy request, consultation, problem report and complaint of the office."""
    filters = _filters(request.args)
    pagination = db.paginate(_inbox_query(filters), page=page_arg(request.args), per_page=PER_PAGE,
                             error_out=False)
    return render_template("feedback/staff/inbox.html", pagination=pagination, filters=filters, kinds=KINDS,
                           statuses=STATUS_FILTERS, ages=AGES, age_days=age_days, overdue=overdue,
                           open_count=operations.open_count(g.office.slug))


def csv_cell(value) -> str:
    """A cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(rows, filename: str) -> Response:
    """A CSV download (UTF-8 with a BOM, for spreadsheets), written in full before it is sent.

    A period's raw answers are a few megabytes at most; writing them first keeps the
    database session inside the request instead of in a generator that may outlive it.
    """
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return Response(buffer.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/staf/permintaan.csv")
def inbox_csv():
    """Staff: the inbox (with its filters) as CSV, without contact details."""
    filters = _filters(request.args)
    zone = g.office.timezone

    def rows():
        yield [_("kode"), _("jenis"), _("status"), _("dibuat"), _("diperbarui"), _("umur_hari"), _("lewat_janji"),
               _("pengirim"), _("subjek"), _("publikasi_id"), _("ditutup")]
        for case in db.session.scalars(_inbox_query(filters).execution_options(yield_per=500)):
            sender = _("Akun terdaftar") if case.user_id else (_("Anonim") if case.kind == "complaint" else "-")
            yield [case.display_code, case.kind_label, case.status_label, format_local(case.created_at, zone),
                   format_local(case.updated_at, zone), f"{age_days(case):.1f}",
                   _("ya") if overdue(case) else _("tidak"), sender, case.subject, case.publication_id or "",
                   format_local(case.closed_at, zone) if case.closed_at else ""]
    return csv_response(rows(), f"permintaan-{g.office.slug}-{clock.local_today(zone).isoformat()}.csv")


def _status_choices(case: Case) -> list[tuple[str, str]]:
    choices = [("", _("Tidak berubah")), ("in_progress", STATUSES["in_progress"])]
    if case.kind != "softcopy":
        choices.append(("answered", STATUSES["answered"]))
    choices.append(("closed", _("Selesai (tutup)")))
    return choices


def render_case(case: Case, reply: ReplyForm | None = None, fulfil: FulfilForm | None = None,
                decline: DeclineForm | None = None, status: int = 200):
    reply = reply or ReplyForm()
    reply.set_statuses(_status_choices(case))
    return render_template("feedback/staff/case.html", case=case, reply=reply, fulfil=fulfil or FulfilForm(),
                           decline=decline or DeclineForm(), close_form=ConfirmForm(), age_days=age_days(case),
                           overdue=overdue(case), promise=g.office.request_promise_days,
                           delivery_open=operations.delivery_open(case),
                           expires=operations.delivery_expires_at(case)), status


@bp.route("/staf/permintaan/<int:case_id>", methods=["GET", "POST"])
def case(case_id: int):
    """Staff: a case's details and thread; the POST is a reply (with a change of status)."""
    item = office_case(case_id)
    form = ReplyForm()
    form.set_statuses(_status_choices(item))
    if request.method == "POST":
        if item.is_closed:
            flash(_("Kasus ini sudah ditutup."), "error")
            return redirect(url_for(".case", case_id=item.id), code=303)
        if form.validate_on_submit():
            operations.staff_reply(item, current_user._get_current_object(), form.body.data,
                                   form.status.data or None, form.form_token.data)
            flash(_("Tanggapan terkirim ke pengirim."), "success")
            return redirect(url_for(".case", case_id=item.id), code=303)
    return render_case(item, reply=form)


@bp.post("/staf/permintaan/<int:case_id>/penuhi")
def fulfil(case_id: int):
    """Staff: fulfil a softcopy request with a PDF (checked and stored by hash) or a catalogue item."""
    item = office_case(case_id)
    form = FulfilForm()
    if item.kind != "softcopy" or item.is_closed:
        flash(_("Hanya permintaan softcopy yang belum ditutup yang dapat dipenuhi."), "error")
        return redirect(url_for(".case", case_id=item.id), code=303)
    if not form.validate_on_submit():
        return render_case(item, fulfil=form, status=400)
    publication, info = None, None
    if form.pdf.data:
        try:
            # The file's content decides everything: its name is never used.
            info = pdf_store().put(form.pdf.data.read())
        except PdfError as exc:
            form.pdf.errors.append(PDF_MESSAGES.get(exc.code, PDF_MESSAGES["corrupt"]))
            return render_case(item, fulfil=form, status=400)
    else:
        publication = db.session.get(Publication, parse_int(form.publication_id.data, minimum=1, maximum=2**31 - 1))
        if publication is None or publication.office != g.office.slug:
            form.publication_id.errors.append(_("Tidak ada publikasi dengan nomor itu di katalog kantor ini."))
        elif not publication.has_softcopy:
            form.publication_id.errors.append(_("Publikasi itu belum memiliki softcopy. Unggah PDF-nya di sini "
                                                "atau di katalog terlebih dahulu."))
        if form.publication_id.errors:
            return render_case(item, fulfil=form, status=400)
    same = item.fulfilled_at is not None and (
        (info is not None and info.sha256 == item.fulfilled_pdf_sha256)
        or (publication is not None and publication.id == item.fulfilled_publication_id))
    if same:  # the same form sent twice: one fulfilment, one email
        flash(_("Permintaan ini sudah dipenuhi dengan berkas yang sama."), "info")
        return redirect(url_for(".case", case_id=item.id), code=303)
    operations.fulfil(item, current_user._get_current_object(), note=form.note.data or "", pdf=info,
                      publication=publication)
    flash(_("Permintaan dipenuhi. Pemohon menerima email berisi tautan unduhan."), "success")
    return redirect(url_for(".case", case_id=item.id), code=303)


@bp.post("/staf/permintaan/<int:case_id>/tolak")
def decline(case_id: int):
    """Staff: decline a case, with a reason the sender reads."""
    item = office_case(case_id)
    form = DeclineForm()
    if item.is_closed or item.status == "declined":
        flash(_("Kasus ini sudah ditutup.") if item.is_closed else _("Kasus ini sudah ditolak."), "error")
        return redirect(url_for(".case", case_id=item.id), code=303)
    if not form.validate_on_submit():
        return render_case(item, decline=form, status=400)
    operations.decline(item, current_user._get_current_object(), form.reason.data)
    flash(_("Kasus ditolak; pengirim menerima alasannya."), "success")
    return redirect(url_for(".case", case_id=item.id), code=303)


@bp.post("/staf/permintaan/<int:case_id>/tutup")
def close(case_id: int):
    """Staff: close a case."""
    item = office_case(case_id)
    if not ConfirmForm().validate_on_submit():
        return render_case(item, status=400)
    operations.close(item, current_user._get_current_object())
    flash(_("Kasus ditutup."), "success")
    return redirect(url_for(".case", case_id=item.id), code=303)


# ------------------------------------------------------------------ the survey


@bp.get("/staf/survei")
def survey():
    """Staff: the IKM of a period with its suggestions, and the exports."""
    context = ikm_context(g.office, request.args)
    page = page_arg(request.args)
    rows = ikm.suggestions(db.session, g.office.slug, context["period"], limit=SUGGESTIONS_PER_PAGE,
                           offset=(page - 1) * SUGGESTIONS_PER_PAGE)
    total = context["result"].suggestions if context["result"] else 0
    return render_template("feedback/staff/survey.html", suggestions=rows, page=page,
                           pages=max(1, -(-total // SUGGESTIONS_PER_PAGE)), **context)


def _period(args) -> periods.Period:
    return periods.parse(args.get("periode")) or ikm_context(g.office, args)["period"]


@bp.get("/staf/survei/jawaban.csv")
def survey_answers_csv():
    """Staff: every answer of a period (no respondent key, no account data)."""
    period = _period(request.args)

    def rows():
        yield ([_("no"), _("tanggal"), _("saluran")] + [e.code for e in ELEMENTS] + [c for c, _label, _choices in PROFILE]
               + [_("saran")])
        for n, r in enumerate(ikm.raw_answers(db.session, g.office.slug, period), start=1):
            yield ([n, r.local_date.isoformat(), r.channel] + list(r.answers())
                   + [getattr(r, c) or "" for c, _label, _choices in PROFILE] + [r.suggestion or ""])
    return csv_response(rows(), f"skm-jawaban-{g.office.slug}-{period.key}.csv")


@bp.get("/staf/survei/ringkasan.csv")
def survey_summary_csv():
    """Staff: the IKM of a period as CSV: each element, the index, respondents by profile."""
    period = _period(request.args)
    summary = ikm.summary(db.session, g.office.slug, period)
    result = summary.result

    def rows():
        # Sections and descriptions in the page's language; codes, keys and figures as they are
        # (a decimal point, for spreadsheets in any language).
        section = {"period": _("periode"), "respondents": _("responden"), "element": _("unsur"), "ikm": "ikm",
                   "suggestions": _("saran"), "profile": _("profil")}
        yield [_("bagian"), _("kode"), _("keterangan"), _("nilai")]
        yield [section["period"], period.key, period.label, ""]
        yield [section["respondents"], "", _("jumlah responden"), result.respondents if result else 0]
        if result is None:
            return
        for s in result.elements:
            name, code = s.element.name, s.element.code
            yield [section["element"], code, _("%(element)s: jumlah nilai", element=name), s.total]
            yield [section["element"], code, _("%(element)s: NRR", element=name), f"{s.nrr_rounded}"]
            yield [section["element"], code, _("%(element)s: NRR tertimbang", element=name), f"{s.weighted}"]
            yield [section["element"], code, _("%(element)s: nilai konversi", element=name), f"{s.converted}"]
            for value, count in zip(range(1, 5), s.distribution):
                yield [section["element"], code, _("%(element)s: jawaban %(value)s", element=name, value=value),
                       count]
        yield [section["ikm"], "", _("nilai IKM (1-4)"), f"{result.index_rounded}"]
        yield [section["ikm"], "", _("nilai IKM konversi"), f"{result.converted}"]
        yield [section["ikm"], "", _("mutu pelayanan"), result.grade.letter]
        yield [section["ikm"], "", _("kinerja unit pelayanan"), result.grade.label]
        yield [section["suggestions"], "", _("jumlah saran"), result.suggestions]
        for column, label, _choices in PROFILE:
            for item in summary.profile[column]:
                yield [section["profile"], column, f"{label}: {item.label}", item.count]
    return csv_response(rows(), f"skm-ringkasan-{g.office.slug}-{period.key}.csv")

