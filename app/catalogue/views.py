"""Catalogue pages: search, detail, citations, reading and watermarked download."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import timedelta

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select

from app import clock
from app.catalogue import bp, citation, delivery, everywhere, limits
from app.catalogue.indexing import example_queries, pdf_store, run_search, text_passages
from app.catalogue.models import FORMAT_LABELS, LANGUAGE_LABELS, Publication, SoftcopyAccess
from app.contrib import registry
from app.extensions import db
from app.mail import external_url
from app.search import SearchQuery
from app.site import offices
from app.timeutil import format_local
from app.web import known_args, page_arg, parse_int, slugify, with_query

FIELDS = {"all": _l("Semua"), "title": _l("Judul"), "subject": _l("Subjek"),
          "number": _l("No. Katalog / ISSN / ISBN")}
SORTS = {"relevance": _l("Relevansi"), "newest": _l("Terbaru"), "title": _l("Judul (A–Z)")}
#: A read/download link works for its owner this long after the button was pressed.
ACCESS_LINK_LIFETIME = timedelta(hours=1)
PER_PAGE = 20
#: The query arguments a search page understands; links are built from these only.
SEARCH_ARGS = ("q", "field", "office", "year", "subject", "format", "sort", "page")


def _years(values: list[str]) -> tuple[int, ...]:
    years = (parse_int(v, minimum=1000, maximum=9999) for v in values[:20])
    return tuple(y for y in years if y is not None)


def _clean(values: list[str], limit: int = 10) -> tuple[str, ...]:
    return tuple(" ".join(v.split())[:80] for v in values[:limit] if v.strip())


def query_from_args(args, office_slug: str | None) -> SearchQuery:
    """A SearchQuery from the page's query string; odd values fall back to defaults.

    Without words there is nothing to be relevant to: browsing lists the newest first.
    """
    text = args.get("q", "")[:2000]
    default_sort = "relevance" if text.strip() else "newest"
    return SearchQuery(
        text=text,
        field=args.get("field") if args.get("field") in FIELDS else "all",
        office=office_slug if office_slug else (args.get("office") if args.get("office") in offices() else None),
        years=_years(args.getlist("year")),
        subjects=_clean(args.getlist("subject")),
        formats=tuple(f for f in args.getlist("format") if f in ("softcopy", "hardcopy")),
        sort=args.get("sort") if args.get("sort") in all_sorts() and (text.strip() or args.get("sort") != "relevance") else default_sort,
        page=page_arg(args),
        per_page=PER_PAGE,
    )


def _search_links() -> tuple[str, dict[str, list[str]]]:
    """The page's address and its known query arguments, read once per page, which
    builds dozens of links to the same search with one argument changed."""
    state = g.get("_search_links")
    if state is None:
        state = g._search_links = (url_for(request.endpoint), known_args(request.args, SEARCH_ARGS))
    return state


@bp.app_template_global()
def search_url(**changes) -> str:
    """The current search with some parameters changed (back to page 1 unless given)."""
    base, current = _search_links()
    args = dict(current)  # its lists are replaced below, never changed
    args.pop("page", None)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value if isinstance(value, list) else [value]
    return with_query(base, args)


@bp.app_template_global()
def toggle_url(key: str, value) -> str:
    """The current search with one facet value switched on or off."""
    value = str(value)
    values = _search_links()[1].get(key, [])
    values = [v for v in values if v != value] if value in values else values + [value]
    return search_url(**{key: values or None})


def translated_labels(labels: dict) -> dict[str, str]:
    """Lazy labels translated once for a page that shows them on every row."""
    return {key: str(label) for key, label in labels.items()}


def all_sorts() -> dict[str, str]:
    """The engine's sorts and those other features contribute (e.g. by rating)."""
    return {**SORTS, **{sort.key: sort.label for sort in registry().search_sorts}}


def engine_query(query: SearchQuery) -> SearchQuery:
    """The query the engine runs: a contributed sort becomes a ranked list of ids."""
    contributed = {sort.key: sort for sort in registry().search_sorts}.get(query.sort)
    if contributed is None:
        return query
    return replace(query, sort="ranked", ranked=tuple(contributed.order(query.office)))


#: What a result row shows of a publication, and what text_passages reads: one query of
#: these columns, built once, costs a third of loading twenty Publication objects.
HIT_ROWS = (select(Publication.id, Publication.office, Publication.year, Publication.format,
                   Publication.catalogue_number, Publication.pdf_sha256)
            .where(Publication.id.in_(bindparam("ids", expanding=True))))


@dataclass(frozen=True, slots=True)
class HitRow:
    """A publication as a result row shows it (the widgets of slot "search_hit" get it)."""

    id: int
    office: str
    year: int | None
    format: str
    catalogue_number: str | None
    pdf_sha256: str | None
    #: The publication's page.
    url: str


def hit_rows(results) -> list[tuple]:
    """(hit, :class:`HitRow`) of each hit still in the database (the index may lag a deletion)."""
    if not results.hits:
        return []
    rows, prefixes = {}, {}
    for row in db.session.execute(HIT_ROWS, {"ids": [hit.id for hit in results.hits]}):
        prefix = prefixes.get(row.office)
        if prefix is None:  # a page's address is its office's catalogue address and its id
            prefix = prefixes[row.office] = url_for("catalogue.detail", office_slug=row.office,
                                                    publication_id=0).removesuffix("0")
        rows[row.id] = HitRow(*row, url=f"{prefix}{row.id}")
    return [(hit, rows[hit.id]) for hit in results.hits if hit.id in rows]


def render_search(office_slug: str | None):
    query = query_from_args(request.args, office_slug)
    results, available = run_search(engine_query(query))
    hits = hit_rows(results)
    # search engine: the matching passage of hits found only in their PDF text,
    # and example queries drawn from the catalogue as loaded
    passages = text_passages(hits) if available else {}
    examples = example_queries(query.office) if available else []
    format_labels = translated_labels(FORMAT_LABELS)
    return render_template("catalogue/search.html", results=results, hits=hits, query=query,
                           available=available, passages=passages, examples=examples,
                           facets=facet_groups(results, format_labels) if hits else [],
                           fields=FIELDS, sorts=all_sorts(), format_labels=format_labels,
                           all_offices=offices())


#: The facets of a results page, in order, with their titles.
FACET_TITLES = {"office": _l("Kantor"), "year": _l("Tahun"), "subject": _l("Subjek"), "format": _l("Format")}


def facet_groups(results, format_labels: dict[str, str]) -> list[tuple[str, str, list[tuple]]]:
    """(name, title, [(label, count, url, active), …]) of each facet with values: the first
    12 values of each, each a link that switches it on or off (an office replaces another)."""
    all_offices = offices()
    groups = []
    for name, title in FACET_TITLES.items():
        values = results.facets.get(name)
        if not values:
            continue
        chosen = _search_links()[1].get(name, ())
        items = []
        for value, count in values[:12]:
            active = str(value) in chosen
            if name == "office":
                url = search_url(office=None if active else value)
                label = all_offices[value].name if value in all_offices else value
            else:
                url = toggle_url(name, value)
                label = format_labels.get(value, value) if name == "format" else value
            items.append((label, count, url, active))
        groups.append((name, str(title), items))
    return groups


@bp.get("/katalog")
def search():
    """Search this office's catalogue."""
    return render_search(g.office.slug)


@everywhere.get("/katalog")
def search_all():
    """Search the catalogues of every office."""
    return render_search(None)


def get_publication(publication_id: int) -> Publication:
    publication = db.session.get(Publication, publication_id)
    if publication is None or publication.office != g.office.slug:
        abort(404)
    return publication


def citation_data(publication: Publication) -> citation.CitationData:
    office = g.office
    author = office.name.replace("BPS ", "Badan Pusat Statistik ", 1)
    return citation.CitationData(
        author=author, title=publication.title, year=publication.year, publisher=author,
        place=office.city,
        catalogue_number=publication.catalogue_number,
        publication_number=publication.publication_number, issn=publication.issn,
        isbn=publication.isbn, language=publication.language, abstract=publication.abstract,
        subjects=tuple(publication.subjects or ()), release_date=publication.release_date,
        pages=publication.pages,
        url=external_url("catalogue.detail", publication_id=publication.id),
    )


@bp.get("/katalog/<int:publication_id>")
def detail(publication_id: int):
    """All metadata, availability, citation and the read/download buttons."""
    publication = get_publication(publication_id)
    data = citation_data(publication)
    return render_template("catalogue/detail.html", publication=publication, apa=citation.apa_parts(data),
                           citation_meta=citation.highwire_tags(data), coins=citation.coins(data),
                           format_labels=FORMAT_LABELS, language_labels=LANGUAGE_LABELS)


@bp.get("/katalog/<int:publication_id>/sitasi.<any(bib, ris):kind>")
def cite(publication_id: int, kind: str):
    """The citation as a BibTeX or RIS file."""
    publication = get_publication(publication_id)
    data = citation_data(publication)
    if kind == "bib":
        body, mimetype = citation.bibtex(data, publication.id), "application/x-bibtex"
    else:
        body, mimetype = citation.ris(data), "application/x-research-info-systems"
    return current_app.response_class(
        body, mimetype=f"{mimetype}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="publikasi-{publication.id}.{kind}"'})


@bp.post("/katalog/<int:publication_id>/<any(baca, unduh):action>")
@login_required
@limits.softcopy_per_user
def request_softcopy(publication_id: int, action: str):
    """Log a read or download, then send the user to their stamped copy."""
    publication = get_publication(publication_id)
    if not publication.has_softcopy:
        flash(_("Publikasi ini tidak tersedia dalam bentuk softcopy."), "error")
        return redirect(url_for(".detail", publication_id=publication.id))
    if not current_user.is_verified:
        flash(_("Verifikasi alamat email Anda terlebih dahulu untuk membaca atau mengunduh softcopy."), "error")
        return redirect(url_for(".detail", publication_id=publication.id))
    if pdf_store().max_pages and (publication.pdf_pages or 0) > pdf_store().max_pages:
        # Stored before the page limit existed: stamping it would hold a worker too long.
        current_app.logger.warning("Softcopy of publication %s has %s pages: not served",
                                   publication.id, publication.pdf_pages)
        flash(_("Softcopy ini terlalu besar untuk dibaca online. Ajukan permintaan softcopy kepada petugas PST."),
              "error")
        return redirect(url_for(".detail", publication_id=publication.id))
    access = SoftcopyAccess(token=new_token(), kind="read" if action == "baca" else "download",
                            user_id=current_user.id, publication_id=publication.id,
                            office=publication.office)
    db.session.add(access)
    db.session.commit()
    return redirect(url_for(".softcopy", publication_id=publication.id, token=access.token), code=303)


def new_token() -> str:
    """A short download id, easy to read aloud from a printed page."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def download_name(publication: Publication, token: str) -> str:
    return f"{slugify(publication.title, 80, 'publikasi')}-{token}.pdf"


@bp.get("/katalog/<int:publication_id>/berkas/<token>")
@login_required
@limits.softcopy_file_per_user
def softcopy(publication_id: int, token: str):
    """The stamped PDF of a logged access, for its owner only."""
    publication = get_publication(publication_id)
    access = db.session.scalars(select(SoftcopyAccess).where(SoftcopyAccess.token == token[:16])).first()
    if (access is None or access.user_id != current_user.id or access.publication_id != publication.id
            or clock.utcnow_naive() - access.created_at > ACCESS_LINK_LIFETIME or not publication.has_softcopy):
        abort(404)
    try:
        source = pdf_store().path(publication.pdf_sha256)
    except (ValueError, FileNotFoundError):
        current_app.logger.error("Softcopy of publication %s is missing from the store", publication.id)
        abort(404)
    verb = "Dibaca" if access.kind == "read" else "Diunduh"
    lines = [
        f"{verb} oleh {current_user.name} <{current_user.email}> · "
        f"{format_local(access.created_at, g.office.timezone)} · {g.office.name} · ID {access.token}",
        "PST Perpustakaan BPS · untuk penggunaan pribadi, dilarang menyebarluaskan tanpa menyebut sumber",
    ]
    stamped = delivery.stamped_copy(source, access.token, lines, ACCESS_LINK_LIFETIME.total_seconds())
    return delivery.pdf_response(stamped, download_name(publication, access.token),
                                 as_attachment=access.kind == "download")


# ------------------------------------------------------------- old English paths


@bp.route("/catalogue", defaults={"rest": ""}, methods=["GET", "HEAD", "POST"])
@bp.route("/catalogue/<path:rest>", methods=["GET", "HEAD", "POST"])
def old_path(rest: str):
    """The catalogue moved from /catalogue to /katalog: old links keep working (308)."""
    return _moved(url_for(".search"), rest)


@everywhere.route("/catalogue", methods=["GET", "HEAD"])
def old_path_all():
    return _moved(url_for(".search_all"), "")


def _moved(base: str, rest: str):
    target = base + ("/" + rest if rest else "")
    query = request.query_string.decode("latin-1")
    return redirect(target + ("?" + query if query else ""), code=308)
