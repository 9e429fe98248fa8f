"""User accounts: one account across all offices; staff belong to one office.

Accounts know no other feature: what other features show on "Akun saya" or keep about
a person arrives through the registry (app/contrib.py).
"""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from app.web import no_store_blueprint

bp = Blueprint("accounts", __name__, url_prefix="/akun")
#: Administrators' pages: the list of accounts, roles, verification, disabling.
staff_bp = Blueprint("users_admin", __name__, url_prefix="/staf/pengguna")

# Account pages hold personal data and one-time links: keep them out of caches.
no_store_blueprint(bp)
no_store_blueprint(staff_bp)


def init_app(app: Flask) -> None:
    from app import pagecache
    from app.accounts import cli, personal_data, staff, views  # noqa: F401 (routes)
    from app.accounts.models import LoginSession, User
    from app.contrib import Link, Widget, registry

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    app.cli.add_command(cli.users)
    # Logins: no page kept for anonymous visitors shows them.  Accounts are on shared
    # pages (a reviewer's first name), their time of last login is not.
    pagecache.private_tables(app, LoginSession.__tablename__)
    pagecache.private_columns(app, User.__tablename__, "last_login_at")

    reg = registry(app)
    reg.widget(Widget("nav_end", "accounts/_nav.html", lambda: {}, order=90))
    reg.staff_link(Link("users_admin.index", _l("Kelola pengguna"), order=90, audience="admin", scope="any",
                        active=("users_admin.",),
                        description=_l("Cari akun, verifikasi email, nonaktifkan akun, dan atur peran staf.")))
    personal_data.register(reg)
    app.add_template_global(views.login_next)
