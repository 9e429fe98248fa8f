"""The public service standard of each office, and the directory of offices."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

#: The directory of offices at / (not on a one-office site).
directory = Blueprint("directory", __name__)
#: An office's service standard at /<office_slug>/.
bp = Blueprint("standard", __name__)


def init_app(app: Flask) -> None:
    from app import pagecache, site
    from app.contrib import Link, registry
    from app.standard import views  # noqa: F401 (routes)

    if not app.config["SITE_OFFICE"]:
        app.register_blueprint(directory)
    site.register_office_blueprint(app, bp)
    pagecache.share(app, "directory.index", "standard.office")

    reg = registry(app)
    reg.nav(Link("standard.office", _l("Standar pelayanan"), order=10, scope="office",
                 active=("standard.",)))
    reg.nav(Link("directory.index", _l("Daftar kantor"), order=80, scope="any",
                 active=("directory.",), when=lambda: not app.config["SITE_OFFICE"]))
