"""Handing a stamped softcopy to its reader: made once per access, served safely.

A reader's browser may ask for the same link several times (a reload, the PDF viewer
re-fetching); stamping a long PDF each time would keep a worker busy, so the stamped
copy of an access is written once to ``instance/stamped/<token>.pdf`` (0600: it carries
the reader's name and address) and served from there until the link expires, after
which it is deleted (by the next stamp, and by ``flask data purge``).
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from pathlib import Path

from flask import Response, current_app, send_file

from app.pdf import watermark

#: What a browser may do with a served PDF.  ``sandbox`` gives the document an opaque
#: origin (no cookies, no access to the site) even in viewers that run a PDF's scripts;
#: ``allow-scripts`` lets built-in viewers that are themselves scripts (Firefox's
#: pdf.js, Safari) render it at all.  Stored PDFs are sanitised too (app/pdf.py).
PDF_CSP_INLINE = "sandbox allow-scripts; default-src 'none'; object-src 'self'; frame-ancestors 'self'"
PDF_CSP_ATTACHMENT = "sandbox; default-src 'none'"


def cache_dir() -> Path:
    folder = Path(current_app.instance_path) / "stamped"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def prune(folder: Path, max_age_seconds: float, now: float | None = None) -> int:
    """Delete stamped copies older than their links' lifetime; returns how many went."""
    now = now if now is not None else time.time()
    removed = 0
    for path in folder.glob("*.pdf"):
        try:
            if now - path.stat().st_mtime > max_age_seconds:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another worker pruned it first
            continue
    return removed


def stamped_copy(source: Path, key: str, lines: list[str], max_age_seconds: float) -> Path:
    """The stamped PDF for one access (``key`` is its download id), made on first use."""
    folder = cache_dir()
    target = folder / f"{key}.pdf"
    if target.is_file():
        return target
    prune(folder, max_age_seconds)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".stamp-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as handle:
            watermark(source, handle, lines)
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def pdf_response(path: Path, download_name: str, as_attachment: bool) -> Response:
    """A stamped PDF as a response: never cached, sandboxed, inline or as a file."""
    # Read whole (not streamed from the file): the copy may be pruned by another worker.
    response = send_file(io.BytesIO(path.read_bytes()), mimetype="application/pdf", as_attachment=as_attachment,
                         download_name=download_name, max_age=0, conditional=False, etag=False)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = PDF_CSP_ATTACHMENT if as_attachment else PDF_CSP_INLINE
    return response
