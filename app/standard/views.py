"""Views for the office directory and each office's service standard."""

from __future__ import annotations

from flask import current_app, g, render_template, request
from flask_babel import gettext as _, lazy_gettext as _l
from markupsafe import Markup

from app import clock
from app.hours import status_at
from app.i18n import language
from app.offices import WEEKDAY_NAMES_ID, directory as group_offices
from app.mail import external_url
from app.site import offices
from app.standard.qr import qr_svg
from app.timeutil import format_local
from app.standard import bp, directory
from app.web import text_arg

#: The six public components of a service standard, in the order of PermenPANRB 15/2014.
#: Their names are the site's headings (translated); what each says is the office's own text.
COMPONENTS = (
    ("persyaratan", _l("Persyaratan")),
    ("prosedur", _l("Sistem, Mekanisme, dan Prosedur")),
    ("waktu", _l("Jangka Waktu Penyelesaian")),
    ("biaya", _l("Biaya/Tarif")),
    ("produk", _l("Produk Pelayanan")),
    ("pengaduan", _l("Penanganan Pengaduan, Saran, dan Masukan")),
)


@directory.get("/")
def index():
    """All offices grouped by province, filtered by name."""
    query = text_arg(request.args, "q", 100)
    now = clock.now()
    groups = group_offices(offices(), query)
    statuses = {o.slug: status_at(o, now) for _, members in groups for o in members}
    return render_template("standard/index.html", groups=groups, query=query,
                           statuses=statuses, total=len(offices()))


@bp.get("/")
def office():
    """The office's service standard for its library service (and its A4 print)."""
    now = clock.now()
    online_url = external_url("standard.office")
    return render_template("standard/office.html", status=status_at(g.office, now),
                           standard_body=standard_body(g.office), online_url=online_url,
                           qr=qr_svg(online_url, _("Kode QR ke standar pelayanan daring")),
                           printed_at=format_local(now, g.office.timezone))


def standard_body(office) -> Markup:
    """The standard itself (hours table and the six components), rendered once per office,
    profile and language: it changes only when the profile does.

    Kept per app, keyed by slug and language; an entry holds the Office it was rendered
    from and is used only for that very object, so a profile loaded anew is rendered anew.
    """
    bodies = current_app.extensions.setdefault("standard_bodies", {})
    key = (office.slug, language())
    entry = bodies.get(key)
    if entry is None or entry[0] is not office:
        html = Markup(render_template("standard/_standard.html", office=office, components=COMPONENTS,
                                      weekdays=[_(name) for name in WEEKDAY_NAMES_ID]))
        bodies[key] = entry = (office, html)
    return entry[1]
