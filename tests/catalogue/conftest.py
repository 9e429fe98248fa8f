"""Catalogue fixtures: sample PDFs, an imported catalogue per test, and one per module to read."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.catalogue.models import Publication
from app.extensions import db
from tests import factories, pdf_samples


def _write_pdfs(folder):
    folder.mkdir(exist_ok=True)
    for name in ("majene-2024.pdf", "sakernas-2023.pdf", "sawahlunto-2024.pdf"):
        (folder / name).write_bytes(pdf_samples.report_pdf(pages=4))
    return folder


@pytest.fixture
def pdf_dir(tmp_path):
    """The softcopies of factories.ROWS, and one PDF of each kind the importer refuses."""
    folder = _write_pdfs(tmp_path / "pdf")
    (folder / "bukan.pdf").write_bytes(pdf_samples.not_pdf())
    (folder / "terkunci.pdf").write_bytes(pdf_samples.encrypted_pdf())
    (folder / "terpotong.pdf").write_bytes(pdf_samples.truncated_pdf())
    (folder / "kosong.pdf").write_bytes(pdf_samples.zero_page_pdf())
    return folder


def _ids(app) -> dict[str, int]:
    with app.app_context():
        return {p.title: p.id for p in db.session.scalars(select(Publication))}


@pytest.fixture
def catalogue(app, tmp_path, pdf_dir):
    """factories.ROWS imported into this test's app; title -> id."""
    factories.import_rows(app, tmp_path, factories.ROWS, pdf_dir)
    return _ids(app)


@pytest.fixture(scope="module")
def shelf(make_module_app, tmp_path_factory):
    """factories.ROWS imported once for a whole module, for tests that only read it."""
    app = make_module_app()
    folder = tmp_path_factory.mktemp("shelf")
    factories.import_rows(app, folder, factories.ROWS, _write_pdfs(folder / "pdf"))
    return app, _ids(app)
