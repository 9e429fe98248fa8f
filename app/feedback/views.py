"""An office's public feedback pages: the survey and its IKM, complaints, consultations,
softcopy requests, and what a reader does on a publication (rate, mark, report)."""

from __future__ import annotations

import secrets

from flask import abort, current_app, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app import clock
from app.catalogue.models import Publication, SoftcopyAccess
from app.extensions import db
from app.feedback import bp, charts, ikm, limits, operations, periods, site_bp, tokens
from app.lang import _
from app.feedback.forms import (ComplaintForm, ConsultationForm, RatingForm, ReportForm, SoftcopyRequestForm,
                                SurveyForm, survey_values)
from app.feedback.models import PROBLEMS, Case
from app.feedback.operations import Respondent
from app.feedback.questionnaire import ELEMENTS, PROFILE
from app.site import offices
from app.timeutil import format_local
from app.web import ConfirmForm, parse_int, safe_next, text_arg

def local_time_in(value, zone: str) -> str:
    """A stored UTC time in a given office's zone (pages about a case of another office)."""
    return format_local(value, zone) if value else ""


# ------------------------------------------------------------------ survey


def _user_has_downloaded(office_slug: str) -> bool:
    query = select(SoftcopyAccess.id).where(SoftcopyAccess.user_id == current_user.id,
                                            SoftcopyAccess.office == office_slug)
    return db.session.scalar(query.limit(1)) is not None


def survey_respondent(office, token: str | None, source: str | None) -> Respondent:
    """Who answers: a visit ticket's token, else the account, else this browser (a signed token)."""
    window = operations.current_period(office).key
    payload = tokens.read_survey_token(token)
    if payload and payload.get("k") == "visit" and payload.get("o") == office.slug and payload.get("t") is not None:
        return Respondent(tokens.respondent_key("visit", f"{office.slug}:{payload['t']}"), "once", "visit",
                          token=token, visit=True)
    if current_user.is_authenticated:
        channel = "download" if source == "unduhan" and _user_has_downloaded(office.slug) else "web"
        return Respondent(tokens.respondent_key("user", str(current_user.id)), window, channel)
    if payload and payload.get("k") == "browser" and payload.get("o") == office.slug and payload.get("n"):
        nonce = str(payload["n"])
    else:
        nonce = session.setdefault("feedback_browser", secrets.token_hex(16))
        token = tokens.survey_token(k="browser", n=nonce, o=office.slug)
    return Respondent(tokens.respondent_key("browser", nonce), window, "web", token=token)


@bp.route("/survei", methods=["GET", "POST"])
@limits.form_per_ip
def survey():
    """The satisfaction survey (SKM): nine questions, an optional profile and suggestion."""
    office = g.office
    form = SurveyForm()
    source = request.args.get("dari")
    token = form.respondent.data if request.method == "POST" and form.respondent.data else request.args.get("t")
    respondent = survey_respondent(office, token, source)
    already = operations.has_answered(office, respondent)
    if form.validate_on_submit():
        limits.mark_accepted()
        if form.website.data:  # the honeypot: a bot gets the same thanks, and nothing is stored
            return redirect(url_for(".survey_thanks"), code=303)
        answers, profile = survey_values(form)
        if not already and operations.submit_survey(office, respondent, answers, profile, form.suggestion.data):
            flash(_("Terima kasih! Jawaban survei Anda sudah kami terima."), "success")
        else:
            flash(_("Jawaban Anda untuk periode ini sudah tercatat sebelumnya, jadi tidak dihitung dua kali. "
                    "Terima kasih!"), "info")
        return redirect(url_for(".survey_thanks"), code=303)
    form.respondent.data = respondent.token or ""
    period = operations.current_period(office)
    return render_template("feedback/survey.html", form=form, respondent=respondent, already=already,
                           period=period, elements=ELEMENTS, profile=PROFILE, source=source)


@bp.get("/survei/terima-kasih")
def survey_thanks():
    return render_template("feedback/survey_thanks.html")


# ------------------------------------------------------------------ IKM


def ikm_context(office, args) -> dict:
    """The IKM of the period asked for (or the latest with answers) and what the page needs."""
    today = clock.local_today(office.timezone)
    first, last = ikm.date_span(db.session, office.slug)
    period = periods.parse(args.get("periode"))
    if period is None:
        kind = current_app.config["FEEDBACK_SURVEY_PERIOD"]
        period = periods.containing(today, kind)
        if last is not None and last < period.start:
            period = periods.containing(last, kind)
    summary = ikm.summary(db.session, office.slug, period)
    result = summary.result
    following = period.shifted(1)
    return {
        "summary": summary, "result": result, "period": period,
        "choices": periods.choices(first, last, today),
        "previous": period.shifted(-1) if period.year > periods.MIN_YEAR else None,
        "following": following if following.start <= today and following.year <= periods.MAX_YEAR else None,
        "grades": ikm.GRADES, "profile_fields": PROFILE, "kinds": periods.KIND_LABELS,
        "overview": charts.overview_chart(result) if result else None,
        "element_charts": [charts.element_chart(s) for s in result.elements] if result else [],
        "answer_colours": charts.ANSWER_COLOURS, "fmt": ikm.format_decimal,
        "generated": clock.now(),
    }


@bp.get("/ikm")
def ikm_page():
    """The office's satisfaction index (IKM) for a period, with a chart per element."""
    return render_template("feedback/ikm.html", **ikm_context(g.office, request.args))


@bp.get("/ikm/cetak")
def ikm_print():
    """The IKM of a period on one A4 page, in the format offices post."""
    return render_template("feedback/ikm_print.html", **ikm_context(g.office, request.args))


# ------------------------------------------------------------------ complaints


@bp.route("/pengaduan", methods=["GET", "POST"])
@limits.form_per_ip
def complaint():
    """A complaint form (anonymous allowed) beside the office's official channels."""
    office = g.office
    form = ComplaintForm()
    if form.validate_on_submit():
        limits.mark_accepted()
        if form.website.data:
            flash(_("Pengaduan Anda telah diterima."), "success")
            return redirect(url_for(".complaint"), code=303)
        as_user = current_user.is_authenticated and not form.anonymous.data
        user = current_user._get_current_object() if as_user else None
        text = form.text.data
        case, _created = operations.open_case(
            kind="complaint", office=office, user=user, subject=text[:120], body=text,
            form_token=form.form_token.data,
            contact_name=None if as_user else (form.name.data or None),
            contact_email=None if as_user else (form.email.data.lower() if form.email.data else None))
        flash(_("Pengaduan Anda telah diterima. Kode pelacakan: %(code)s. Simpan kode ini untuk "
                "melihat status dan tanggapan petugas.", code=case.display_code), "success")
        return redirect(url_for(".complaint_status", code=case.display_code), code=303)
    return render_template("feedback/complaint.html", form=form, channels=office.standard.complaints)


@bp.get("/pengaduan/lacak")
@limits.code_per_ip
def complaint_lookup():
    """The "Lacak pengaduan" form: from a typed code to its status page."""
    code = tokens.normalise_code(request.args.get("kode"))
    if code is None:
        flash(_("Kode pelacakan terdiri dari 16 huruf dan angka, misalnya ABCD-EFGH-2345-6789. Periksa kembali."),
              "error")
        return redirect(url_for(".complaint") + "#lacak", code=303)
    return redirect(url_for(".complaint_status", code="-".join(code[i:i + 4] for i in range(0, 16, 4))), code=303)


@bp.get("/pengaduan/<code>")
@limits.code_per_ip
def complaint_status(code: str):
    """Where a complaint stands and the office's answers, for anyone with its code."""
    normalised = tokens.normalise_code(code)
    case = None
    if normalised is not None:
        case = db.session.scalars(select(Case).where(Case.code == normalised)).first()
    if case is None or case.kind != "complaint" or case.office != g.office.slug:
        response = make_response(render_template("feedback/complaint_unknown.html"), 404)
    else:
        answers = [m for m in case.messages if m.author == "staff" and m.body]
        response = make_response(render_template("feedback/complaint_status.html", case=case, answers=answers))
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------ requests from users with an account


def office_publication(publication_id: int) -> Publication:
    publication = db.session.get(Publication, publication_id)
    if publication is None or publication.office != g.office.slug:
        abort(404)
    return publication


def _unverified_page(why: str):
    """Asking staff needs a verified address: ``why`` says so for this form, in a whole sentence."""
    return render_template("feedback/verify_first.html", why=why)


@bp.route("/konsultasi/baru", methods=["GET", "POST"])
@login_required
@limits.post_per_user
def consultation():
    """Ask the office's staff, e.g. from a search that found nothing (the query comes along)."""
    if not current_user.is_verified:
        return _unverified_page(_("Untuk mengajukan konsultasi, alamat email akun Anda harus sudah diverifikasi, "
                                  "karena tanggapan petugas dikirim ke alamat itu."))
    form = ConsultationForm()
    if request.method == "GET":
        form.query.data = text_arg(request.args, "q", 200)
    if form.validate_on_submit():
        limits.mark_accepted()
        query = form.query.data or None
        subject = _("Pencarian \u201c%(query)s\u201d", query=query) if query else form.question.data
        case, _created = operations.open_case(
            kind="consultation", office=g.office, user=current_user._get_current_object(), subject=subject,
            body=form.question.data, form_token=form.form_token.data, search_query=query)
        flash(_("Konsultasi Anda telah dikirim ke petugas %(office)s. Tanggapan petugas dikirim ke "
                "email Anda dan tampil di halaman ini.", office=g.office.name), "success")
        return redirect(url_for("feedback_account.case", case_id=case.id), code=303)
    return render_template("feedback/consultation_form.html", form=form)


@bp.route("/permintaan-softcopy/baru", methods=["GET", "POST"])
@login_required
@limits.post_per_user
def softcopy_request():
    """Ask for a softcopy of a catalogue item that has none online, or of a title not in the catalogue."""
    publication = None
    if request.args.get("publikasi"):
        publication_id = parse_int(request.args.get("publikasi"), minimum=1, maximum=2**31 - 1)
        publication = office_publication(publication_id) if publication_id else abort(404)
        if publication.has_softcopy:
            flash(_("Softcopy publikasi ini sudah tersedia online: silakan baca atau unduh di halaman ini."), "info")
            return redirect(url_for("catalogue.detail", publication_id=publication.id), code=303)
    if not current_user.is_verified:
        return _unverified_page(_("Untuk meminta softcopy, alamat email akun Anda harus sudah diverifikasi, "
                                  "karena tanggapan petugas dikirim ke alamat itu."))
    form = SoftcopyRequestForm(needs_title=publication is None)
    if form.validate_on_submit():
        limits.mark_accepted()
        title = publication.title if publication else form.title.data
        case, _created = operations.open_case(
            kind="softcopy", office=g.office, user=current_user._get_current_object(), subject=title,
            body=form.purpose.data, form_token=form.form_token.data,
            publication_id=publication.id if publication else None,
            requested_title=None if publication else title,
            requested_year=publication.year if publication else form.year_value, purpose=form.purpose.data)
        flash(_("Permintaan softcopy Anda telah dikirim ke petugas %(office)s. Kami mengirim email "
                "begitu softcopy tersedia.", office=g.office.name), "success")
        return redirect(url_for("feedback_account.case", case_id=case.id), code=303)
    return render_template("feedback/softcopy_form.html", form=form, publication=publication)


@bp.route("/katalog/<int:publication_id>/laporkan", methods=["GET", "POST"])
@login_required
@limits.post_per_user
def report(publication_id: int):
    """"Laporkan masalah": the file does not open, pages are missing, metadata is wrong, other."""
    publication = office_publication(publication_id)
    if not current_user.is_verified:
        return _unverified_page(_("Untuk melaporkan masalah publikasi, alamat email akun Anda harus sudah "
                                  "diverifikasi, karena tanggapan petugas dikirim ke alamat itu."))
    form = ReportForm()
    if form.validate_on_submit():
        limits.mark_accepted()
        problem = PROBLEMS[form.problem.data]
        operations.open_case(
            kind="problem", office=g.office, user=current_user._get_current_object(),
            subject=f"{problem}: {publication.title}", body=form.text.data or problem,
            form_token=form.form_token.data, publication_id=publication.id, problem_type=form.problem.data)
        flash(_("Terima kasih, laporan Anda sudah diteruskan ke petugas. Tanggapannya tampil di Akun saya."),
              "success")
        return redirect(url_for("catalogue.detail", publication_id=publication.id), code=303)
    return render_template("feedback/report_form.html", form=form, publication=publication)


# ------------------------------------------------------------------ ratings and bookmarks


def _back_to(publication: Publication, anchor: str = "penilaian"):
    return redirect(url_for("catalogue.detail", publication_id=publication.id) + f"#{anchor}", code=303)


@bp.route("/katalog/<int:publication_id>/penilaian", methods=["GET", "POST"])
@login_required
@limits.post_per_user
def rate(publication_id: int):
    """Give or change 1–5 stars and an optional review (one per user per publication)."""
    publication = office_publication(publication_id)
    if not current_user.is_verified:
        return _unverified_page(_("Untuk menilai publikasi, alamat email akun Anda harus sudah diverifikasi, "
                                  "karena tanggapan petugas dikirim ke alamat itu."))
    existing = operations.my_rating(current_user.id, publication.id)
    form = RatingForm()
    if request.method == "GET" and existing is not None:
        form.stars.data, form.review.data = str(existing.stars), existing.review or ""
    if form.validate_on_submit():
        limits.mark_accepted()
        operations.save_rating(current_user._get_current_object(), publication, int(form.stars.data),
                               form.review.data or None)
        flash(_("Penilaian Anda tersimpan. Terima kasih!"), "success")
        return _back_to(publication)
    return render_template("feedback/rating_form.html", form=form, publication=publication, existing=existing)


@bp.post("/katalog/<int:publication_id>/penilaian/hapus")
@login_required
def unrate(publication_id: int):
    publication = office_publication(publication_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if operations.delete_rating(current_user._get_current_object(), publication):
        flash(_("Penilaian Anda dihapus."), "success")
    return _back_to(publication)


@bp.post("/katalog/<int:publication_id>/tandai", defaults={"on": True})
@bp.post("/katalog/<int:publication_id>/tandai/hapus", defaults={"on": False})
@login_required
def bookmark(publication_id: int, on: bool):
    """Mark ("Tandai") or unmark a publication; marked ones are listed in Akun saya."""
    publication = office_publication(publication_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    operations.set_bookmark(current_user._get_current_object(), publication, on)
    flash(_("Publikasi ditandai. Lihat di Akun saya, bagian Markah publikasi.") if on else _("Tanda dihapus."),
          "success")
    target = safe_next(request.form.get("next"))
    return redirect(target, code=303) if target else _back_to(publication, "markah")


# ------------------------------------------------------------------ the search of every office


@site_bp.get("/konsultasi")
def choose_office():
    """From the search of every office: go to the consultation form of the chosen office."""
    slug = request.args.get("kantor", "")
    if slug in offices():
        return redirect(url_for("feedback.consultation", office_slug=slug,
                                q=text_arg(request.args, "q", 200) or None), code=303)
    flash(_("Pilih kantor BPS yang ingin Anda tanyai."), "error")
    return redirect(url_for("catalogue_all.search_all", q=text_arg(request.args, "q", 200) or None), code=303)
