"""OpenSearch 1.1: a browser offers an office's catalogue (or the whole site's) as a
search engine, with title suggestions as the visitor types.

Every page links its descriptions (``<link rel="search">``, pages.py).  Suggestions
follow the OpenSearch suggestions extension: ``[query, [titles], [descriptions], [urls]]``
as ``application/x-suggestions+json``, titles whose words start with what was typed.
"""

from __future__ import annotations

import json

from flask import current_app, g, request
from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select

from app.catalogue.models import Publication
from app.extensions import db
from app.mail import external_url
from app.reach import bp, everywhere
from app.reach.xmlout import Node, document
from app.site import offices
from app.web import text_arg

OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
#: The shortest text worth suggesting for, and the longest one read.
MIN_PREFIX, MAX_PREFIX = 2, 100


@bp.get("/opensearch.xml")
def description():
    """The OpenSearch description of this office's catalogue."""
    return description_response(g.office.slug)


@everywhere.get("/opensearch.xml")
def description_all():
    """The OpenSearch description of every office's catalogue."""
    return description_response(None)


@bp.get("/katalog/saran")
def suggestions():
    """Titles of this office's publications starting with what was typed (JSON)."""
    return suggestions_response(g.office.slug)


@everywhere.get("/katalog/saran")
def suggestions_all():
    """Titles of every office's publications starting with what was typed (JSON)."""
    return suggestions_response(None)


def short_name(office_slug: str | None) -> str:
    """The engine's name in a browser's list: at most 16 characters, as the spec asks."""
    if office_slug is None:
        return current_app.config["SITE_NAME"][:16]
    name = offices()[office_slug].name
    for word in ("BPS ", "Provinsi ", "Kabupaten ", "Kota "):
        name = name.replace(word, "")
    return f"BPS {name}" if len(name) <= 12 else name[:16].rstrip()


def description_response(office_slug: str | None):
    if office_slug:
        office = offices()[office_slug]
        search, suggest, feed, this = ("catalogue.search", "reach.suggestions", "reach.feed", "reach.description")
        long_name = _("Katalog %(office)s", office=office.name)
        description_text = _("Cari publikasi statistik di Katalog Perpustakaan %(office)s.", office=office.name)
        contact = office.email
    else:
        search, suggest, feed, this = ("catalogue_all.search_all", "reach_all.suggestions_all", "reach_all.feed_all",
                                       "reach_all.description_all")
        long_name = _("Katalog semua kantor BPS")
        description_text = _("Cari publikasi statistik di Katalog Perpustakaan semua kantor BPS.")
        contact = None
    root = Node("OpenSearchDescription", attrs=[("xmlns", OPENSEARCH_NS)])
    root.add(Node("ShortName", short_name(office_slug)),
             Node("Description", description_text[:1024]),
             Node("Tags", "BPS statistik publikasi perpustakaan"),
             Node("Contact", contact) if contact else None,
             Node("Url", attrs=[("type", "text/html"), ("method", "get"),
                                ("template", external_url(search) + "?q={searchTerms}")]),
             Node("Url", attrs=[("type", "application/x-suggestions+json"), ("method", "get"),
                                ("template", external_url(suggest) + "?q={searchTerms}")]),
             Node("Url", attrs=[("type", "application/atom+xml"), ("method", "get"),
                                ("template", external_url(feed) + "?q={searchTerms}")]),
             Node("Url", attrs=[("type", "application/opensearchdescription+xml"), ("rel", "self"),
                                ("template", external_url(this))]),
             Node("LongName", long_name[:48]),
             Node("Image", external_url("static", filename="favicon.svg"),
                  attrs=[("height", "64"), ("width", "64"), ("type", "image/svg+xml")]),
             Node("Language", "id"),
             Node("InputEncoding", "UTF-8"),
             Node("OutputEncoding", "UTF-8"))
    response = current_app.response_class(document(root), mimetype="application/opensearchdescription+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def suggest(prefix: str, office_slug: str | None, limit: int) -> list[Publication]:
    """Publications whose title, or a word of it, starts with ``prefix`` (case ignored);
    titles starting with it first, then the newest."""
    escaped = _like_prefix(prefix.lower())
    title = func.lower(Publication.title)
    starts = title.like(f"{escaped}%", escape="\\")
    query = (select(Publication)
             .where(or_(starts, title.like(f"% {escaped}%", escape="\\")))
             .order_by(case((starts, 0), else_=1), Publication.year.desc().nulls_last(), Publication.title, Publication.id)
             .limit(limit * 3))
    if office_slug:
        query = query.where(Publication.office == office_slug)
    else:
        query = query.where(Publication.office.in_(list(offices())))
    seen: set[str] = set()
    found = []
    for publication in db.session.scalars(query):
        if publication.title not in seen:
            seen.add(publication.title)
            found.append(publication)
    return found[:limit]


def suggestions_response(office_slug: str | None):
    typed = text_arg(request.args, "q", MAX_PREFIX)
    found = suggest(typed, office_slug, current_app.config["REACH_SUGGESTIONS"]) if len(typed) >= MIN_PREFIX else []
    names = {slug: office.name for slug, office in offices().items()}
    body = [typed, [p.title for p in found],
            [" · ".join(filter(None, (names.get(p.office, p.office), str(p.year or "")))) for p in found],
            [external_url("catalogue.detail", office_slug=p.office, publication_id=p.id) for p in found]]
    text = json.dumps(body, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    response = current_app.response_class(text, mimetype="application/x-suggestions+json")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
