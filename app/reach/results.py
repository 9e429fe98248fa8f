"""The publications a catalogue search finds, beyond the one page a results page shows.

Feeds and exports take the same query string as the search page (app/catalogue/views.py
reads it) and walk the engine's pages up to a cap, so "all results" of a query is what
the search page would list, in its order.
"""

from __future__ import annotations

from dataclasses import replace

from flask import current_app
from sqlalchemy import select

from app.catalogue.indexing import run_search
from app.catalogue.models import Publication
from app.catalogue.views import SEARCH_ARGS, engine_query, query_from_args
from app.extensions import db
from app.search import SearchQuery

#: The engine's largest page (app/search: MAX_PER_PAGE).
ENGINE_PAGE = 100
#: What a search adds to a feed or an export besides the scope (not page or sort).
FILTER_ARGS = tuple(name for name in SEARCH_ARGS if name not in ("page", "sort"))


def search_query(args, office_slug: str | None) -> SearchQuery:
    """The search page's query for these arguments (its own defaults and bounds)."""
    return query_from_args(args, office_slug)


def filtered(query: SearchQuery) -> bool:
    """Whether a query narrows the catalogue (words or facets), beyond the office."""
    return bool(query.text.strip() or query.years or query.subjects or query.formats)


def matching_ids(query: SearchQuery, cap: int, sort: str | None = None) -> tuple[list[int], int]:
    """Ids of the publications ``query`` finds, in its order (or ``sort``), at most ``cap``;
    and how many it finds in all."""
    query = replace(query, sort=sort or query.sort, per_page=ENGINE_PAGE, page=1)
    ids: list[int] = []
    total = 0
    page = 1
    while len(ids) < cap:
        results, available = run_search(engine_query(replace(query, page=page)))
        if not available:
            break
        total = results.total
        ids.extend(hit.id for hit in results.hits)
        if results.page >= results.pages or not results.hits:
            break
        page += 1
    return ids[:cap], total


def publications_in_order(ids: list[int]) -> list[Publication]:
    """The rows of ``ids``, in that order (ids the database no longer has are skipped)."""
    rows: dict[int, Publication] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows.update((p.id, p) for p in db.session.scalars(select(Publication).where(Publication.id.in_(chunk))))
    return [rows[i] for i in ids if i in rows]


def export_limit() -> int:
    return current_app.config["REACH_EXPORT_LIMIT"]
