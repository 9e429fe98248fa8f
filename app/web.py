"""Small helpers every feature's views share: argument parsing, links, caching, forms.

One copy of each, so a fix (a bound, an escape) reaches every page at once.
"""

from __future__ import annotations

from functools import lru_cache, wraps
from typing import Iterable, Mapping
from urllib.parse import quote_plus, urlsplit

from flask import Blueprint, Flask, make_response, request, session
from flask_login import current_user
from flask_wtf import FlaskForm

from app.text import parse_int, slugify

__all__ = ["ConfirmForm", "known_args", "like_pattern", "no_store", "no_store_blueprint", "page_arg",
           "parse_int", "safe_next", "slugify", "text_arg"]

#: The highest page number a list accepts.
MAX_PAGE = 10_000

def page_arg(args: Mapping, name: str = "page", maximum: int = MAX_PAGE) -> int:
    """The page number of a list from the query string: 1 unless a valid page is given."""
    return parse_int(args.get(name), 1, minimum=1, maximum=maximum)


def text_arg(args: Mapping, name: str, limit: int = 200) -> str:
    """A free-text argument with whitespace collapsed and length capped."""
    value = args.get(name, "")
    if not value:
        return ""
    # Control characters (a NUL is refused by PostgreSQL) are dropped, not passed on.
    printable = "".join(ch for ch in str(value) if ch.isprintable() or ch.isspace())
    return " ".join(printable.split())[:limit]


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere; use with ``escape="\\\\"``."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def safe_next(target: str | None) -> str | None:
    """Only a local path (no scheme, no host, no '//' or backslash tricks) may be followed."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _set_no_store(response):
    response.headers["Cache-Control"] = "private, no-store"
    return response


def no_store(view):
    """Keep a view's response out of every cache (personal data, one-time links)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        return _set_no_store(make_response(view(*args, **kwargs)))
    return wrapped


def no_store_blueprint(blueprint: Blueprint) -> None:
    """Mark every response of a blueprint ``Cache-Control: private, no-store``."""
    blueprint.after_request(_set_no_store)


class ConfirmForm(FlaskForm):
    """Nothing but the CSRF token: a button that confirms a state change (a POST)."""


def known_args(args: Mapping, names: Iterable[str]) -> dict[str, list[str]]:
    """Only the named query arguments, so a link is never built from what a visitor invented."""
    wanted = set(names)
    return {key: args.getlist(key) for key in args.keys() if key in wanted}


#: What werkzeug leaves unescaped in a query string: url_for builds the same string.
QUERY_SAFE = "!$'()*,/:;?@"


def with_query(base: str, args: Mapping[str, list]) -> str:
    """``base`` with query arguments (name -> values) added, encoded as url_for encodes them.

    A page with dozens of links to itself (facets, sorts, pages) builds its own address
    once and each link's query with this, instead of a url_for per link.
    """
    query = "&".join([_query_pair(key, str(value)) for key, values in args.items() for value in values
                      if value is not None])
    return f"{base}?{query}" if query else base


@lru_cache(maxsize=4096)
def _query_pair(key: str, value: str) -> str:
    """``key=value`` as urlencode writes it; a page repeats the same few dozen pairs."""
    return f"{quote_plus(key, safe=QUERY_SAFE)}={quote_plus(value, safe=QUERY_SAFE)}"


def init_app(app: Flask) -> None:
    """Conditional GET for pages every visitor sees alike, and their consent to be kept."""
    from app.pagecache import ENVIRON_CACHE, ENVIRON_SHARE, shared_endpoints

    shared = shared_endpoints(app)

    @app.after_request
    def conditional_get(response):
        """An anonymous visitor's page that set no cookie gets an ETag and may be answered 304.

        Pages with a form (CSRF token), a flashed message or a login write the session,
        so they are left alone; so is any response that chose its own caching.  Such a
        page of a shared endpoint may also be kept by the page cache (app/pagecache.py).
        """
        if (request.method in ("GET", "HEAD") and response.status_code == 200 and response.mimetype == "text/html"
                and "Cache-Control" not in response.headers and not response.direct_passthrough
                and not session.modified and not current_user.is_authenticated):
            response.headers["Cache-Control"] = "no-cache"
            vary = response.headers.get("Vary")
            if not vary:
                response.headers["Vary"] = "Cookie"
            else:
                response.vary.add("Cookie")
            response.add_etag(weak=True)
            if "HTTP_IF_NONE_MATCH" in request.environ:
                response.make_conditional(request)
            environ = request.environ
            if ENVIRON_CACHE in environ and request.endpoint in shared:
                environ[ENVIRON_SHARE] = shared[request.endpoint]  # its period
        return response
