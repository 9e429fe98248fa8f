"""Tests for app.pdf (validation, sanitising, text extraction, per-download stamping)."""

from __future__ import annotations

import hashlib
import io
import math
import re
import time

import pytest
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from app import pdf as pdf_module
from app.pdf import (
    ExtractedText,
    PdfError,
    PdfInfo,
    active_content,
    extract_text,
    extract_text_isolated,
    fold_to_winansi,
    inspect,
    sanitize,
    watermark,
)

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
# inspect(): page limit and crafted page trees
# ---------------------------------------------------------------------------


def test_inspect_refuses_more_pages_than_the_limit():
    assert inspect(samples.many_pages_pdf(3000)).page_count == 3000
    with pytest.raises(PdfError) as excinfo:
        inspect(samples.many_pages_pdf(3001))
    assert excinfo.value.code == "too_many_pages"
    assert "3000" in str(excinfo.value)
    data = samples.report_pdf(6)
    with pytest.raises(PdfError) as excinfo:
        inspect(data, max_pages=5)
    assert excinfo.value.code == "too_many_pages"
    assert inspect(data, max_pages=6).page_count == 6
    assert inspect(samples.many_pages_pdf(3001), max_pages=None).page_count == 3001


@pytest.mark.parametrize(
    ("build", "outcome"),
    [
        (samples.huge_count_pdf, 1),  # /Count is never trusted
        (lambda: samples.huge_count_pdf(10**15), 1),
        (samples.shared_subtree_pdf, "too_many_pages"),  # 2**40 pages in 4 KB
        (samples.deep_page_tree_pdf, "corrupt"),  # 5,000 nested /Pages nodes
        (samples.page_tree_loop_pdf, "corrupt"),  # /Pages lists itself
        (lambda: samples.page_tree_loop_pdf(direct=False), "corrupt"),  # root -> child -> root
    ],
    ids=["count-2**31", "count-10**15", "shared-subtrees", "deep", "loop", "loop-via-child"],
)
def test_inspect_is_quick_on_crafted_page_trees(build, outcome):
    data = build()
    started = time.perf_counter()
    if isinstance(outcome, int):
        assert inspect(data).page_count == outcome
    else:
        with pytest.raises(PdfError) as excinfo:
            inspect(data)
        assert excinfo.value.code == outcome
    assert time.perf_counter() - started < 2.0
    if outcome == "too_many_pages":  # even without a page limit, the walk stops
        with pytest.raises(PdfError):
            inspect(data, max_pages=None)


def test_inspect_pages_agree_with_pypdf_on_normal_trees():
    for data in (samples.inherited_resources_pdf(3), samples.rotated_pdf(), samples.no_resources_pdf()):
        assert inspect(data).page_count == len(PdfReader(io.BytesIO(data)).pages)


# ---------------------------------------------------------------------------
# active_content() and sanitize()
# ---------------------------------------------------------------------------

#: Names that only active content uses; none may be left in a sanitised file.
ACTIVE_NAMES = (
    b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/EF", b"/SubmitForm", b"/ImportData",
    b"/GoToR", b"/GoToE", b"/XFA", b"/RichMedia", b"/FileAttachment", b"/AA",
)


def pdf_strings(data: bytes) -> list[str]:
    """Every string (text or bytes) in every object of a PDF file."""
    reader = PdfReader(io.BytesIO(data))
    found: list[str] = []
    stack = [reader.get_object(n) for n in range(1, int(reader.trailer["/Size"]))]
    stack.append(reader.trailer)
    while stack:
        obj = stack.pop()
        if isinstance(obj, TextStringObject):
            found.append(str(obj))
        elif isinstance(obj, ByteStringObject):
            found.append(bytes(obj).decode("latin-1"))
        elif isinstance(obj, DictionaryObject):
            stack.extend(obj.raw_get(key) for key in obj)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return found


def test_active_content_names_what_it_finds():
    found = active_content(samples.active_content_pdf())
    text = " | ".join(found)
    for expected in (
        "JavaScript action run on opening (/OpenAction)",
        "document JavaScript (/Names /JavaScript)",
        "embedded files (/Names /EmbeddedFiles)",
        "document actions run on events (/AA)",
        "page actions run on events (/AA)",
        "annotation/form field actions run on events (/AA)",
        "javascript: link",
        "file: link",
        "/Launch action",
        "/SubmitForm action",
        "/ImportData action",
        "/GoToR action",
        "/GoToE action",
        "file attachment annotation",
        "RichMedia (Flash/video) annotation",
        "XFA form",
        "embedded file",
    ):
        assert expected in found, (expected, text)
    assert len(found) == len(set(found))  # each kind once
    assert active_content(samples.report_pdf(3)) == []


def test_sanitize_removes_active_content():
    data = samples.active_content_pdf()
    clean = sanitize(data)
    for name in ACTIVE_NAMES:
        assert name in data  # the sample really had it ...
        assert name not in clean, name  # ... and the copy has none of it
    for payload in (b"app.alert", b"this.submitForm", b"not really a program"):
        assert payload not in clean
    strings = pdf_strings(clean)
    assert not any("script:" in value.replace("\t", "").lower() for value in strings)
    assert not any(value.startswith("file:") or value == "cmd.exe" for value in strings)
    assert not any("evil.example" in value for value in strings)
    assert active_content(clean) == []


def test_sanitize_keeps_text_pages_links_outline_and_metadata():
    data = samples.active_content_pdf()
    original = PdfReader(io.BytesIO(data))
    out = PdfReader(io.BytesIO(sanitize(data)))
    assert len(out.pages) == len(original.pages) == 2
    for before, after in zip(original.pages, out.pages):
        assert after.extract_text() == before.extract_text()
        assert box(after.mediabox) == box(before.mediabox)
    assert out.metadata.title == samples.DOCUMENT_TITLE
    assert [item.title for item in out.outline] == list(samples.OUTLINE_TITLES)
    assert out.outline[0].page == out.pages[1].indirect_reference  # internal jump kept
    items, item = [], out.trailer["/Root"]["/Outlines"]["/First"]
    while True:
        items.append(item)
        if "/Next" not in item:
            break
        item = item["/Next"]
    assert [str(i["/Title"]) for i in items] == list(samples.OUTLINE_TITLES)
    assert "/A" not in items[1]  # the scripted entry stays, inert
    assert items[2]["/A"]["/URI"] == "https://www.bps.go.id/"

    annotations = [ref.get_object() for ref in out.pages[0]["/Annots"]]
    uris = [a["/A"]["/URI"] for a in annotations if "/A" in a and a["/A"]["/S"] == "/URI"]
    assert uris == [samples.SAFE_LINK, samples.SAFE_MAIL]
    jumps = [a for a in annotations if "/Dest" in a or ("/A" in a and a["/A"]["/S"] == "/GoTo")]
    assert len(jumps) == 3  # GoTo action, GoTo whose /Next ran a script, /Dest link
    assert all("/Next" not in a.get("/A", {}) for a in jumps)
    assert {a["/Subtype"] for a in annotations} == {"/Link", "/Widget"}
    widget = next(a for a in annotations if a["/Subtype"] == "/Widget")
    assert widget["/T"] == "nama" and "/AA" not in widget  # the field stays, its script goes
    assert "/XFA" not in out.trailer["/Root"]["/AcroForm"]
    assert "/Names" not in out.trailer["/Root"] or not out.trailer["/Root"]["/Names"]


def test_sanitize_returns_clean_files_unchanged_and_is_idempotent():
    data = samples.report_pdf(2)
    assert sanitize(data) == data
    clean = sanitize(samples.active_content_pdf())
    assert sanitize(clean) == clean
    assert sanitize(samples.active_content_pdf()) == clean  # deterministic
    assert inspect(clean).page_count == 2
    stamped = stamp(clean)
    assert EMAIL in stamped.pages[0].extract_text()


def _link_pdf(action: DictionaryObject) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(samples.report_pdf(1))))
    link = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([NumberObject(v) for v in (50, 50, 200, 70)]),
        NameObject("/A"): action,
    })
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _uri(target: str) -> DictionaryObject:
    return DictionaryObject({NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject(target)})


@pytest.mark.parametrize(
    "target",
    ["http://bps.go.id", "HTTPS://www.bps.go.id/id", "mailto:bps7605@bps.go.id"],
)
def test_sanitize_keeps_web_and_mail_links(target):
    data = _link_pdf(_uri(target))
    assert active_content(data) == []
    assert sanitize(data) == data


@pytest.mark.parametrize(
    ("target", "named"),
    [
        ("JavaScript:alert(1)", "javascript: link"),
        ("\x00 javascript:alert(1)", "javascript: link"),
        ("java\nscript:alert(1)", "javascript: link"),
        ("vbscript:msgbox(1)", "vbscript: link"),
        ("data:text/html,<script>alert(1)</script>", "data: link"),
        ("file:///etc/passwd", "file: link"),
        ("\\\\server\\share\\run.exe", "link without http/https/mailto address"),
        ("laporan.pdf", "link without http/https/mailto address"),
    ],
)
def test_sanitize_drops_links_to_other_schemes(target, named):
    data = _link_pdf(_uri(target))
    assert active_content(data) == [named]
    out = PdfReader(io.BytesIO(sanitize(data)))
    assert out.pages[0].get("/Annots", []) == []  # a link with nothing left to do goes
    assert samples.page_marker(0) in out.pages[0].extract_text()


def test_navigation_on_opening_is_not_active_content():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(samples.report_pdf(2))))
    second = writer.pages[1].indirect_reference
    writer.root_object[NameObject("/OpenAction")] = ArrayObject([second, NameObject("/Fit")])
    writer.root_object[NameObject("/PageLabels")] = DictionaryObject({
        NameObject("/Nums"): ArrayObject([
            NumberObject(0), DictionaryObject({NameObject("/S"): NameObject("/r")}),  # not an action
        ]),
    })
    goto = DictionaryObject({
        NameObject("/S"): NameObject("/GoTo"), NameObject("/D"): ArrayObject([second, NameObject("/Fit")]),
        NameObject("/Next"): DictionaryObject({NameObject("/S"): NameObject("/Named"),
                                               NameObject("/N"): NameObject("/NextPage")}),
    })
    out = io.BytesIO()
    writer.write(out)
    assert active_content(out.getvalue()) == []
    assert active_content(_link_pdf(goto)) == []
    goto[NameObject("/Next")][NameObject("/N")] = NameObject("/Print")
    assert active_content(_link_pdf(goto)) == ["/Named action"]


def test_sanitize_empties_an_attachment_that_is_still_referenced():
    """An annotation reached from the structure tree as well as from /Annots."""
    reader = PdfReader(io.BytesIO(samples.active_content_pdf()))
    writer = PdfWriter(clone_from=reader)
    attachment = next(
        ref for ref in writer.pages[0]["/Annots"] if ref.get_object()["/Subtype"] == "/FileAttachment"
    )
    writer.root_object[NameObject("/StructTreeRoot")] = DictionaryObject({
        NameObject("/Type"): NameObject("/StructTreeRoot"),
        NameObject("/K"): DictionaryObject({
            NameObject("/Type"): NameObject("/OBJR"), NameObject("/Obj"): attachment,
        }),
    })
    out = io.BytesIO()
    writer.write(out)
    clean = sanitize(out.getvalue())
    assert b"/EmbeddedFile" not in clean and b"/EF" not in clean and b"not really a program" not in clean
    kept = PdfReader(io.BytesIO(clean)).trailer["/Root"]["/StructTreeRoot"]["/K"]["/Obj"]
    assert "/FS" not in kept  # still there for the structure tree, without its file
    assert active_content(clean) == ["file attachment annotation"]  # an empty shell is still named


def test_scan_budget_refuses_files_with_too_many_objects(monkeypatch):
    monkeypatch.setattr(pdf_module, "_MAX_SCAN_NODES", 20)
    with pytest.raises(PdfError) as excinfo:
        active_content(samples.report_pdf(3))
    assert excinfo.value.code == "too_complex"


def test_sanitize_rejects_bad_files():
    for code, build in BAD_FILES.items():
        with pytest.raises(PdfError) as excinfo:
            sanitize(build())
        assert excinfo.value.code == code


# ---------------------------------------------------------------------------
# extract_text_isolated()
# ---------------------------------------------------------------------------


def test_extract_text_isolated_gives_the_same_text():
    data = samples.report_pdf(3)
    result = extract_text_isolated(data)
    assert result == ExtractedText(extract_text(data))
    assert result.complete and samples.page_marker(2) in result.text
    assert extract_text_isolated(data, max_chars=100).text == extract_text(data, max_chars=100)


def test_extract_text_isolated_stops_at_the_time_limit():
    data = samples.slow_text_pdf()  # minutes of work in-process
    assert len(data) < 10_000
    started = time.perf_counter()
    result = extract_text_isolated(data, timeout=1.5)
    elapsed = time.perf_counter() - started
    assert result == ExtractedText("", "timeout") and not result.complete
    assert elapsed < 1.5 + 3.0  # killed, not waited for


def test_extract_text_isolated_stops_at_the_memory_limit():
    # The default limit (768 MB) is far above what pypdf lets one stream grow
    # to; a low one shows that running out of memory ends in a clean answer.
    assert extract_text_isolated(samples.report_pdf(2), memory_mb=160).complete
    result = extract_text_isolated(samples.memory_hungry_pdf(), memory_mb=160, timeout=30)
    assert result == ExtractedText("", "memory")


def test_extract_text_isolated_never_raises():
    assert extract_text_isolated(samples.not_pdf()) == ExtractedText("", "failed")
    missing = extract_text_isolated(samples.report_pdf(1), python="/nonexistent/python3")
    assert missing == ExtractedText("", "failed")
    assert extract_text_isolated(samples.report_pdf(1), max_chars=0) == ExtractedText("")


# ---------------------------------------------------------------------------
# watermark(): the stamp itself
# ---------------------------------------------------------------------------

_DIAGONAL_DO = re.compile(rb"q ([-\d. ]+) cm (/PSTWmD\d*) Do Q")


def _forms(page) -> tuple[StreamObject, StreamObject]:
    xobjects = page["/Resources"]["/XObject"]
    return xobjects["/PSTWm"], xobjects["/PSTWmD"]


def test_watermark_footer_sits_on_a_white_box():
    out = stamp(samples.report_pdf(2))
    footer, _ = _forms(out.pages[0])
    ops = footer.get_data().decode("latin-1")
    _, _, width, height = (float(v) for v in footer["/BBox"])
    # the box covers the whole form, white, nearly opaque; the text is drawn over it
    assert re.search(rf"/GS1 gs 1 g 0 0 {width:g} {height:g} re f", ops), ops
    assert float(footer["/Resources"]["/ExtGState"]["/GS1"]["/ca"]) >= 0.8
    assert ops.index("re f") < ops.index("BT")
    assert re.search(r"\b0\.3 g 0 Tr BT", ops)
    for page in out.pages:
        assert_upright_at_bottom(page)


def test_watermark_diagonal_carries_the_identity_by_default():
    data = samples.report_pdf(3)
    out = stamp(data)
    refs = set()
    for page in out.pages:
        footer, diagonal = _forms(page)
        refs.add(page["/Resources"]["/XObject"].raw_get("/PSTWmD").idnum)
        ops = diagonal.get_data()
        assert b" 2 Tr" in ops and b" 1 G " in ops  # light fill, white outline
        state = diagonal["/Resources"]["/ExtGState"]["/GS1"]
        assert float(state["/ca"]) < 0.3 and float(state["/CA"]) < 0.6  # light
        text = page.extract_text()
        # the identity twice: across the page and in the footer
        assert text.count(EMAIL) == 2 and text.count(f"ID {DOWNLOAD_ID}") == 2
        assert "Siti Nurhaliza Ça" in text
    assert len(refs) == 1  # one shared form for every page


def _diagonal_in_view(page):
    """Start, end and centre of the diagonal's baseline in viewer coordinates."""
    contents = page.raw_get("/Contents").get_object()
    match = _DIAGONAL_DO.search(contents[-1].get_object().get_data())
    assert match
    a, b, c, d, e, f = (float(v) for v in match.group(1).split())
    form = page["/Resources"]["/XObject"][match.group(2).decode()]
    _, _, width, height = (float(v) for v in form["/BBox"])

    def at(u, v):
        return _display(page, (a * u + c * v + e, b * u + d * v + f))

    return at(0, 0), at(width, 0), at(width / 2, height / 2)


def test_watermark_diagonal_runs_corner_to_corner_on_any_page():
    data = samples.rotated_pdf()
    out = stamp(data)
    for page in list(out.pages) + list(stamp(samples.landscape_pdf(1)).pages):
        (x0, y0, vw, vh), (x1, y1, _, _), (cx, cy, _, _) = _diagonal_in_view(page)
        # reads upwards to the right, along the page's own diagonal ...
        assert x1 > x0 and y1 > y0
        assert math.isclose(math.atan2(y1 - y0, x1 - x0), math.atan2(vh, vw), abs_tol=1e-3)
        # ... centred on the visible page and inside it
        assert math.isclose(cx, vw / 2, abs_tol=0.5) and math.isclose(cy, vh / 2, abs_tol=0.5)
        assert 0 <= x0 < x1 <= vw and 0 <= y0 < y1 <= vh


def test_watermark_diagonal_is_shortened_to_who_and_which_download():
    line = (f"Diunduh oleh Siti Nurhaliza Pratiwi <{EMAIL}> · 23-11-2026 14:05 WITA · "
            f"BPS Kabupaten Polewali Mandar · ID {DOWNLOAD_ID}XYZ")
    out = stamp(samples.report_pdf(1), [line])
    _, diagonal = _forms(out.pages[0])
    shown = f"Diunduh oleh Siti Nurhaliza Pratiwi <{EMAIL}> · ID {DOWNLOAD_ID}XYZ"
    assert pdf_module._pdf_string(shown.encode("cp1252")) + b" Tj" in diagonal.get_data()
    assert shown in out.pages[0].extract_text()
    # a single part that is far too long keeps its start and its end
    long_name = "Nama " * 40 + f"<{EMAIL}> · ID {DOWNLOAD_ID}"
    short = pdf_module._shorten(long_name)
    assert short.startswith("Nama Nama") and short.endswith(f"\u2026 · ID {DOWNLOAD_ID}")
    assert pdf_module._em(short) <= pdf_module._DIAGONAL_MAX_EM


def test_watermark_diagonal_can_be_set_or_left_out():
    page = stamp(samples.report_pdf(1), diagonal="").pages[0]
    assert "/PSTWmD" not in page["/Resources"]["/XObject"]
    assert page.extract_text().count(EMAIL) == 1
    page = stamp(samples.report_pdf(1), diagonal=f"Siti <{EMAIL}> · ID {DOWNLOAD_ID}").pages[0]
    assert f"Siti <{EMAIL}> · ID {DOWNLOAD_ID}" in page.extract_text()


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
