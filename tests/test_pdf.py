"""Tests for app.pdf (validation, text extraction, per-download stamping)."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import ArrayObject, IndirectObject

from app.pdf import PdfError, PdfInfo, extract_text, fold_to_winansi, inspect, watermark

try:  # works whether or not tests/ is a package
    from tests import pdf_samples as samples
except ImportError:  # pragma: no cover
    import pdf_samples as samples  # type: ignore[no-redef]


EMAIL = "siti.nurhaliza@contoh.id"
DOWNLOAD_ID = "7F3K9Q"
LINES = [
    f"Diunduh oleh Siti Nurhaliza Ça <{EMAIL}> · 23-11-2026 14:05 WITA · "
    f"BPS Kabupaten Majene · ID {DOWNLOAD_ID}",
    "Hanya untuk penggunaan pribadi (dilarang disebarluaskan)",
]


def stamp(data: bytes, lines: list[str] = LINES, **kwargs) -> PdfReader:
    out = io.BytesIO()
    watermark(data, out, lines, **kwargs)
    return PdfReader(io.BytesIO(out.getvalue()))


def box(rect) -> tuple[float, ...]:
    return tuple(round(float(v), 3) for v in rect)


def raw_box(page, key: str):
    return box(page[key]) if key in page else None


def assert_stamped(src: bytes, out: PdfReader) -> None:
    """Page count, boxes, /Rotate and original text unchanged; stamp present."""
    original = PdfReader(io.BytesIO(src))
    assert len(out.pages) == len(original.pages)
    for before, after in zip(original.pages, out.pages):
        assert box(after.mediabox) == box(before.mediabox)
        assert raw_box(after, "/CropBox") == raw_box(before, "/CropBox")
        assert after.rotation == before.rotation
        text = after.extract_text()
        assert EMAIL in text
        assert f"ID {DOWNLOAD_ID}" in text
        assert before.extract_text().strip() in text


# ---------------------------------------------------------------------------
# Stamp geometry, checked independently of the implementation
# ---------------------------------------------------------------------------

_DO = re.compile(rb"q ([-\d. ]+) cm (/PSTWm\d*) Do Q")


def _display(page, point):
    """Map a user-space point to the viewer's coordinates (origin bottom-left
    of the displayed crop box, y up), by rotating clockwise by /Rotate."""
    rotation = page.rotation % 360
    x0, y0, x1, y1 = (float(v) for v in page.cropbox)

    def rot(x, y):
        return {
            0: (x, y), 90: (y, -x), 180: (-x, -y), 270: (-y, x),
        }[rotation]

    corners = [rot(x, y) for x in (x0, x1) for y in (y0, y1)]
    min_x = min(c[0] for c in corners)
    min_y = min(c[1] for c in corners)
    px, py = rot(*point)
    return px - min_x, py - min_y, max(c[0] for c in corners) - min_x, max(c[1] for c in corners) - min_y


def assert_upright_at_bottom(page) -> None:
    contents = page.raw_get("/Contents").get_object()
    stamp_data = contents[-1].get_object().get_data()
    match = _DO.search(stamp_data)
    assert match, stamp_data
    a, b, c, d, e, f = (float(v) for v in match.group(1).split())
    form = page["/Resources"]["/XObject"][match.group(2).decode()]
    _, _, width, height = (float(v) for v in form["/BBox"])

    def apply(u, v):
        return _display(page, (a * u + c * v + e, b * u + d * v + f))

    ox, oy, vw, vh = apply(0, 0)
    rx, ry, _, _ = apply(width, 0)
    ux, uy, _, _ = apply(0, height)
    tx, ty, _, _ = apply(width, height)
    # reading direction is "right" and "up" on screen: upright text
    assert rx > ox and abs(ry - oy) < 1e-6
    assert uy > oy and abs(ux - ox) < 1e-6
    # inside the visible box, close to its bottom edge, horizontally centred
    assert 0 <= ox and tx <= vw + 1e-6
    assert 0 <= oy < 20 and ty < 40 and ty <= vh
    assert abs(ox - (vw - tx)) < 0.5


# ---------------------------------------------------------------------------
# inspect()
# ---------------------------------------------------------------------------


def test_inspect_reports_pages_size_and_hash(tmp_path):
    data = samples.report_pdf(4)
    path = tmp_path / "laporan.pdf"
    path.write_bytes(data)
    expected = PdfInfo(page_count=4, size=len(data), sha256=hashlib.sha256(data).hexdigest())
    assert inspect(path) == expected
    assert inspect(str(path)) == expected
    assert inspect(data) == expected
    assert inspect(io.BytesIO(data)) == expected


BAD_FILES = {
    "empty": lambda: b"",
    "not_pdf": samples.not_pdf,
    "truncated": samples.truncated_pdf,
    "corrupt": samples.corrupt_pdf,
    "encrypted": samples.encrypted_pdf,
    "no_pages": samples.zero_page_pdf,
}


@pytest.mark.parametrize("code", sorted(BAD_FILES))
def test_inspect_rejects_bad_files(code, tmp_path):
    path = tmp_path / "bad.pdf"
    path.write_bytes(BAD_FILES[code]())
    with pytest.raises(PdfError) as excinfo:
        inspect(path)
    assert excinfo.value.code == code
    assert isinstance(excinfo.value, ValueError)


def test_inspect_error_messages_are_distinct():
    messages = {}
    for code, build in BAD_FILES.items():
        with pytest.raises(PdfError) as excinfo:
            inspect(build())
        messages[code] = str(excinfo.value)
    assert len(set(messages.values())) == len(messages), messages
    assert "encrypted" in messages["encrypted"].lower()
    assert "truncated" in messages["truncated"].lower()
    assert "no pages" in messages["no_pages"].lower()
    assert "not a pdf" in messages["not_pdf"].lower()


def test_inspect_rejects_owner_only_encryption_and_cut_off_eof():
    with pytest.raises(PdfError) as excinfo:
        inspect(samples.owner_only_encrypted_pdf())
    assert excinfo.value.code == "encrypted"
    with pytest.raises(PdfError) as excinfo:
        inspect(samples.slightly_truncated_pdf())
    assert excinfo.value.code == "truncated"


def test_inspect_missing_file_is_not_a_pdf_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        inspect(tmp_path / "nope.pdf")


# ---------------------------------------------------------------------------
# extract_text()
# ---------------------------------------------------------------------------


def test_extract_text_concatenates_pages(tmp_path):
    path = tmp_path / "laporan.pdf"
    path.write_bytes(samples.report_pdf(3))
    text = extract_text(path)
    positions = [text.index(samples.page_marker(i)) for i in range(3)]
    assert positions == sorted(positions)
    assert "Kecamatan 01" in text


def test_extract_text_respects_max_chars():
    data = samples.report_pdf(5)
    assert len(extract_text(data, max_chars=100)) == 100
    assert extract_text(data, max_chars=0) == ""
    # stops early: the last page is never reached with a small budget
    assert samples.page_marker(4) not in extract_text(data, max_chars=2000)


def test_extract_text_skips_pages_that_fail(monkeypatch):
    original = PageObject.extract_text

    def flaky(self, *args, **kwargs):
        if samples.page_marker(1) in original(self, *args, **kwargs):
            raise KeyError("/Widths")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", flaky)
    text = extract_text(samples.report_pdf(3))
    assert samples.page_marker(0) in text
    assert samples.page_marker(1) not in text
    assert samples.page_marker(2) in text


def test_extract_text_rejects_bad_input():
    with pytest.raises(PdfError):
        extract_text(samples.not_pdf())


# ---------------------------------------------------------------------------
# watermark()
# ---------------------------------------------------------------------------


def test_watermark_report_pages(tmp_path):
    src = tmp_path / "laporan.pdf"
    dest = tmp_path / "unduhan.pdf"
    data = samples.report_pdf(3)
    src.write_bytes(data)
    assert watermark(src, dest, LINES) is None
    out = PdfReader(dest)
    assert_stamped(data, out)
    for page in out.pages:
        assert "Hanya untuk penggunaan pribadi (dilarang disebarluaskan)" in page.extract_text()
        assert_upright_at_bottom(page)
    # written atomically: no temporary files left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["laporan.pdf", "unduhan.pdf"]


def test_watermark_to_file_object_not_at_position_zero():
    data = samples.report_pdf(2)
    out = io.BytesIO()
    out.write(b"prefix")
    watermark(io.BytesIO(data), out, LINES)
    reader = PdfReader(io.BytesIO(out.getvalue()[len(b"prefix"):]))
    assert_stamped(data, reader)


def test_watermark_landscape_pages():
    data = samples.landscape_pdf(2)
    out = stamp(data)
    assert_stamped(data, out)
    for page in out.pages:
        assert page.mediabox.width > page.mediabox.height
        assert_upright_at_bottom(page)


def test_watermark_rotated_pages_and_crop_boxes():
    data = samples.rotated_pdf()
    assert [p.rotation for p in PdfReader(io.BytesIO(data)).pages] == [0, 90, 180, 270, 90, 270]
    out = stamp(data)
    assert_stamped(data, out)
    for page in out.pages:
        assert_upright_at_bottom(page)


def test_watermark_inherited_resources():
    data = samples.inherited_resources_pdf(3)
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:  # really inherited in the source file
        raw = reader.get_object(page.indirect_reference)
        assert "/Resources" not in raw and "/MediaBox" not in raw
    out = stamp(data)
    assert_stamped(data, out)
    for index, page in enumerate(out.pages):
        text = page.extract_text()
        assert f"Inherited page {index + 1}" in text
        assert "/F1" in page["/Resources"]["/Font"]  # original font still reachable
        assert_upright_at_bottom(page)


def test_watermark_contents_array():
    data = samples.contents_array_pdf()
    out = stamp(data)
    assert_stamped(data, out)
    page = out.pages[0]
    text = page.extract_text()
    assert "Part one of the content" in text and "Part two of the content" in text
    contents = page.raw_get("/Contents").get_object()
    assert isinstance(contents, ArrayObject) and len(contents) == 5  # q + 3 originals + stamp
    assert all(isinstance(item, IndirectObject) for item in contents)
    data_parts = [item.get_object().get_data() for item in contents]
    assert data_parts[0].strip() == b"q" and data_parts[-1].lstrip().startswith(b"Q")
    original = PdfReader(io.BytesIO(data)).pages[0].raw_get("/Contents").get_object()
    assert data_parts[1:4] == [item.get_object().get_data() for item in original]


def test_watermark_pages_without_resources_or_contents():
    data = samples.no_resources_pdf()
    out = stamp(data)
    assert_stamped(data, out)
    blank = out.pages[1]
    contents = blank.raw_get("/Contents").get_object()
    assert len(contents) == 1  # just the stamp, no unbalanced q/Q
    assert not contents[0].get_object().get_data().lstrip().startswith(b"Q")


def test_watermark_shares_one_form_xobject():
    data = samples.report_pdf(6)
    out = stamp(data)
    refs = {page["/Resources"]["/XObject"].raw_get("/PSTWm").idnum for page in out.pages}
    assert len(refs) == 1
    form = out.get_object(refs.pop())
    assert form["/Subtype"] == "/Form" and form["/Type"] == "/XObject"
    font = form["/Resources"]["/Font"]["/F1"]
    assert font["/BaseFont"] == "/Helvetica" and font["/Encoding"] == "/WinAnsiEncoding"
    # geometry-identical pages also share the same stamp-invocation stream
    stamps = {page.raw_get("/Contents").get_object()[-1].idnum for page in out.pages}
    assert len(stamps) == 1


def test_watermark_non_ascii_names_are_folded():
    lines = [
        f"Diunduh oleh Nguyễn Văn Đức / Zoë / Siti Nurhaliza Ça / 王小明 😀 <{EMAIL}>",
        f"ID {DOWNLOAD_ID} · Łódź\tTab\nNewline",
    ]
    out = stamp(samples.report_pdf(1), lines)
    text = out.pages[0].extract_text()
    assert "Nguyen Van Duc" in text
    assert "Zoë" in text and "Siti Nurhaliza Ça" in text
    assert "??? ?" in text
    assert f"ID {DOWNLOAD_ID} · Lódz Tab Newline" in text
    assert EMAIL in text


def test_watermark_escapes_pdf_string_delimiters():
    lines = [rf"Nama (alias) \ back\\slash ) ( <{EMAIL}> ID {DOWNLOAD_ID}"]
    text = stamp(samples.report_pdf(1), lines).pages[0].extract_text()
    assert lines[0] in text


def test_watermark_diagonal_line():
    data = samples.rotated_pdf()
    out = stamp(data, diagonal="PST Perpustakaan BPS · Zoë")
    assert_stamped(data, out)
    for page in out.pages:
        assert "PST Perpustakaan BPS · Zoë" in page.extract_text()
        assert "/PSTWmD" in page["/Resources"]["/XObject"]


def test_watermark_twice_keeps_both_stamps():
    first = io.BytesIO()
    watermark(samples.report_pdf(2), first, ["Unduhan pertama <a@contoh.id> ID AAAAAA"])
    second = stamp(first.getvalue(), ["Unduhan kedua <b@contoh.id> ID BBBBBB"])
    for page in second.pages:
        text = page.extract_text()
        assert "ID AAAAAA" in text and "ID BBBBBB" in text
        names = set(page["/Resources"]["/XObject"])
        assert {"/PSTWm", "/PSTWm1"} <= names


def test_watermark_is_deterministic():
    data = samples.report_pdf(2)
    a, b = io.BytesIO(), io.BytesIO()
    watermark(data, a, LINES)
    watermark(data, b, LINES)
    assert a.getvalue() == b.getvalue()


@pytest.mark.parametrize("code", sorted(BAD_FILES))
def test_watermark_rejects_bad_files(code):
    with pytest.raises(PdfError) as excinfo:
        watermark(BAD_FILES[code](), io.BytesIO(), LINES)
    assert excinfo.value.code == code


def test_watermark_validates_lines(tmp_path):
    data = samples.report_pdf(1)
    with pytest.raises(TypeError):
        watermark(data, io.BytesIO(), "not a list")
    with pytest.raises(ValueError):
        watermark(data, io.BytesIO(), [])
    with pytest.raises(ValueError):
        watermark(data, io.BytesIO(), ["  ", "\n"])
    with pytest.raises(ValueError):
        watermark(data, io.BytesIO(), ["a", "b", "c", "d", "e"])
    # a failed call never creates the destination file
    dest = tmp_path / "out.pdf"
    with pytest.raises(PdfError):
        watermark(samples.truncated_pdf(), dest, LINES)
    assert not dest.exists() and list(tmp_path.iterdir()) == []


def test_watermark_size_close_to_plain_copy():
    data = samples.report_pdf(200)
    plain = io.BytesIO()
    PdfWriter(clone_from=PdfReader(io.BytesIO(data))).write(plain)
    stamped = io.BytesIO()
    watermark(data, stamped, LINES)
    ratio = len(stamped.getvalue()) / len(plain.getvalue())
    assert ratio <= 1.1, ratio
    out = PdfReader(io.BytesIO(stamped.getvalue()))
    assert len(out.pages) == 200
    for index in (0, 99, 199):
        text = out.pages[index].extract_text()
        assert EMAIL in text and samples.page_marker(index) in text


# ---------------------------------------------------------------------------
# fold_to_winansi()
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Siti Nurhaliza Ça", "Siti Nurhaliza Ça"),
        ("Zoë Müller-Straße €5", "Zoë Müller-Straße €5"),
        ("Nguyễn Thị Minh Khai", "Nguyen Thi Minh Khai"),
        ("Đặng Łukasz", "Dang Lukasz"),
        ("ﬁle Ｆｕｌｌ", "file Full"),
        ("王小明", "???"),
        ("a\tb\nc\u200bd", "a b cd"),
    ],
)
def test_fold_to_winansi(raw, folded):
    assert fold_to_winansi(raw) == folded
    fold_to_winansi(raw).encode("cp1252")  # always encodable
