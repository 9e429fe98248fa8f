"""Reach fixtures: an app on a public address, a small catalogue with softcopies, and the
official OAI-PMH schemas (tests/reach/schemas/) to validate every response against."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from app.catalogue.models import Publication
from app.extensions import db
from tests import factories, pdf_samples

PUBLIC_URL = "https://pst.example.go.id"
SCHEMAS = Path(__file__).resolve().parent / "schemas"

_WRAPPER = b"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="http://www.openarchives.org/OAI/2.0/" schemaLocation="OAI-PMH.xsd"/>
  <xs:import namespace="http://www.openarchives.org/OAI/2.0/oai_dc/" schemaLocation="oai_dc.xsd"/>
</xs:schema>"""


class _VendoredSchemas(etree.Resolver):
    """Every schemaLocation (http://…/oai_dc.xsd, …/xml.xsd) answered from tests/reach/schemas/."""

    def resolve(self, url, pubid, context):
        path = SCHEMAS / url.rsplit("/", 1)[-1]
        if path.is_file():
            return self.resolve_filename(str(path), context)
        raise AssertionError(f"schema {url} is not vendored in {SCHEMAS}")


@pytest.fixture(scope="session")
def oai_schema() -> etree.XMLSchema:
    """OAI-PMH.xsd with oai_dc.xsd (metadata is checked strictly), never from the network."""
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_VendoredSchemas())
    wrapper = etree.fromstring(_WRAPPER, parser, base_url=str(SCHEMAS / "wrapper.xsd"))
    return etree.XMLSchema(wrapper)


@pytest.fixture
def valid_oai(oai_schema):
    """Validate an OAI-PMH response (bytes) against the schemas; returns its root element."""
    def check(body: bytes):
        root = etree.fromstring(body, etree.XMLParser(no_network=True, resolve_entities=False))
        if not oai_schema.validate(root):
            raise AssertionError(f"not valid OAI-PMH: {oai_schema.error_log}\n{body.decode()[:3000]}")
        return root
    return check


@pytest.fixture
def oai(client, valid_oai):
    """GET /oai with these arguments; the response must be valid; returns (root, response)."""
    def ask(**args):
        response = client.get("/oai", query_string=args)
        assert response.status_code == 200
        assert response.mimetype == "text/xml"
        return valid_oai(response.data), response
    return ask


@pytest.fixture
def app(make_app):
    """The site on its public address (PUBLIC_URL), small OAI pages to exercise tokens."""
    return make_app(PUBLIC_URL=PUBLIC_URL, REACH_OAI_PAGE_SIZE=2)


def _write_pdfs(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    for name in ("majene-2024.pdf", "sakernas-2023.pdf", "sawahlunto-2024.pdf"):
        (folder / name).write_bytes(pdf_samples.report_pdf(pages=2))
    return folder


@pytest.fixture
def catalogue(app, tmp_path, clock):
    """factories.ROWS imported at a known time; title -> id."""
    clock.set(2026, 3, 2, 9, 0, zone="UTC")
    factories.import_rows(app, tmp_path, factories.ROWS, _write_pdfs(tmp_path / "pdf"))
    with app.app_context():
        return {p.title: p.id for p in db.session.scalars(select(Publication))}
