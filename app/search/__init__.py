"""The catalogue search engine: a Whoosh index of publications (no Flask here).

Everything Whoosh-specific lives in this package, so the engine can be swapped
if a deployment outgrows it.  The callers build :class:`PublicationDoc` objects
from database rows, hand them to :class:`SearchIndex` and ask it
:class:`SearchQuery` objects; they get :class:`SearchResults` back.  Import
these from ``app.search``; the modules below are the package's own business.

One module per job:

* :mod:`~app.search.schema`: the index schema, :class:`PublicationDoc` and how
  it becomes index fields; the text and number normalisation shared by
  indexing and querying.
* :mod:`~app.search.store`: the index on disk (versioned directories behind a
  symlink), its locks, writes and rebuilds, and its position in a change log
  that the caller keeps; :class:`IndexBusy`.
* :mod:`~app.search.building`: a whole index built fast (analysis in worker
  processes, postings written in bulk), for rebuilds.
* :mod:`~app.search.planning`: the query language, :class:`SearchQuery` and
  how it is normalised and planned; :mod:`~app.search.synonyms`: the topic
  synonyms a plan adds.
* :mod:`~app.search.bitsets`: documents as bitsets, the per-process caches
  and the per-thread reader.
* :mod:`~app.search.ranking`: matching, relevance (two tiers, then BM25-like
  evidence) and facet counts.
* :mod:`~app.search.terms`: words to index terms as the index's analyzer
  gives them, fast (for the builder and the highlighter).
* :mod:`~app.search.snippets`: highlighted titles and snippets, passages of
  the PDF text (:func:`best_passage`), :class:`Hit`, and "did you mean".
* :mod:`~app.search.index`: :class:`SearchIndex`, which puts them together, and
  :class:`SearchResults`.

Names with a leading underscore are shared between these modules but are not
part of the package's API.  The analyzers stay in :mod:`app.analysis`: they are
pickled into the index by module path.
"""

from __future__ import annotations

# Besides the names in __all__, every public name the engine had before it was
# split into modules (its limits, boosts and cache budget, clear_caches, the
# number helpers) stays importable from here.  _doc_fields too, for tests that
# write an index by hand.
from app.search.bitsets import TERM_CACHE_BYTES, clear_caches
from app.search.index import SearchIndex, SearchResults
from app.search.planning import FIELD_WEIGHTS, FIELDS, MAX_PER_PAGE, MAX_QUERY_PARTS, SORTS, SearchQuery
from app.search.ranking import FEW_DOCS_FACTOR, PHRASE_VERIFY_LIMIT, TIER_SCORE
from app.search.schema import (
    CONTENT_BOOST,
    FORMATS,
    MAX_QUERY_CHARS,
    NUMBERS_BOOST,
    SCHEMA_VERSION,
    SUBJECTS_BOOST,
    TITLE_BOOST,
    TITLE_EXACT_BOOST,
    PublicationDoc,
    _doc_fields,
    build_schema,
    normalise_number,
    normalise_text,
    number_tokens,
    title_sort_key,
)
from app.search.snippets import SNIPPET_CHARS, SUGGEST_BELOW, Hit, best_passage, highlight_text
from app.search.store import IndexBusy
from app.search.synonyms import BROADER_TOPICS, TOPIC_SYNONYMS

__all__ = [
    "BROADER_TOPICS",
    "SCHEMA_VERSION",
    "FIELDS",
    "FORMATS",
    "SORTS",
    "Hit",
    "IndexBusy",
    "PublicationDoc",
    "SearchIndex",
    "SearchQuery",
    "SearchResults",
    "TOPIC_SYNONYMS",
    "best_passage",
    "build_schema",
    "highlight_text",
    "normalise_number",
    "normalise_text",
]
