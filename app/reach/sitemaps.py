"""Search engines: /robots.txt and /sitemap.xml.

The sitemap lists the office pages, the catalogue search pages and every publication
page with its ``lastmod`` (the publication's last change).  Past ``REACH_SITEMAP_LIMIT``
URLs (the protocol allows 50,000 per file) /sitemap.xml becomes a sitemap index of
/sitemap-1.xml, /sitemap-2.xml, …  robots.txt keeps crawlers out of accounts, staff
pages and softcopies, and points to the sitemap.  Addresses are on PUBLIC_URL.
"""

from __future__ import annotations

import math

from flask import abort, current_app
from sqlalchemy import func, select

from app.catalogue.models import Publication
from app.extensions import db
from app.mail import external_url
from app.reach import site_bp
from app.reach.atom import rfc3339
from app.reach.xmlout import Node, document, xml_text
from app.site import offices

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@site_bp.get("/robots.txt")
def robots():
    """What crawlers may not open, and where the sitemap is."""
    if current_app.config["SITE_OFFICE"]:
        private = ["/akun/", "/staf/", "/katalog/*/berkas/", "/katalog/ekspor.", "/katalog/saran"]
    else:
        private = ["/akun/", "/staf/", "/*/staf/", "/*/katalog/*/berkas/", "/*/katalog/ekspor.",
                   "/*/katalog/saran", "/katalog/ekspor.", "/katalog/saran"]
    lines = [f"# {current_app.config['SITE_NAME']}", "User-agent: *"]
    lines += [f"Disallow: {path}" for path in private]
    lines += ["", f"Sitemap: {external_url('reach_site.sitemap')}", ""]
    response = current_app.response_class("\n".join(lines), mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def scope_offices() -> list[str]:
    office = current_app.config["SITE_OFFICE"]
    return [office] if office else sorted(offices())


def page_urls() -> list[str]:
    """The site's public pages besides publications: directory, office pages, searches."""
    urls = [] if current_app.config["SITE_OFFICE"] else [external_url("directory.index")]
    for slug in scope_offices():
        urls += [external_url("standard.office", office_slug=slug), external_url("catalogue.search", office_slug=slug)]
    if not current_app.config["SITE_OFFICE"]:
        urls.append(external_url("catalogue_all.search_all"))
    return urls


def publications_query():
    return select(Publication.id, Publication.office, Publication.updated_at).where(
        Publication.office.in_(scope_offices()))


def url_count(pages: list[str]) -> int:
    count = db.session.scalar(select(func.count()).select_from(publications_query().subquery()))
    return len(pages) + (count or 0)


@site_bp.get("/sitemap.xml")
def sitemap():
    """Every public URL, or the index of the sitemap files when there are too many."""
    pages = page_urls()
    limit = current_app.config["REACH_SITEMAP_LIMIT"]
    total = url_count(pages)
    if total <= limit:
        return xml_response(urlset(pages, 0, total))
    root = Node("sitemapindex", attrs=[("xmlns", SITEMAP_NS)])
    for number in range(1, math.ceil(total / limit) + 1):
        root.add(Node("sitemap").add(Node("loc", external_url("reach_site.sitemap_part", number=number))))
    return xml_response(document(root))


@site_bp.get("/sitemap-<int:number>.xml")
def sitemap_part(number: int):
    """One file of a sitemap index."""
    pages = page_urls()
    limit = current_app.config["REACH_SITEMAP_LIMIT"]
    total = url_count(pages)
    if total <= limit or number > math.ceil(total / limit):
        abort(404)
    start = (number - 1) * limit
    return xml_response(urlset(pages, start, min(total, start + limit)))


def urlset(pages: list[str], start: int, stop: int) -> bytes:
    """The URLs from ``start`` to ``stop`` of the whole list: pages first, then publications
    by id.  Written line by line: a sitemap holds up to 50,000 of them."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    lines += [f"  <url><loc>{xml_text(url)}</loc></url>" for url in pages[start:stop]]
    offset = max(0, start - len(pages))
    count = stop - max(start, len(pages))
    if count > 0:
        query = publications_query().order_by(Publication.id).offset(offset).limit(count)
        detail_url = detail_urls()
        lines += [f"  <url><loc>{xml_text(detail_url(office, pid))}</loc><lastmod>{rfc3339(updated)}</lastmod></url>"
                  for pid, office, updated in db.session.execute(query)]
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def detail_urls():
    """A fast builder of publication page addresses: url_for once per office, not per URL
    (50,000 calls of it take seconds)."""
    prefixes: dict[str, str | None] = {}

    def build(office: str, publication_id: int) -> str:
        if office not in prefixes:
            sample = external_url("catalogue.detail", office_slug=office, publication_id=1)
            prefixes[office] = sample[:-1] if sample.endswith("/1") else None
        prefix = prefixes[office]
        if prefix is None:
            return external_url("catalogue.detail", office_slug=office, publication_id=publication_id)
        return f"{prefix}{publication_id}"
    return build


def xml_response(body: bytes):
    response = current_app.response_class(body, mimetype="application/xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
