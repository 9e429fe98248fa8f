"""Staff homes: the office's staff menu, and the administrators' overview of offices."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, url_for
from flask_login import current_user

from app.access import staff_required
from app.contrib import staff_entries
from app.extensions import login_manager
from app.site import offices
from app.staff import bp, site_bp
from app.web import no_store_blueprint

no_store_blueprint(bp)
no_store_blueprint(site_bp)


@bp.get("/staf/")
@staff_required
def home():
    """Everything staff of this office can open, with open counts."""
    return render_template("staff/home.html", entries=staff_entries(g.office))


@site_bp.get("/", endpoint="home")
def home_site():
    """Administrators: every office's staff home and the site-wide pages."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role == "staff" and current_user.office in offices():
        return redirect(url_for("staff.home", office_slug=current_user.office))
    if not current_user.is_admin:
        abort(403)
    return render_template("staff/site.html", entries=staff_entries(None),
                           offices=sorted(offices().values(), key=lambda o: o.name))


def account_panel(user) -> dict | None:
    """On "Akun saya": where a staff member or administrator works."""
    if user.is_admin:
        return {"offices": sorted(offices().values(), key=lambda o: o.name), "site": True}
    office = offices().get(user.office or "")
    if user.role == "staff" and office is not None:
        return {"offices": [office], "site": False}
    return None
