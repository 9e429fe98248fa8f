"""Atom feeds of new publications: per office, per subject, for a search, for the site.

``/<slug>/katalog/feed`` takes the search page's arguments (``q``, ``subject``, ``year``,
``format``, ``field``), so a reader can follow an office, a subject or a search; the
old path ``/<slug>/catalogue/feed`` reaches it through the catalogue's redirect.  The
newest additions to the catalogue come first.  An entry's id is the publication's OAI
identifier, the same in every feed and for ever; its ``updated`` is the publication's
last change, to the second.
"""

from __future__ import annotations

from datetime import timezone

from flask import current_app, g, request
from flask_babel import gettext as _
from sqlalchemy import select

from app import clock
from app.catalogue.models import Publication
from app.extensions import db
from app.mail import external_url
from app.reach import bp, everywhere, metadata
from app.reach.atom import Entry, Feed, render_feed
from app.reach.oai import identifier
from app.reach.oaipmh import truncate
from app.reach.results import FILTER_ARGS, filtered, matching_ids, publications_in_order, search_query
from app.site import offices
from app.web import known_args

#: Publications a search feed picks its newest additions from.
SEARCH_FEED_POOL = 1000


@bp.get("/katalog/feed")
def feed():
    """New publications of this office (narrowed by a search or subject when asked)."""
    return feed_response(g.office.slug)


@everywhere.get("/katalog/feed")
def feed_all():
    """New publications of every office."""
    return feed_response(None)


def feed_args(office_slug: str | None) -> dict[str, list[str]]:
    """The arguments that shape a feed, in a stable order (its id must not depend on order)."""
    names = [n for n in FILTER_ARGS if not (office_slug and n == "office")]
    args = known_args(request.args, names)
    return {name: [v for v in args[name] if v.strip()][:10] for name in sorted(args)
            if any(v.strip() for v in args[name])}


def newest(office_slug: str | None, limit: int) -> list[Publication]:
    """The latest additions to the catalogue (of one office), newest first."""
    query = select(Publication).order_by(Publication.created_at.desc(), Publication.id.desc()).limit(limit)
    if office_slug:
        query = query.where(Publication.office == office_slug)
    else:
        query = query.where(Publication.office.in_(list(offices())))
    return list(db.session.scalars(query))


def feed_response(office_slug: str | None):
    size = current_app.config["REACH_FEED_SIZE"]
    query = search_query(request.args, office_slug)
    if filtered(query) or query.office != office_slug:
        ids, _total = matching_ids(query, SEARCH_FEED_POOL, sort="newest")
        found = publications_in_order(ids)
        found.sort(key=lambda p: (p.created_at, p.id), reverse=True)
        publications = found[:size]
    else:
        publications = newest(office_slug, size)

    args = feed_args(office_slug)
    endpoint = "reach.feed" if office_slug else "reach_all.feed_all"
    search_endpoint = "catalogue.search" if office_slug else "catalogue_all.search_all"
    self_url = external_url(endpoint, **args)
    if office_slug:
        title = _("Publikasi baru · Katalog %(office)s", office=offices()[office_slug].name)
        subtitle = _("Publikasi terbaru di katalog perpustakaan %(office)s.", office=offices()[office_slug].name)
    else:
        title = _("Publikasi baru · Katalog semua kantor BPS")
        subtitle = _("Publikasi terbaru di katalog perpustakaan semua kantor BPS.")
    if query.subjects:
        title += " · " + _("Subjek %(subjects)s", subjects=", ".join(query.subjects))
    if query.text.strip():
        title += f" · “{query.text.strip()}”"
    entries = tuple(entry_for(p) for p in publications)
    updated = max((e.updated for e in entries), default=None) or truncate(clock.utcnow_naive())
    document = render_feed(Feed(
        id=self_url, title=title, self_url=self_url,
        alternate_url=external_url(search_endpoint, **args, sort="newest"), updated=updated,
        author=offices()[office_slug].name if office_slug else "Badan Pusat Statistik",
        subtitle=subtitle,
        generator=current_app.config["SITE_NAME"], entries=entries))
    response = current_app.response_class(document, mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.last_modified = updated.replace(tzinfo=timezone.utc)
    response.add_etag()
    return response.make_conditional(request)


def entry_for(publication: Publication) -> Entry:
    office = offices()[publication.office]
    url = external_url("catalogue.detail", office_slug=publication.office, publication_id=publication.id)
    summary = " ".join((publication.abstract or "").split())
    return Entry(
        id=identifier(publication.id), title=publication.title, link=url,
        updated=truncate(publication.updated_at), published=truncate(publication.created_at),
        author=metadata.corporate_name(office), summary=summary[:2000],
        categories=tuple(publication.subjects or ()))

