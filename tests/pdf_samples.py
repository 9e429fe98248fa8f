"""Builders for sample PDFs used by tests/test_pdf.py.

Every function returns the bytes of a small, deterministic PDF.  Normal
documents are drawn with reportlab (``invariant=1`` makes the output
byte-stable); unusual page-tree layouts are assembled from pypdf's low-level
objects so the tests exercise structures reportlab never writes (inherited
``/Resources``, ``/Contents`` arrays, pages without resources...).
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    RectangleObject,
)
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas


def page_marker(index: int) -> str:
    """Heading text drawn on page *index* (0-based) by :func:`report_pdf`."""
    return f"Statistik Daerah Kabupaten Majene - Halaman {index + 1}"


def _draw_report_page(c: canvas.Canvas, index: int, width: float, height: float) -> None:
    c.setFont("Helvetica-Bold", 14)
    c.drawString(50, height - 60, page_marker(index))
    c.setFont("Helvetica", 10)
    y = height - 85
    for line in (
        "Tabel berikut menyajikan jumlah penduduk menurut kecamatan dan jenis kelamin.",
        "Sumber: Proyeksi Penduduk Interim (angka sementara), diolah oleh BPS.",
    ):
        c.drawString(50, y, line)
        y -= 14
    # a ruled table of numbers filling most of the page
    columns = ("Kecamatan", "Laki-laki", "Perempuan", "Jumlah", "Rasio JK")
    col_x = [50 + i * (width - 100) / len(columns) for i in range(len(columns) + 1)]
    top = y - 10
    row_h = 16
    rows = int((top - 60) // row_h)
    c.setLineWidth(0.5)
    for r in range(rows + 1):
        c.line(col_x[0], top - r * row_h, col_x[-1], top - r * row_h)
    for x in col_x:
        c.line(x, top, x, top - rows * row_h)
    c.setFont("Helvetica-Bold", 9)
    for i, name in enumerate(columns):
        c.drawString(col_x[i] + 4, top - 12, name)
    c.setFont("Helvetica", 9)
    for r in range(1, rows):
        seed = (index * 7919 + r * 104729) % 100000
        male, female = 10000 + seed % 9000, 10000 + (seed * 31) % 9000
        values = (f"Kecamatan {r:02d}", f"{male:,}", f"{female:,}", f"{male + female:,}",
                  f"{100 * male / female:.1f}")
        for i, value in enumerate(values):
            c.drawString(col_x[i] + 4, top - r * row_h - 12, value)


def report_pdf(pages: int = 3, pagesize: tuple[float, float] = A4) -> bytes:
    """Multi-page statistical report: heading, paragraph and a ruled table per page."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=pagesize, invariant=1)
    width, height = pagesize
    for index in range(pages):
        _draw_report_page(c, index, width, height)
        c.showPage()
    c.save()
    return buf.getvalue()


def landscape_pdf(pages: int = 2) -> bytes:
    """Landscape A4 pages (wide /MediaBox, no /Rotate)."""
    return report_pdf(pages, landscape(A4))


def rotated_pdf() -> bytes:
    """Portrait A4 pages with ``/Rotate`` 0, 90, 180 and 270 (displayed landscape
    for 90/270), plus a page with a non-zero-origin /MediaBox, a smaller
    /CropBox and /Rotate 90, plus a reportlab ``setPageRotation(270)`` page
    (reportlab swaps the media box for those)."""
    base = PdfReader(io.BytesIO(report_pdf(5)))
    writer = PdfWriter()
    for index, rotation in enumerate((0, 90, 180, 270)):
        page = writer.add_page(base.pages[index])
        page.rotation = rotation
    page = writer.add_page(base.pages[4])
    page.mediabox = RectangleObject([20, 30, 615.2756, 871.8898])
    page.cropbox = RectangleObject([60, 80, 560, 800])
    page.rotation = 90

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setPageRotation(270)
    c.drawString(72, 500, "reportlab rotated page")
    c.showPage()
    c.save()
    writer.add_page(PdfReader(buf).pages[0])

    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---------------------------------------------------------------------------
# Low-level constructions
# ---------------------------------------------------------------------------


def _stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def _helvetica(writer: PdfWriter) -> IndirectObject:
    return writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    }))


def _text(y: int, text: str) -> bytes:
    return f"BT /F1 12 Tf 72 {y} Td ({text}) Tj ET".encode()


def _assemble(writer: PdfWriter, pages: list[DictionaryObject]) -> bytes:
    pages_node = writer.root_object["/Pages"]
    for page in pages:
        page[NameObject("/Type")] = NameObject("/Page")
        page[NameObject("/Parent")] = pages_node.indirect_reference
        pages_node["/Kids"].append(writer._add_object(page))
    pages_node[NameObject("/Count")] = NumberObject(len(pages))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def inherited_resources_pdf(pages: int = 3) -> bytes:
    """Pages carry neither /Resources nor /MediaBox: both are inherited from
    the root /Pages node (the font dictionary is a direct object there)."""
    writer = PdfWriter()
    pages_node = writer.root_object["/Pages"]
    pages_node[NameObject("/Resources")] = DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject("/F1"): _helvetica(writer)}),
    })
    pages_node[NameObject("/MediaBox")] = ArrayObject(
        [NumberObject(0), NumberObject(0), FloatObject(595.28), FloatObject(841.89)]
    )
    page_list = [
        DictionaryObject({NameObject("/Contents"): _stream(writer, _text(700, f"Inherited page {i + 1}"))})
        for i in range(pages)
    ]
    return _assemble(writer, page_list)


def contents_array_pdf() -> bytes:
    """One page whose /Contents is an array of three streams (the split falls
    between operators, the last stream has no trailing newline)."""
    writer = PdfWriter()
    font = _helvetica(writer)
    page = DictionaryObject({
        NameObject("/MediaBox"): RectangleObject([0, 0, 612, 792]),
        NameObject("/Resources"): DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): font}),
        }),
        NameObject("/Contents"): ArrayObject([
            _stream(writer, _text(700, "Part one of the content") + b"\n"),
            _stream(writer, b"1 0 0 1 0 -40 cm\n" + _text(700, "Part two of the content")),
            _stream(writer, b"0 0 1 rg 72 100 200 20 re f"),
        ]),
    })
    return _assemble(writer, [page])


def no_resources_pdf() -> bytes:
    """Page 1 has vector content but no /Resources; page 2 has neither
    /Resources nor /Contents (a truly blank page)."""
    writer = PdfWriter()
    first = DictionaryObject({
        NameObject("/MediaBox"): RectangleObject([0, 0, 595, 842]),
        NameObject("/Contents"): _stream(writer, b"2 w 72 72 m 500 770 l S"),
    })
    second = DictionaryObject({NameObject("/MediaBox"): RectangleObject([0, 0, 595, 842])})
    return _assemble(writer, [first, second])


def zero_page_pdf() -> bytes:
    """A syntactically valid PDF whose page tree is empty."""
    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


def encrypted_pdf(user_password: str = "rahasia") -> bytes:
    """A password-protected copy of :func:`report_pdf` (RC4-128: no crypto
    library needed)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(report_pdf(2))))
    writer.encrypt(user_password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def owner_only_encrypted_pdf() -> bytes:
    """Encrypted with an empty user password (opens without a password)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(report_pdf(1))))
    writer.encrypt("", owner_password="pemilik", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf() -> bytes:
    """The first 60% of a valid PDF (an interrupted upload)."""
    data = report_pdf(3)
    return data[: int(len(data) * 0.6)]


def slightly_truncated_pdf() -> bytes:
    """A valid PDF missing only its last few bytes (``%%EOF`` cut off)."""
    return report_pdf(2)[:-4]


def corrupt_pdf() -> bytes:
    """Has a PDF header and an ``%%EOF`` marker but garbage in between."""
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"this is not a pdf body\n" * 20 + b"%%EOF\n"


def not_pdf() -> bytes:
    """A Word-like binary (ZIP container signature) - definitely not a PDF."""
    return b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200 + b"word/document.xml"
