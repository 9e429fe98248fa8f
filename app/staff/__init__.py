"""The staff home: every feature's staff pages for an office, with their open counts.

Features add their entries with :meth:`app.contrib.Registry.staff_link`; this package
only lists them, so it knows no feature.
"""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

#: An office's staff home at /<office_slug>/staf/.
bp = Blueprint("staff", __name__)
#: The site-wide staff home at /staf/ (administrators; staff are sent to their office).
site_bp = Blueprint("staff_site", __name__, url_prefix="/staf")


def init_app(app: Flask) -> None:
    from app import site
    from app.contrib import AccountPanel, Link, on_staff_page, registry
    from app.staff import views

    site.register_office_blueprint(app, bp)
    if not app.config["SITE_OFFICE"]:
        app.register_blueprint(site_bp)

    reg = registry(app)
    # "Staf" is the current page on the staff home and on every feature's staff pages.
    reg.nav(Link("staff.home", _l("Staf"), order=70, audience="staff", scope="office",
                 active=("staff.",), current_when=on_staff_page))
    reg.nav(Link("staff_site.home", _l("Staf"), order=70, audience="admin", scope="site",
                 active=("staff_site.",), current_when=on_staff_page,
                 when=lambda: not app.config["SITE_OFFICE"]))
    reg.account_panel(AccountPanel("staff", _l("Halaman staf"), "staff/_account_panel.html",
                                   views.account_panel, order=5))
