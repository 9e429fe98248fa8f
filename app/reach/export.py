"""A results page's publications as one RIS or BibTeX file for a reference manager.

``/<slug>/katalog/ekspor.ris?<the search's arguments>`` (and ``.bib``, and the same under
/katalog for every office) holds every publication the search finds, in its order, up
to ``REACH_EXPORT_LIMIT``; each entry is the catalogue's own citation (app/catalogue/citation.py).
"""

from __future__ import annotations

from flask import current_app, g, request

from app.catalogue import citation
from app.mail import external_url
from app.reach import bp, everywhere, metadata
from app.reach.results import export_limit, matching_ids, publications_in_order, search_query
from app.site import offices
from app.web import slugify

MIMETYPES = {"ris": "application/x-research-info-systems", "bib": "application/x-bibtex"}


@bp.get("/katalog/ekspor.<any(ris, bib):kind>")
def export(kind: str):
    """This office's search results as RIS or BibTeX."""
    return export_response(g.office.slug, kind)


@everywhere.get("/katalog/ekspor.<any(ris, bib):kind>")
def export_all(kind: str):
    """The search results of every office as RIS or BibTeX."""
    return export_response(None, kind)


def export_response(office_slug: str | None, kind: str):
    query = search_query(request.args, office_slug)
    ids, _total = matching_ids(query, export_limit())
    known = offices()
    parts = []
    for publication in publications_in_order(ids):
        office = known.get(publication.office)
        if office is None:
            continue
        url = external_url("catalogue.detail", office_slug=publication.office, publication_id=publication.id)
        data = metadata.citation_for(publication, office, url)
        parts.append(citation.ris(data) if kind == "ris" else citation.bibtex(data, publication.id))
    body = "".join(parts) if kind == "ris" else "\n".join(parts)
    name = "-".join(filter(None, ("katalog", office_slug or "bps", slugify(query.text, 40))))
    return current_app.response_class(
        body, mimetype=f"{MIMETYPES[kind]}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"',
                 "Cache-Control": "private, max-age=60"})
