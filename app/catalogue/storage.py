"""Softcopies on disk, addressed by content hash (no Flask).

Files live at ``<root>/<sha[:2]>/<sha>.pdf`` with the extracted text beside them
(``<sha>.txt``) so the search index can be rebuilt without re-reading every PDF.
Nothing here ever opens a path built from user input: callers pass a hash that
came from the database, and it is checked to be 64 hex digits.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from app import pdf

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class PdfStore:
    """A content-addressed folder of validated PDFs."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

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
        """Validate and store a PDF (PdfError if unusable); idempotent per content."""
        data = Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)
        info = pdf.inspect(data)
        base = self._base(info.sha256)
        base.parent.mkdir(parents=True, exist_ok=True)
        target = base.with_suffix(".pdf")
        if not target.is_file():
            _atomic_write(target, data)
        text_file = base.with_suffix(".txt")
        if not text_file.is_file():
            _atomic_write(text_file, pdf.extract_text(data).encode("utf-8"))
        return info


def _atomic_write(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
