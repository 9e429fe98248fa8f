"""Office microsites: which office a request is for, and URLs that carry it.

Office pages live under ``/<office_slug>/…``; with ``SITE_OFFICE`` set they live at
``/…`` for that one office.  Views read the office from ``g.office`` and build URLs
with ``url_for`` without naming the office: it is filled in here.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, g, url_for
from flask.globals import _cv_app, _cv_request
from flask_babel import gettext
from werkzeug.routing import IntegerConverter

from app.offices import Office
from app.i18n import format_clock, format_date_long, format_number
from app.text import format_size_id
from app.timeutil import format_local


def offices() -> dict[str, Office]:
    """All offices of this deployment, by slug."""
    return current_app.extensions["offices"]


def home_url() -> str:
    """The front page: the directory, or the office page of a one-office site."""
    return url_for("standard.office") if current_app.config["SITE_OFFICE"] else url_for("directory.index")


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` in every route: 1 to 2**31 − 1, so a 30-digit id is a 404, not a database error."""

    def __init__(self, map, fixed_digits=0, min=1, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    # Before any blueprint is registered: rules take their converters when they are added.
    app.url_map.converters["int"] = BoundedIntegerConverter
    site_office = app.config["SITE_OFFICE"]

    @app.url_value_preprocessor
    def pull_office(endpoint, values):
        if site_office:
            g.office = offices()[site_office]
        elif values and "office_slug" in values:
            g.office = offices().get(values.pop("office_slug")) or abort(404)

    @app.url_defaults
    def add_office(endpoint, values):
        if site_office:
            values.pop("office_slug", None)
            return
        if "office_slug" in values or not app.url_map.is_endpoint_expecting(endpoint, "office_slug"):
            return
        office = g.get("office")
        if office is not None:
            values["office_slug"] = office.slug

    remember_urls(app)

    @app.template_filter("date_id")
    def date_id(value):
        """A date in words in the page's language: 23 November 2026."""
        return format_date_long(value) if value else ""

    @app.template_filter("filesize")
    def filesize(value):
        """A file size in the page's language: 1,2 MB or 1.2 MB."""
        return format_size_id(value, format_number)

    @app.template_filter("open_status")
    def open_status(status):
        """An office's open/closed line (app.hours.OpenStatus) in the page's language."""
        return status.describe(gettext, format_clock) if status else ""

    @app.template_filter("number_id")
    def number_id(value, decimals: int = 0):
        """A number in the page's language: 1.234,5 or 1,234.5."""
        return format_number(value, decimals)

    @app.template_filter("local_time")
    def local_time(value):
        """A stored UTC time in the current office's zone (WIB when there is no office)."""
        office = g.get("office")
        return format_local(value, office.timezone if office else "Asia/Jakarta") if value else ""

    @app.context_processor
    def inject_office():
        return {"office": g.get("office"), "site_office": site_office, "home_url": home_url}


#: URLs remembered per app (cleared when full: search links carry visitors' words).
URL_MEMO_SIZE = 4096


def _frozen_values(values: dict) -> tuple:
    """The values of a url_for call as part of a key; TypeError for anything unusual.

    Strings and integers stand for themselves; other values carry their type, since
    True == 1 == 1.0 but each makes another URL.  Lists become tuples.
    """
    items = []
    for name, value in values.items():
        kind = type(value)
        if kind is str or kind is int:
            items.append((name, value))
        elif kind is list or kind is tuple:
            items.append((name, kind, tuple(v if type(v) is str else (type(v), _plain(v)) for v in value)))
        else:
            items.append((name, kind, _plain(value)))
    return tuple(items)


def _plain(value):
    if value is None or type(value) in (str, int, float, bool):
        return value
    raise TypeError(type(value).__name__)


def remember_urls(app: Flask) -> None:
    """``url_for`` remembering the relative URLs it built, per office and script root.

    A page builds dozens (facet, sort and page links, a link per result); werkzeug builds
    each anew.  A relative URL depends only on the endpoint, the values, the defaults
    filled in here (the office) and in app/assets.py (hashed static names) and the
    script root, which make the key.  External URLs, a scheme, a method or values other
    than plain strings, numbers and lists of them are built every time.
    """
    build = app.url_for
    memo: dict = {}

    def url_for(endpoint, *, _anchor=None, _method=None, _scheme=None, _external=None, **values):
        request_ctx = _cv_request.get(None)
        if request_ctx is None or _external or _scheme is not None or _method is not None:
            return build(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external,
                         **values)
        try:
            office = _cv_app.get().g.__dict__.get("office")
            key = (endpoint, request_ctx.request.blueprint if endpoint[:1] == "." else None,
                   request_ctx.request.environ.get("SCRIPT_NAME", ""), office.slug if office is not None else None,
                   _anchor, _frozen_values(values))
        except TypeError:
            return build(endpoint, _anchor=_anchor, **values)
        url = memo.get(key)
        if url is None:
            url = build(endpoint, _anchor=_anchor, **values)
            if len(memo) >= URL_MEMO_SIZE:
                memo.clear()
            memo[key] = url
        return url

    app.url_for = url_for
    app.jinja_env.globals["url_for"] = url_for


def reserved_words(app: Flask) -> set[str]:
    """First path segments the site's own pages use (/akun, /staf, /katalog, /static …).

    Read from the URL map, so a new feature's pages are reserved the moment it plugs in.
    """
    words = set()
    for rule in app.url_map.iter_rules():
        first = rule.rule.lstrip("/").split("/", 1)[0]
        if first and "<" not in first:
            words.add(first)
    return words


def register_office_blueprint(app: Flask, blueprint: Blueprint) -> None:
    """Mount a per-office blueprint under /<office_slug> (or at / for one office)."""
    prefix = "" if app.config["SITE_OFFICE"] else "/<office_slug>"
    app.register_blueprint(blueprint, url_prefix=prefix)
