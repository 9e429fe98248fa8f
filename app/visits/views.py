"""Public pages of the walk-in desk: the guest-book kiosk, the ticket, the waiting-room display.

The kiosk runs on a tablet at the entrance with nobody logged in, so every page here is
careful about the *next* visitor: nothing personal is kept in the session or the URL,
pages that show typed data are never cached, and the kiosk's script returns to an empty
form after a short idle time (templates/visits/kiosk.html, static/js/visits-kiosk.js).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re

from flask import abort, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy import select

from app import i18n
from app.errors import render_error
from app.extensions import db
from app.mail import external_url
from app.visits import bp, limits, operations, queue
from app.visits.forms import CodeCheckForm, CodeRequestForm, GuestBookForm
from app.lang import _, language, ngettext
from app.visits.models import QueueTicket, service_labels
from app.web import no_store

log = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{8,24}$")


@bp.context_processor
def kiosk_reset():
    """Where the kiosk starts over for the next visitor: an empty form in the site's own language
    (a visitor who chose English leaves the kiosk in Indonesian for the one after)."""
    if g.get("office") is None:  # an error page of this blueprint, for no office
        return {}
    kiosk = url_for("visits.kiosk")
    if language() == i18n.DEFAULT:
        return {"reset_url": kiosk}
    return {"reset_url": url_for("i18n.switch", choice=i18n.DEFAULT, next=kiosk)}


def retention_text(days: int) -> str:
    """A retention period as the notice says it: 1 tahun, 6 bulan, 90 hari (1 year, 6 months, 90 days)."""
    if days % 365 == 0:
        return ngettext("%(num)d tahun", "%(num)d tahun", days // 365)
    if days % 30 == 0:
        return ngettext("%(num)d bulan", "%(num)d bulan", days // 30)
    return ngettext("%(num)d hari", "%(num)d hari", days)


def kiosk_page(form: GuestBookForm, code_form: CodeRequestForm | None = None, *, code_open: bool = False,
               prefilled: bool = False, notice: str | None = None, status: int = 200):
    """The guest-book form, as a new visitor or a returning one sees it."""
    clean = request.method == "GET" and not form.errors
    return render_template(
        "visits/kiosk.html", form=form, code_form=code_form or CodeRequestForm(formdata=None),
        code_open=code_open, prefilled=prefilled, notice=notice, clean=clean,
        promise=g.office.walk_in_promise_minutes,
        retention=retention_text(g.office.visits.retention_days)), status


@bp.route("/bukutamu", methods=["GET", "POST"])
@limits.guestbook_per_ip
@no_store
def kiosk():
    """The electronic guest book: consent, then a queue number."""
    form = GuestBookForm(office=g.office)
    if form.validate_on_submit():
        ticket = operations.register_visit(g.office, form.entry_fields())
        log.info("Guest book: %s issued at %s", ticket.code, g.office.slug)
        return redirect(url_for(".ticket", token=ticket.token, kios=1), code=303)
    return kiosk_page(form)


@bp.errorhandler(CSRFError)
def form_expired(error):
    """A kiosk left open past its session: keep what was typed and ask to send again."""
    if request.endpoint == "visits.kiosk" and getattr(g, "office", None) is not None:
        form = GuestBookForm(office=g.office)
        form.consent.data = False
        response = current_app.make_response(kiosk_page(
            form, notice=_("Halaman ini terlalu lama terbuka. Periksa isian Anda, centang persetujuan, "
                           "lalu tekan tombol kirim sekali lagi."), status=400))
        response.headers["Cache-Control"] = "private, no-store"
        return response
    return render_error(400, _("Sesi formulir sudah kedaluwarsa atau tidak sah. "
                               "Muat ulang halaman lalu kirim kembali isian Anda."))


@bp.post("/bukutamu/kode")
@limits.code_per_ip
@limits.code_per_address
@no_store
def request_code():
    """A returning visitor types their address; a one-time code goes to it."""
    form = CodeRequestForm()
    if form.validate_on_submit():
        limits.mark_code_requested()
        operations.request_prefill_code(g.office, form.email.data)
        return render_template("visits/kiosk_code.html",
                               form=CodeCheckForm(formdata=None, data={"email": form.email.data}))
    return kiosk_page(GuestBookForm(formdata=None, office=g.office), form, code_open=True)


@bp.post("/bukutamu/kode/periksa")
@limits.code_check_per_ip
@no_store
def check_code():
    """The right code fills the form from the visitor's last visit; nothing else does."""
    form = CodeCheckForm()
    if form.validate_on_submit():
        data = operations.redeem_prefill_code(g.office, form.email.data, form.code.data)
        if data is not None:
            return kiosk_page(GuestBookForm(formdata=None, office=g.office, data=data), prefilled=True)
        limits.mark_code_failed()
        form.code.errors.append(_("Kode salah, sudah dipakai, atau sudah kedaluwarsa. Periksa email "
                                  "terbaru dari kami, atau isi formulir tanpa kode."))
    return render_template("visits/kiosk_code.html", form=form)


def ticket_by_token(token: str) -> QueueTicket:
    if not TOKEN_RE.match(token):
        abort(404)
    ticket = db.session.scalars(select(QueueTicket).where(QueueTicket.token == token,
                                                          QueueTicket.office == g.office.slug)).first()
    return ticket or abort(404)


@bp.get("/antrian/tiket/<token>")
@no_store
def ticket(token: str):
    """A visitor's ticket: number, time, estimated wait; after the visit, the survey slot."""
    ticket = ticket_by_token(token)
    at_kiosk = request.args.get("kios") == "1"
    services = service_labels(g.office)
    return render_template("visits/ticket.html", ticket=ticket, at_kiosk=at_kiosk,
                           ticket_url=external_url("visits.ticket", token=ticket.token),
                           service=services.get(ticket.service, ticket.service),
                           estimate=queue.estimate(g.office, ticket),
                           promise=g.office.walk_in_promise_minutes)


@bp.get("/antrian/layar")
def display():
    """The waiting-room screen: numbers called and next, updated without a reload."""
    response = current_app.make_response(render_template(
        "visits/display.html", state=queue.display_state(g.office),
        poll_ms=current_app.config["VISITS_DISPLAY_POLL_MS"]))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/antrian/layar.json")
def display_state():
    """The display's state; answers 304 when nothing changed since the screen last asked."""
    state = queue.display_state(g.office)
    response = jsonify(state)
    response.set_etag(hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:24])
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)
