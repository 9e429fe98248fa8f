"""Staff pages of the walk-in desk: the counter console, lockers and the visits report.

Every page is for staff of the office in the URL (or administrators), never cached, and
every change is a POST with CSRF.  A ticket or locker of another office is "not found".
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from app import clock
from app.access import staff_required
from app.contrib import DataSubject
from app.extensions import db
from app.i18n import format_clock
from app.timeutil import format_local, to_local
from app.visits import charts, operations, queue, reports
from app.visits.forms import CallNumberForm, LockerForm
from app.lang import _, format_number, ngettext
from app.visits.models import GENDERS, ID_KINDS, STATUS_LABELS, service_labels
from app.personal_data import iso
from app.visits import personal_data
from app.web import ConfirmForm, no_store_blueprint, safe_next, text_arg

#: Staff pages of the walk-in desk, under /<office_slug>/staf/.
bp = Blueprint("visits_staff", __name__)
no_store_blueprint(bp)

#: What staff may type to find a visitor's entries (a whole address, nothing partial).
EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

#: Ticket and locker ids in URLs stay within a 32-bit integer (larger is "not found").
ID = "int(max=2147483647)"


@bp.before_request
@staff_required
def only_staff():
    """Every page here is for staff of the office (or administrators)."""


@bp.context_processor
def helpers():
    """Minutes between two stored times (to now when the second is missing), for the tables."""
    now = clock.utcnow_naive()

    def minutes(start, end=None) -> int | None:
        if start is None:
            return None
        return max(0, int(((end or now) - start).total_seconds() // 60))

    def decimal_minutes(value) -> str:
        """3,5 menit / 3.5 min (the page's decimal mark); a dash when there is nothing to measure."""
        return "\u2013" if value is None else _("%(minutes)s menit", minutes=format_number(value, 1))

    def percent(share) -> str:
        return "\u2013" if share is None else f"{share * 100:.0f}%"

    def hm(moment) -> str:
        """A stored time as the office's local clock in the page's language: 09.41 or 09:41."""
        return format_clock(to_local(moment, g.office.timezone)) if moment else "\u2013"
    return {"minutes": minutes, "decimal_minutes": decimal_minutes, "percent": percent, "hm": hm,
            "kept_promise": reports.kept_promise}


def back(default: str = ".console"):
    """Where an action returns to: the page it was pressed on, else the console."""
    return redirect(safe_next(request.form.get("next")) or url_for(default), code=303)


def free_lockers(office, held) -> list[str]:
    taken = {a.locker for a in held}
    return [locker.number for locker in office.visits.lockers if locker.number not in taken]


# ------------------------------------------------------------------ console


@bp.get("/staf/antrian")
def console():
    """Today's queue: who is called or served, who waits, who is done; lockers still lent."""
    office = g.office
    tickets = queue.todays_tickets(office)
    held = queue.held_lockers(office)
    now = format_local(clock.utcnow_naive(), office.timezone)
    return render_template(
        "visits/staff/console.html",
        active=[t for t in tickets if t.status in ("called", "serving")],
        waiting=[t for t in tickets if t.status == "waiting"],
        closed=[t for t in reversed(tickets) if t.status in ("done", "no_show")],
        earlier=queue.earlier_open_tickets(office), held=held,
        overdue={a.id for a in held if queue.overdue(office, a)},
        free=free_lockers(office, held), services=service_labels(office),
        call_form=CallNumberForm(formdata=None), now=now, id_kinds=ID_KINDS, genders=GENDERS,
        version=queue.state_version(office), total=len(tickets), promise=office.walk_in_promise_minutes)


@bp.get("/staf/antrian/versi.json")
def console_version():
    """A fingerprint of the queue: the console reloads itself when it changes."""
    response = current_app.response_class(status=204)
    response.set_etag(queue.state_version(g.office))
    return response.make_conditional(request)


@bp.post("/staf/antrian/panggil-berikutnya")
def call_next():
    """Call the longest-waiting visitor (of one service, if chosen)."""
    service = request.form.get("layanan") or None
    if service is not None and g.office.visits.service(service) is None:
        flash(_("Pilih layanan yang ada di kantor ini."), "error")
        return back()
    ticket = operations.call_next(g.office, service)
    if ticket is None:
        flash(_("Tidak ada pengunjung yang menunggu."), "info")
    else:
        flash(_("Nomor %(code)s dipanggil.", code=ticket.code), "success")
    return back()


@bp.post("/staf/antrian/panggil-nomor")
def call_number():
    """Call a given number of today, as typed (P-007)."""
    form = CallNumberForm()
    if not form.validate():
        flash(" ".join(str(error) for error in form.code.errors) or _("Nomor antrean tidak valid."), "error")
        return back()
    ticket = operations.find_by_code(g.office, form.code.data)
    if ticket is None:
        flash(_("Nomor \u201c%(code)s\u201d tidak ada di antrean hari ini. Contoh: P-007.", code=form.code.data),
              "error")
        return back()
    return _do(operations.call, ticket.id, lambda code: _("Nomor %(code)s dipanggil.", code=code))


def _do(action, ticket_id: int, message):
    """Do a desk action; ``message(code)`` says it was done."""
    try:
        ticket = action(g.office, ticket_id)
    except operations.DeskError as exc:
        flash(str(exc), "error")
    else:
        flash(message(ticket.code), "success")
    return back()


@bp.post(f"/staf/antrian/<{ID}:ticket_id>/panggil")
def call(ticket_id: int):
    """Call (or call again) a number."""
    return _do(operations.call, ticket_id, lambda code: _("Nomor %(code)s dipanggil.", code=code))


@bp.post(f"/staf/antrian/<{ID}:ticket_id>/mulai")
def start(ticket_id: int):
    return _do(operations.start, ticket_id, lambda code: _("Nomor %(code)s sedang dilayani.", code=code))


@bp.post(f"/staf/antrian/<{ID}:ticket_id>/tidak-hadir")
def no_show(ticket_id: int):
    return _do(operations.no_show, ticket_id, lambda code: _("Nomor %(code)s ditandai tidak hadir.", code=code))


@bp.post(f"/staf/antrian/<{ID}:ticket_id>/selesai")
def finish(ticket_id: int):
    """End a visit; a locker still lent is released with it."""
    try:
        ticket, released = operations.finish(g.office, ticket_id)
    except operations.DeskError as exc:
        flash(str(exc), "error")
        return back()
    flash(_("Layanan nomor %(code)s selesai.", code=ticket.code), "success")
    for assignment in released:
        flash(_released(assignment), "info")
    return back()


def _released(assignment) -> str:
    if assignment.id_card_held:
        return _("Loker %(locker)s dilepas. Kembalikan kartu identitas pengunjung.", locker=assignment.locker)
    return _("Loker %(locker)s dilepas.", locker=assignment.locker)


def lendable_tickets(office) -> list:
    """Open tickets (today's and any left from earlier days) that hold no locker yet."""
    tickets = queue.todays_tickets(office) + queue.earlier_open_tickets(office)
    return [t for t in tickets if t.is_open and t.held_locker is None]


@bp.post("/staf/loker/pinjamkan")
def assign_locker():
    """Lend a free locker to a visitor, noting whether their identity card is held."""
    held = queue.held_lockers(g.office)
    form = LockerForm(free=free_lockers(g.office, held), tickets=lendable_tickets(g.office))
    if not form.validate():
        flash(" ".join(str(error) for error in form.ticket.errors + form.locker.errors), "error")
        return back()
    try:
        assignment = operations.assign_locker(g.office, int(form.ticket.data), form.locker.data,
                                              form.id_card_held.data)
    except operations.DeskError as exc:
        flash(str(exc), "error")
    else:
        if assignment.id_card_held:
            flash(_("Loker %(locker)s dipinjamkan kepada nomor %(code)s (kartu identitas dititipkan).",
                    locker=assignment.locker, code=assignment.ticket.code), "success")
        else:
            flash(_("Loker %(locker)s dipinjamkan kepada nomor %(code)s.", locker=assignment.locker,
                    code=assignment.ticket.code), "success")
    return back()


@bp.post(f"/staf/loker/<{ID}:assignment_id>/lepas")
def release_locker(assignment_id: int):
    """Take a locker back, and hand back the identity card held for it."""
    try:
        assignment = operations.release_locker(g.office, assignment_id)
    except operations.DeskError as exc:
        flash(str(exc), "error")
    else:
        flash(_released(assignment), "success")
    return back(".lockers")


# ------------------------------------------------------------------ lockers


@bp.get("/staf/loker")
def lockers():
    """Every locker of the office: free, or lent to which number since when."""
    office = g.office
    held = queue.held_lockers(office)
    by_number = {a.locker: a for a in held}
    unknown = [a for a in held if a.locker not in {lk.number for lk in office.visits.lockers}]
    open_tickets = lendable_tickets(office)
    return render_template("visits/staff/lockers.html", lockers=office.visits.lockers, by_number=by_number,
                           unknown=unknown, overdue={a.id for a in held if queue.overdue(office, a)},
                           open_tickets=open_tickets, id_kinds=ID_KINDS)


# ------------------------------------------------------------------ report


def _report():
    period, problem = reports.parse_period(request.args.get("tanggal"), request.args.get("bulan"),
                                           queue.today(g.office))
    return reports.build_report(db.session, g.office, period, clock.utcnow_naive()), problem


def _charts(report: reports.VisitReport) -> dict:
    made = {"purpose": charts.horizontal(report.by_purpose),
            "hours": charts.columns(report.by_hour),
            "profile": {title: charts.horizontal(items) for title, items in report.profile.items()}}
    if report.per_day:
        made["days"] = charts.columns([(f"{day.day}", s.issued) for day, s in report.per_day])
    return made


def _neighbours(period: reports.Period) -> tuple[dict, dict]:
    if period.kind == "day":
        return ({"tanggal": (period.start - timedelta(days=1)).isoformat()},
                {"tanggal": (period.start + timedelta(days=1)).isoformat()})
    year, month = period.start.year, period.start.month
    before = (year - 1, 12) if month == 1 else (year, month - 1)
    after = (year + 1, 1) if month == 12 else (year, month + 1)
    return {"bulan": f"{before[0]:04d}-{before[1]:02d}"}, {"bulan": f"{after[0]:04d}-{after[1]:02d}"}


@bp.get("/staf/kunjungan")
def report():
    """Waits against the promise, no-shows, and visits by purpose, hour and profile."""
    report, problem = _report()
    previous, following = _neighbours(report.period)
    return render_template("visits/staff/report.html", report=report, problem=problem, charts=_charts(report),
                           previous=previous, following=following, printing=False,
                           status_labels=STATUS_LABELS, services=service_labels(g.office),
                           today=queue.today(g.office))


@bp.get("/staf/kunjungan/cetak")
def report_print():
    """The same report laid out for A4 paper."""
    report, problem = _report()
    return render_template("visits/staff/report_print.html", report=report, problem=problem,
                           charts=_charts(report), printing=True, status_labels=STATUS_LABELS,
                           services=service_labels(g.office),
                           printed_at=format_local(clock.utcnow_naive(), g.office.timezone))


@bp.get("/staf/kunjungan/laporan.csv")
def report_csv():
    """One row per visit, without names, addresses or institutions."""
    report, _ = _report()
    response = current_app.response_class("\ufeff" + reports.report_csv(report), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=kunjungan-{g.office.slug}-{report.period.slug}.csv")
    return response


# ------------------------------------------------------------------ a visitor's own data


def _visitor_email() -> str:
    """The address staff typed, normalised; '' when it is not an address."""
    email = text_arg(request.values, "email", 254).lower()
    return email if EMAIL_SHAPE.fullmatch(email) else ""


def _office_entries(email: str) -> list[dict]:
    subject = DataSubject(user=None, emails=(email,))
    return [row for row in personal_data.export_entries(subject) if row["office"] == g.office.slug]


@bp.get("/staf/bukutamu/data")
def visitor_data():
    """A visitor without an account asks to see, have or erase their guest-book entries."""
    typed = text_arg(request.args, "email", 254)
    email = _visitor_email()
    entries = _office_entries(email) if email else []
    return render_template("visits/staff/visitor_data.html", typed=typed, email=email, entries=entries,
                           invalid=bool(typed) and not email, form=ConfirmForm())


@bp.get("/staf/bukutamu/data.json")
def visitor_data_json():
    """The visitor's entries at this office as a JSON file, to hand over (right of access)."""
    email = _visitor_email()
    if not email:
        abort(404)
    body = json.dumps({"format": "pst-perpustakaan/buku-tamu/1", "office": g.office.slug,
                       "exported_at": iso(clock.now()), "entries": _office_entries(email)},
                      ensure_ascii=False, indent=2)
    return current_app.response_class(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="buku-tamu-{g.office.slug}.json"'})


@bp.post("/staf/bukutamu/data/anonimkan")
def visitor_data_erase():
    """Erase a visitor's personal fields at this office (the counts stay)."""
    email = _visitor_email()
    if not email or not ConfirmForm().validate_on_submit():
        flash(_("Tulis alamat email pengunjung yang meminta penghapusan."), "error")
        return redirect(url_for(".visitor_data"), code=303)
    count = personal_data.anonymise_at_office(g.office.slug, email)
    db.session.commit()
    # Which visitor is not logged: only that a request was carried out.
    current_app.logger.info("Staff %s anonymised %d guest-book entries at %s", current_user.id, count,
                            g.office.slug)
    flash(ngettext("Data pribadi pada %(count)s isian buku tamu telah dihapus; jumlah kunjungan tetap tercatat.",
                   "Data pribadi pada %(count)s isian buku tamu telah dihapus; jumlah kunjungan tetap tercatat.",
                   count, count=format_number(count)), "success")
    return redirect(url_for(".visitor_data"), code=303)
