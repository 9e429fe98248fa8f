"""Tests for app.catalogue.storage: the content-addressed softcopy store (no Flask)."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from app.catalogue.storage import PdfStore
from app.pdf import PdfError, active_content, extract_text
from tests import pdf_samples as samples


@pytest.fixture
def store(tmp_path) -> PdfStore:
    return PdfStore(tmp_path / "softcopies")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def stored_files(store: PdfStore) -> list[str]:
    return sorted(p.name for p in store.root.rglob("*") if p.is_file())


def test_clean_pdf_is_stored_as_uploaded_with_its_text(store, tmp_path):
    data = samples.report_pdf(3)
    source = tmp_path / "laporan.pdf"
    source.write_bytes(data)
    info = store.put(source)
    sha = hashlib.sha256(data).hexdigest()
    assert (info.sha256, info.size, info.page_count) == (sha, len(data), 3)
    assert info.removed == () and info.text_problem is None and info.text_complete
    assert store.path(sha).read_bytes() == data
    assert store.path(sha) == store.root / sha[:2] / f"{sha}.pdf"
    assert store.text(sha) == extract_text(data)
    assert store.exists(sha) and not store.exists("0" * 64) and not store.exists("../etc")
    assert store.put(data) == info  # idempotent, bytes or path
    assert stored_files(store) == [f"{sha}.pdf", f"{sha}.txt"]


def test_active_content_is_removed_before_storing(store):
    data = samples.active_content_pdf()
    info = store.put(data)
    stored = store.path(info.sha256).read_bytes()
    assert info.sha256 == hashlib.sha256(stored).hexdigest() != hashlib.sha256(data).hexdigest()
    assert info.size == len(stored) and info.page_count == 2
    assert "JavaScript action run on opening (/OpenAction)" in info.removed
    assert "/Launch action" in info.removed and "embedded file" in info.removed
    for name in (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/AA", b"/XFA"):
        assert name not in stored
    assert active_content(stored) == []
    assert samples.page_marker(1) in store.text(info.sha256)
    again = store.put(data)  # the same upload lands on the same stored file
    assert again.sha256 == info.sha256 and len(stored_files(store)) == 2


def test_page_limit_is_the_stores(tmp_path):
    small = PdfStore(tmp_path / "kecil", max_pages=5)
    with pytest.raises(PdfError) as excinfo:
        small.put(samples.report_pdf(6))
    assert excinfo.value.code == "too_many_pages"
    assert not small.root.exists()  # nothing written for a refused file
    assert small.put(samples.report_pdf(5)).page_count == 5
    default = PdfStore(tmp_path / "biasa")
    assert default.max_pages == 3000
    with pytest.raises(PdfError) as excinfo:
        default.put(samples.many_pages_pdf(3001))
    assert excinfo.value.code == "too_many_pages"


@pytest.mark.parametrize("code", ["not_pdf", "encrypted", "truncated", "no_pages"])
def test_unusable_files_are_refused(store, code):
    build = {"not_pdf": samples.not_pdf, "encrypted": samples.encrypted_pdf,
             "truncated": samples.truncated_pdf, "no_pages": samples.zero_page_pdf}[code]
    with pytest.raises(PdfError) as excinfo:
        store.put(build())
    assert excinfo.value.code == code


def test_slow_text_extraction_stores_the_pdf_without_text(tmp_path):
    store = PdfStore(tmp_path / "softcopies", text_timeout=1.0)
    data = samples.slow_text_pdf()
    info = store.put(data)
    assert info.text_problem == "timeout" and not info.text_complete
    assert store.path(info.sha256).read_bytes() == data
    assert store.text(info.sha256) == ""
    assert stored_files(store) == [f"{info.sha256}.pdf"]  # no text file: a later put tries again
    assert store.put(data).text_problem == "timeout"


def test_memory_hungry_text_extraction_stores_the_pdf_without_text(tmp_path):
    store = PdfStore(tmp_path / "softcopies", text_memory_mb=160, text_timeout=30)
    info = store.put(samples.memory_hungry_pdf())
    assert info.text_problem == "memory"
    assert store.exists(info.sha256) and store.text(info.sha256) == ""
    # a normal file fits in the same limit
    assert store.put(samples.report_pdf(2)).text_complete


def _store_as_before(store: PdfStore, data: bytes, text: str | None) -> str:
    """Put *data* in the store the way the old code did: unsanitised, by its own hash."""
    sha = hashlib.sha256(data).hexdigest()
    folder = store.root / sha[:2]
    folder.mkdir(parents=True)
    (folder / f"{sha}.pdf").write_bytes(data)
    if text is not None:
        (folder / f"{sha}.txt").write_text(text, encoding="utf-8")
    return sha


def test_sanitize_stored_adds_a_clean_copy_and_leaves_the_old_one(store):
    data = samples.active_content_pdf()
    old = _store_as_before(store, data, "teks lama yang sudah diindeks")
    info = store.sanitize_stored(old)
    assert info.sha256 != old and info.removed and info.page_count == 2
    new_bytes = store.path(info.sha256).read_bytes()
    assert hashlib.sha256(new_bytes).hexdigest() == info.sha256 and info.size == len(new_bytes)
    assert active_content(new_bytes) == []
    assert store.text(info.sha256) == "teks lama yang sudah diindeks"  # copied, not extracted again
    assert store.path(old).read_bytes() == data  # other rows may still point to it
    assert mode(store.path(info.sha256)) == 0o600
    # idempotent: the old hash leads to the same copy, the copy is clean
    assert store.sanitize_stored(old).sha256 == info.sha256
    assert store.sanitize_stored(info.sha256).removed == ()
    assert store.sanitize_stored(info.sha256).sha256 == info.sha256
    # the same content uploaded now lands on the same file
    assert store.put(data).sha256 == info.sha256
    store.delete(old)
    assert not store.exists(old) and store.text(old) == "" and store.exists(info.sha256)
    store.delete(old)  # deleting twice is harmless


def test_sanitize_stored_extracts_text_when_there_was_none(store):
    old = _store_as_before(store, samples.active_content_pdf(), text=None)
    info = store.sanitize_stored(old)
    assert info.text_complete and samples.page_marker(0) in store.text(info.sha256)


def test_sanitize_stored_leaves_clean_files_alone(store):
    data = samples.report_pdf(2)
    stored = store.put(data)
    before = stored_files(store)
    info = store.sanitize_stored(stored.sha256)
    assert info.sha256 == stored.sha256 and info.removed == () and info.size == len(data)
    assert stored_files(store) == before


def test_sanitize_stored_checks_the_hash(store):
    with pytest.raises(ValueError):
        store.sanitize_stored("../../etc/passwd")
    with pytest.raises(FileNotFoundError):
        store.sanitize_stored("a" * 64)
    with pytest.raises(ValueError):
        store.delete("A" * 64)


@pytest.fixture
def open_umask():
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def test_store_is_private_whatever_the_umask(tmp_path, open_umask):
    store = PdfStore(tmp_path / "instance" / "softcopies")
    info = store.put(samples.report_pdf(1))
    pdf_path = store.path(info.sha256)
    assert mode(store.root) == 0o700
    assert mode(pdf_path.parent) == 0o700
    assert mode(pdf_path) == 0o600
    assert mode(pdf_path.with_suffix(".txt")) == 0o600
    sanitized = store.put(samples.active_content_pdf())
    assert mode(store.path(sanitized.sha256)) == 0o600


def test_existing_open_folders_are_tightened(tmp_path, open_umask):
    root = tmp_path / "softcopies"
    data = samples.report_pdf(1)
    sha = hashlib.sha256(data).hexdigest()
    (root / sha[:2]).mkdir(parents=True, mode=0o755)
    os.chmod(root, 0o755)
    store = PdfStore(root)
    store.put(data)
    assert mode(root) == 0o700 and mode(root / sha[:2]) == 0o700
