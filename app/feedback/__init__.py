"""Feedback: everything a user says back to an office, and the office's answer.

The satisfaction survey (SKM) and its published index (IKM), ratings, bookmarks and
problem reports on publications, softcopy requests, consultations and complaints.  The
last four share one model (:class:`~app.feedback.models.Case`), one thread, one staff
inbox per office and one notification path.  Everything it adds to other features'
pages goes through the registry: navigation, the staff menu with open counts, panels
on "Akun saya", personal-data sections, widgets in slots, and the catalogue's sort by
rating.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from app.web import no_store_blueprint

#: An office's public feedback pages, under /<office_slug>/ (survey, IKM, complaints, requests).
bp = Blueprint("feedback", __name__)
#: The office's staff pages: the inbox, a case, the survey's answers and exports.
staff_bp = Blueprint("feedback_staff", __name__)
#: The user's own requests, bookmarks and ratings, under /akun/.
account_bp = Blueprint("feedback_account", __name__, url_prefix="/akun")
#: A consultation asked from the search of every office: choose the office, then ask.
site_bp = Blueprint("feedback_site", __name__)

no_store_blueprint(staff_bp)
no_store_blueprint(account_bp)


def init_app(app: Flask) -> None:
    from app import pagecache, site
    from app.feedback import account, cli, staff, views, widgets  # noqa: F401 (routes)
    from app.feedback.models import Bookmark, Case, CaseMessage

    site.register_office_blueprint(app, bp)
    site.register_office_blueprint(app, staff_bp)
    app.add_template_filter(views.local_time_in, "local_time_in")
    app.register_blueprint(account_bp)
    app.cli.add_command(cli.feedback)
    pagecache.share(app, "feedback.ikm_page")
    # Bookmarks and cases are a user's or the staff's; ratings and survey answers are
    # on shared pages (publication, results, IKM), so they are not named here.
    pagecache.private_tables(app, Bookmark.__tablename__, Case.__tablename__, CaseMessage.__tablename__)
    if not app.config["SITE_OFFICE"]:
        app.register_blueprint(site_bp)
    widgets.register(app)
