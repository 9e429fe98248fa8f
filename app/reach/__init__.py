"""Reach: an office's publications found where people already look.

* OAI-PMH 2.0 at /oai for library aggregators (Indonesia OneSearch, BASE): oai.py, with
  the protocol in oaipmh.py and deleted records tracked by tracking.py (models.py).
* Search engines: /robots.txt and /sitemap.xml (sitemaps.py); canonical links and
  schema.org JSON-LD on the pages (pages.py, metadata.py).
* Reference managers: the publication page's Highwire tags and COinS come from the
  catalogue; a results page exports what it found as one RIS or BibTeX file (export.py).
* Browsers: OpenSearch descriptions and title suggestions (opensearch.py).
* Feed readers: Atom feeds of new publications per office, subject and search
  (feeds.py, atom.py).

Plain engines without Flask: oaipmh.py (the protocol), atom.py, metadata.py (Dublin Core,
schema.org, citations), xmlout.py (the XML writer).  results.py walks a catalogue search
beyond its page; cli.py is ``flask reach sync``.  Everything it adds to other features'
pages goes through slots of the registry; the catalogue does not know this package.
"""

from __future__ import annotations

import os

from flask import Blueprint, Flask

#: Per office, under /<office_slug>/ (or / on a one-office site): OpenSearch, feed, export.
bp = Blueprint("reach", __name__)
#: The whole site, whatever the mode: /oai, /robots.txt, /sitemap.xml.
site_bp = Blueprint("reach_site", __name__)
#: The catalogue of every office at once (not on a one-office site), beside /katalog.
everywhere = Blueprint("reach_all", __name__)


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def defaults() -> dict:
    """Settings of this feature, from the environment (instance/config.py may override)."""
    return {
        #: Items per page of ListRecords/ListIdentifiers before a resumptionToken.
        "REACH_OAI_PAGE_SIZE": _env_int("REACH_OAI_PAGE_SIZE", 100),
        #: Seconds a resumptionToken stays valid.
        "REACH_OAI_TOKEN_MAX_AGE": _env_int("REACH_OAI_TOKEN_MAX_AGE", 24 * 3600),
        #: Offer sets (per office, per subject); off answers noSetHierarchy.
        "REACH_OAI_SETS": True,
        #: Identify's adminEmail (comma-separated); default: every office's email.
        "REACH_OAI_ADMIN_EMAIL": os.environ.get("REACH_OAI_ADMIN_EMAIL") or None,
        #: Identify's repositoryName; default: SITE_NAME and the organisation.
        "REACH_OAI_REPOSITORY_NAME": os.environ.get("REACH_OAI_REPOSITORY_NAME") or None,
        #: The host part of item identifiers (oai:<this>:publication/<id>); default: PUBLIC_URL's host.
        "REACH_OAI_REPOSITORY_ID": os.environ.get("REACH_OAI_REPOSITORY_ID") or None,
        #: Compare the OAI records with the catalogue when a process starts.
        "REACH_SYNC_ON_START": True,
        #: URLs per sitemap file; more make /sitemap.xml an index (the protocol's limit is 50,000).
        "REACH_SITEMAP_LIMIT": 50_000,
        #: Entries of an Atom feed.
        "REACH_FEED_SIZE": 50,
        #: Publications one RIS/BibTeX export of a result list holds at most.
        "REACH_EXPORT_LIMIT": 1000,
        #: Titles the suggestion endpoint returns at most.
        "REACH_SUGGESTIONS": 10,
    }


def init_app(app: Flask) -> None:
    from app import site
    from app.contrib import registry
    from app.reach import cli, export, feeds, oai, opensearch, pages, sitemaps, tracking  # noqa: F401 (routes)

    for key, value in defaults().items():
        app.config.setdefault(key, value)
    tracking.init_app(app)
    site.register_office_blueprint(app, bp)
    app.register_blueprint(site_bp)
    if not app.config["SITE_OFFICE"]:
        app.register_blueprint(everywhere)
    app.cli.add_command(cli.reach)
    pages.register(app, registry(app))
    if app.config["REACH_SYNC_ON_START"]:
        registry(app).at_start(tracking.sync_at_start)
