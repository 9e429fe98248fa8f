"""The catalogue: publications, search, detail, reading and watermarked download."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from app.web import no_store_blueprint

#: An office's catalogue, under /<office_slug>/katalog.
bp = Blueprint("catalogue", __name__)
#: The catalogues of every office at once, at /katalog (not on a one-office site).
everywhere = Blueprint("catalogue_all", __name__)
#: Staff pages of an office's catalogue, under /<office_slug>/staf/.
staff_bp = Blueprint("catalogue_staff", __name__)
#: The user's own reads and downloads, under /akun/.
account_bp = Blueprint("catalogue_account", __name__, url_prefix="/akun")
no_store_blueprint(account_bp)


def init_app(app: Flask) -> None:
    from app import pagecache, site
    from app.catalogue.models import SoftcopyAccess
    from app.catalogue import account, cli, indexing, staff, views  # noqa: F401 (routes)
    from app.contrib import Link, registry

    indexing.init_app(app)
    site.register_office_blueprint(app, bp)
    site.register_office_blueprint(app, staff_bp)
    if not app.config["SITE_OFFICE"]:
        app.register_blueprint(everywhere)
    app.register_blueprint(account_bp)
    app.cli.add_command(cli.catalogue)
    # They show no time: kept until a write (or the hour), not only for the minute.
    pagecache.share(app, "catalogue.search", "catalogue_all.search_all", "catalogue.detail",
                    period=pagecache.HOUR)
    # The log of reads and downloads: staff pages and the reader's account show it.
    pagecache.private_tables(app, SoftcopyAccess.__tablename__)

    reg = registry(app)
    reg.nav(Link("catalogue.search", _l("Katalog"), order=20, scope="office", active=("catalogue.",)))
    reg.nav(Link("catalogue_all.search_all", _l("Katalog"), order=20, scope="site",
                 when=lambda: not app.config["SITE_OFFICE"]))
    reg.staff_link(Link("catalogue_staff.index", _l("Katalog"), order=20, audience="staff",
                        active=("catalogue_staff.index", "catalogue_staff.edit", "catalogue_staff.new",
                                "catalogue_staff.delete"),
                        description=_l("Tambah, ubah, dan hapus publikasi serta softcopy-nya.")))
    reg.staff_link(Link("catalogue_staff.accesses", _l("Akses softcopy"), order=30, audience="staff",
                        active=("catalogue_staff.accesses",),
                        description=_l("Setiap softcopy yang dibaca atau diunduh, dengan ID unduhannya.")))
    account.register(reg)
