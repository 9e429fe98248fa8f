"""What this feature adds to other features' pages, through the registry's slots.

* ``head`` (base.html, every page): the OpenSearch descriptions, Atom feeds for
  autodiscovery, and the canonical link of a public page (on PUBLIC_URL; a search
  without its page number).
* ``office_page``: schema.org ``GovernmentOffice`` as JSON-LD.
* ``publication_detail``: schema.org ``Book``/``Report`` as JSON-LD (the catalogue's page
  already carries Highwire ``citation_*`` tags and COinS for Zotero and Mendeley).
* ``search_results``: "Ekspor hasil: RIS · BibTeX" and the feed of the search.

JSON-LD is data, not script: the site's CSP (``script-src 'self'``) does not apply to a
``<script type="application/ld+json">`` block, which browsers never run.
"""

from __future__ import annotations

from flask import Flask, before_render_template, current_app, g, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from app.contrib import Registry, Widget
from app.mail import external_url
from app.reach import metadata
from app.reach.results import FILTER_ARGS
from app.site import offices
from app.web import known_args

#: Public pages that have a canonical address, and the arguments that belong to it.
CANONICAL = {
    "directory.index": (),
    "standard.office": (),
    "catalogue.detail": (),
    "catalogue.search": FILTER_ARGS + ("sort",),
    "catalogue_all.search_all": FILTER_ARGS + ("sort",),
}
SEARCH_ENDPOINTS = ("catalogue.search", "catalogue_all.search_all")


def register(app: Flask, reg: Registry) -> None:
    reg.widget(Widget("head", "reach/_head.html", head_context, order=10))
    reg.widget(Widget("office_page", "reach/_jsonld.html", office_context, order=10))
    reg.widget(Widget("publication_detail", "reach/_jsonld.html", publication_context, order=10))
    reg.widget(Widget("search_results", "reach/_search_results.html", search_results_context, order=10))
    before_render_template.connect(_note_error_page, app)


def _note_error_page(sender, template, context, **extra):
    """An error page has no canonical address (it may answer at a public page's URL)."""
    if template.name and template.name.startswith("errors/"):
        g.reach_error_page = True


def present_args(names) -> dict[str, list[str]]:
    """The named query arguments that have a value, in a stable order."""
    args = known_args(request.args, names)
    return {name: [v for v in args[name] if v.strip()][:10] for name in sorted(args)
            if any(v.strip() for v in args[name])}


def canonical_url() -> str | None:
    endpoint = request.endpoint
    if endpoint not in CANONICAL or g.get("reach_error_page") or request.view_args is None:
        return None
    args = present_args(CANONICAL[endpoint])
    if args.get("field") == ["all"]:  # the search form's default adds nothing
        del args["field"]
    return external_url(endpoint, **request.view_args, **args)


def head_context(**_kwargs) -> dict:
    office = g.get("office")
    site_office = current_app.config["SITE_OFFICE"]
    searches, feeds = [], []
    if office is not None:
        searches.append((_("Katalog %(office)s", office=office.name), url_for("reach.description")))
    if not site_office:
        searches.append((_("Katalog semua kantor BPS"), url_for("reach_all.description_all")))
    filters = present_args(FILTER_ARGS) if request.endpoint in SEARCH_ENDPOINTS else {}
    if office is not None:
        filters.pop("office", None)
    feed_endpoint = "reach.feed" if office is not None else "reach_all.feed_all"
    if filters:
        feeds.append((_("Publikasi baru untuk pencarian ini"), url_for(feed_endpoint, **filters)))
    if office is not None:
        feeds.append((_("Publikasi baru %(office)s", office=office.name), url_for("reach.feed")))
    elif not site_office:
        feeds.append((_("Publikasi baru semua kantor BPS"), url_for("reach_all.feed_all")))
    return {"canonical": canonical_url(), "searches": searches, "feeds": feeds}


def office_context(office, **_kwargs) -> dict:
    data = metadata.office_jsonld(office, external_url("standard.office"))
    return {"jsonld": Markup(metadata.jsonld_script_text(data))}


def publication_context(publication, **_kwargs) -> dict | None:
    office = offices().get(publication.office)
    if office is None:
        return None
    url = external_url("catalogue.detail", office_slug=publication.office, publication_id=publication.id)
    data = metadata.publication_jsonld(publication, office, url,
                                       external_url("standard.office", office_slug=publication.office))
    return {"jsonld": Markup(metadata.jsonld_script_text(data))}


def search_results_context(results=None, **_kwargs) -> dict | None:
    if results is None or not results.total:
        return None
    office = g.get("office")
    args = present_args(FILTER_ARGS + ("sort",))
    filters = {k: v for k, v in args.items() if k != "sort" and not (office is not None and k == "office")}
    if office is not None:
        export, feed = "reach.export", "reach.feed"
    else:
        export, feed = "reach_all.export_all", "reach_all.feed_all"
    return {"ris_url": url_for(export, kind="ris", **args), "bib_url": url_for(export, kind="bib", **args),
            "feed_url": url_for(feed, **filters), "limit": current_app.config["REACH_EXPORT_LIMIT"],
            "total": results.total}
