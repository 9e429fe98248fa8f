"""Softcopies on disk, addressed by content hash (no Flask).

Files live at ``<root>/<sha[:2]>/<sha>.pdf`` with the extracted text beside them
(``<sha>.txt``) so the search index can be rebuilt without re-reading every PDF.
Nothing here ever opens a path built from user input: callers pass a hash that
came from the database, and it is checked to be 64 hex digits.

What is stored is what readers get (stamped): an upload is validated
(:func:`app.pdf.inspect`, with a page limit) and stripped of active content
(:func:`app.pdf.sanitize`) first, and the hash is that of the stored bytes.
Text is extracted in a separate process with a time and a memory limit
(:func:`app.pdf.extract_text_isolated`).  The store is readable by its owner
only: directories 0700, files 0600, whatever the umask.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import tempfile
from pathlib import Path

from app import pdf

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600


class PdfStore:
    """A content-addressed folder of validated, sanitised PDFs."""

    def __init__(
        self,
        root: Path | str,
        *,
        max_pages: int | None = pdf.DEFAULT_MAX_PAGES,
        text_timeout: float = 15.0,
        text_memory_mb: int = 768,
        max_text_chars: int = 200_000,
    ):
        """*max_pages*: larger uploads are refused (``PdfError`` ``"too_many_pages"``);
        *text_timeout* (seconds) and *text_memory_mb* bound text extraction, past
        which the PDF is stored with empty text (``PdfInfo.text_problem`` says why)."""
        self.root = Path(root)
        self.max_pages = max_pages
        self.text_timeout = text_timeout
        self.text_memory_mb = text_memory_mb
        self.max_text_chars = max_text_chars

    def _base(self, sha256: str) -> Path:
        if not SHA256_RE.match(sha256 or ""):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256

    def path(self, sha256: str) -> Path:
        """The stored PDF for a hash; FileNotFoundError if it is not there."""
        path = self._base(sha256).with_suffix(".pdf")
        if not path.is_file():
            raise FileNotFoundError(f"softcopy {sha256[:12]}… is missing from the store")
        return path

    def exists(self, sha256: str) -> bool:
        try:
            self.path(sha256)
        except (ValueError, FileNotFoundError):
            return False
        return True

    def text(self, sha256: str | None) -> str:
        """The extracted text of a stored PDF, or '' if there is none."""
        if not sha256:
            return ""
        try:
            return self._base(sha256).with_suffix(".txt").read_text(encoding="utf-8")
        except (ValueError, OSError):
            return ""

    def put(self, source: Path | bytes) -> pdf.PdfInfo:
        """Validate, sanitise and store a PDF; PdfError if unusable. Idempotent per content.

        The returned info describes the *stored* file (its hash, size and page
        count), lists in ``removed`` the active content that was stripped, and
        sets ``text_problem`` when the text could not be extracted in full (the
        PDF is stored all the same, without text; a later ``put`` of the same
        file tries again).
        """
        data = Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)
        info = pdf.inspect(data, max_pages=self.max_pages)
        removed = tuple(pdf.active_content(data))
        if removed:
            data = pdf.sanitize(data)
            info = dataclasses.replace(pdf.inspect(data, max_pages=None), removed=removed)
        return self._store(data, info)

    def sanitize_stored(self, sha256: str) -> pdf.PdfInfo:
        """Make sure the stored softcopy *sha256* carries no active content.

        For files stored before uploads were sanitised; meant for a one-off
        command over every distinct ``pdf_sha256`` (or, lazily, the read path).

        Contract:

        * Clean file: nothing is written; the info of the stored file is
          returned, with the same ``sha256`` and an empty ``removed``.
        * Active content found: a sanitised copy is stored under its own hash
          (0600, like every file here) with the text of the old entry (copied,
          or extracted when missing), and its info is returned: a different
          ``sha256``, ``size`` and ``removed`` naming what was stripped.  The
          old file is left as it was, because other rows may still point to it:
          the caller updates ``pdf_sha256``/``pdf_size``/``pdf_pages`` of every
          row with the old hash, then removes the old entry with
          :meth:`delete` once no row refers to it.
        * Idempotent: running it again on either hash does no further harm
          (the new hash is clean; the old one maps to the same new one).
        * Page limits are not applied (the file was already accepted).
        * ``ValueError`` for a malformed hash, ``FileNotFoundError`` when the
          file is missing, ``PdfError`` when it is no longer a usable PDF
          (e.g. ``"too_complex"``).
        """
        path = self.path(sha256)
        data = path.read_bytes()
        removed = tuple(pdf.active_content(data))
        if not removed:
            return pdf.inspect(data, max_pages=None)
        clean = pdf.sanitize(data)
        info = dataclasses.replace(pdf.inspect(clean, max_pages=None), removed=removed)
        old_text = self._base(sha256).with_suffix(".txt")
        text = old_text.read_bytes() if old_text.is_file() else None
        return self._store(clean, info, text=text)

    def delete(self, sha256: str) -> None:
        """Remove a stored PDF and its text (nothing happens if they are not there)."""
        base = self._base(sha256)
        for suffix in (".pdf", ".txt"):
            base.with_suffix(suffix).unlink(missing_ok=True)

    def _store(self, data: bytes, info: pdf.PdfInfo, text: bytes | None = None) -> pdf.PdfInfo:
        """Write *data* (whose info is *info*) and its text unless already there."""
        base = self._base(info.sha256)
        self.root.parent.mkdir(parents=True, exist_ok=True)
        _private_dir(self.root)
        _private_dir(base.parent)
        target = base.with_suffix(".pdf")
        if not target.is_file():
            _atomic_write(target, data)
        text_file = base.with_suffix(".txt")
        if text_file.is_file():
            return info
        if text is None:
            extracted = pdf.extract_text_isolated(
                data, max_chars=self.max_text_chars, timeout=self.text_timeout,
                memory_mb=self.text_memory_mb,
            )
            if not extracted.complete:
                # No text file: the search index gets no text, and a later put()
                # of the same file (or a reindex with other limits) tries again.
                return dataclasses.replace(info, text_problem=extracted.problem)
            text = extracted.text.encode("utf-8", "replace")
        _atomic_write(text_file, text)
        return info


def _private_dir(path: Path) -> None:
    """Create *path* if needed and make it 0700 (an existing, looser one is tightened)."""
    path.mkdir(mode=DIRECTORY_MODE, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) != DIRECTORY_MODE:
        os.chmod(path, DIRECTORY_MODE)


def _atomic_write(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        # mkstemp already asks for 0600; say it again so no umask or platform
        # default can widen it.
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
