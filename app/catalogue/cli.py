"""``flask catalogue …``: import, demo data, the search index and its change log."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app.catalogue import changes, indexing
from app.catalogue.importing import COLUMNS, RowError, import_csv
from app.catalogue.models import Publication
from app.extensions import db
from app.pdf import PdfError


@click.group()
def catalogue():
    """Publications: import, demo data, search index."""


def _progress(label: str):
    """A progress printer for long runs: one line per 5% done."""
    shown = {"step": -1}

    def show(done: int, total: int) -> None:
        step = done * 20 // max(total, 1)
        if step != shown["step"] or done == total:
            shown["step"] = step
            click.echo(f"  {label}: {done}/{total}", err=True)
    return show


def run_import(csv_path: Path, pdf_dir: Path | None) -> int:
    """Import a CSV and print the report; return the exit status."""
    try:
        report = import_csv(db.session, csv_path, offices=current_app.extensions["offices"],
                            store=indexing.pdf_store(), pdf_dir=pdf_dir, progress=_progress("rows"))
    except RowError as exc:
        click.echo(f"error: {exc}", err=True)
        return 1
    for line, message in report.errors:
        click.echo(f"line {line}: row skipped: {message}", err=True)
    for line, message in report.file_errors:
        click.echo(f"line {line}: {message}", err=True)
    for line, message in report.notes:
        click.echo(f"line {line}: {message}", err=True)
    click.echo(f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
               f"{len(report.errors)} row(s) failed, {len(report.file_errors)} file(s) skipped.")
    return 1 if report.failed else 0


@catalogue.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--pdf-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder the pdf column's paths are relative to.")
@with_appcontext
def import_command(csv_file: Path, pdf_dir: Path | None):
    """Import publications from a UTF-8 CSV file.

    Header: office,title,year,catalogue_number,publication_number,issn,isbn,
    release_date,subjects,language,abstract,pages,format,shelf_location,pdf
    """
    sys.exit(run_import(csv_file, pdf_dir))


@catalogue.command("demo")
@click.option("--count", type=click.IntRange(1, 1000), default=None,
              help="Number of publications (default: a realistic set for the five offices).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the catalogue already has publications.")
@with_appcontext
def demo_command(count: int | None, if_empty: bool):
    """Load a realistic demo catalogue with real PDFs."""
    from app.demo import write_demo_files

    existing = db.session.scalar(select(func.count(Publication.id)))
    if if_empty and existing:
        click.echo(f"Catalogue already has {existing} publication(s); demo data not loaded.")
        return
    with tempfile.TemporaryDirectory(prefix="pst-demo-") as folder:
        click.echo("Generating demo publications and PDFs…")
        csv_path = write_demo_files(Path(folder), count=count)
        status = run_import(csv_path, csv_path.parent / "pdf")
    sys.exit(status)


@catalogue.command("sanitize-softcopies")
@with_appcontext
def sanitize_command():
    """Strip active content (scripts, attachments, launch links) from softcopies stored before."""
    store = indexing.pdf_store()
    hashes = db.session.scalars(select(Publication.pdf_sha256).where(Publication.pdf_sha256.is_not(None))
                                .distinct()).all()
    changed = failed = large = 0
    for sha in hashes:
        try:
            info = store.sanitize_stored(sha)
        except (FileNotFoundError, ValueError, PdfError) as exc:
            click.echo(f"{sha[:12]}…: skipped ({exc.__class__.__name__}: {exc})", err=True)
            failed += 1
            continue
        if info.page_count > store.max_pages:
            large += 1
            click.echo(f"{sha[:12]}…: {info.page_count} pages, above the limit of {store.max_pages}: "
                       "it is not served online until replaced", err=True)
        if info.sha256 == sha:
            continue
        for publication in db.session.scalars(select(Publication).where(Publication.pdf_sha256 == sha)):
            publication.pdf_sha256, publication.pdf_size = info.sha256, info.size
            publication.pdf_pages = info.page_count
        db.session.commit()
        store.delete(sha)
        changed += 1
        click.echo(f"{sha[:12]}… → {info.sha256[:12]}…: removed {'; '.join(info.removed)}")
    click.echo(f"{len(hashes)} softcopies checked: {changed} cleaned, {failed} skipped, {large} too large.")
    sys.exit(1 if failed else 0)


@catalogue.command("reindex")
@click.option("--changed", is_flag=True, help="Only bring changed publications up to date.")
@with_appcontext
def reindex_command(changed: bool):
    """Rebuild the search index from the database."""
    started = time.monotonic()
    if changed:
        click.echo(indexing.sync())
        return
    total = db.session.scalar(select(func.count(Publication.id)))
    show = _progress("indexed")
    count = indexing.rebuild(progress=lambda done: show(done, total))
    click.echo(f"Indexed {count} publication(s) in {time.monotonic() - started:.1f} s.")


@catalogue.command("prune-changes")
@click.option("--keep-days", type=click.IntRange(1), default=None,
              help="Keep this many days of the log (default: CATALOGUE_CHANGE_KEEP_DAYS, 30).")
@with_appcontext
def prune_changes_command(keep_days: int | None):
    """Delete old rows of the catalogue change log that the hosts' search indexes follow."""
    keep_days = keep_days or current_app.config["CATALOGUE_CHANGE_KEEP_DAYS"]
    removed = changes.prune(db.session, keep_days)
    db.session.commit()
    click.echo(f"{removed} catalogue change(s) older than {keep_days} day(s) removed.")


__all__ = ["catalogue", "COLUMNS"]
