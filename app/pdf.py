"""PDF helpers for PST Perpustakaan: validation, text extraction and stamping.

This module is deliberately free of Flask: every function takes plain
arguments (paths, bytes, file objects, strings) and returns plain values, so
it can be used from views, CLI commands, background jobs and tests alike.

Public API
----------
* :class:`PdfError` -- raised for unusable input files (not a PDF, empty,
  encrypted, truncated, corrupt, no pages).  ``err.code`` is a stable
  machine-readable key so callers can map it to a localised UI message.
* :class:`PdfInfo` / :func:`inspect` -- validate a file and report its page
  count, byte size and SHA-256.
* :func:`extract_text` -- best-effort plain text of a document (for search
  indexing), capped at ``max_chars``.
* :func:`watermark` -- stamp every page with a "who / when / where / which
  download" notice.
* :func:`fold_to_winansi` -- the text normalisation used for stamps (exposed
  so callers and tests can predict exactly what is printed).

How the stamp is built (and why it is cheap)
--------------------------------------------
The stamp text is rendered **once** into a Form XObject (``/Type /XObject
/Subtype /Form``) whose own ``/Resources`` hold the standard Type1 font
Helvetica with ``/Encoding /WinAnsiEncoding`` and an ``/ExtGState`` for the
transparency.  That form is added to the output as a single indirect object.
Every page then receives

1. an entry ``/PSTWm`` in its ``/Resources /XObject`` dictionary pointing to
   that same indirect object (dictionaries are created when missing; resources
   inherited from a ``/Pages`` node are resolved), and
2. a new ``/Contents`` array ``[<q> <original stream(s)...> <stamp>]`` where
   ``<q>`` is one shared stream containing ``q`` and ``<stamp>`` is a tiny
   stream ``Q q a b c d e f cm /PSTWm Do Q``.  The original content streams are
   referenced as they are -- never decoded or re-encoded -- and stamp streams
   are shared between pages with identical geometry.

The ``cm`` matrix places the form centred at the bottom edge of the page *as
the viewer sees it*: it uses the effective crop box (crop box intersected
with the media box, honouring non-zero origins) and compensates ``/Rotate``
(0, 90, 180, 270), so the notice always reads upright along the visible
bottom margin.  The page's boxes and ``/Rotate`` are left untouched.

Text encoding
-------------
The stamp uses a standard (non-embedded) font, which can only show the
Windows-1252 ("WinAnsi") character set.  :func:`fold_to_winansi` keeps every
character that exists in cp1252 (so "Zoë", "Siti Nurhaliza Ça", "Müller" are
printed as-is), replaces characters outside it by their accent-stripped NFKD
base letters ("Nguyễn" -> "Nguyen", "Łukasz" -> "Lukasz") and finally by
``"?"`` when no ASCII/cp1252 fallback exists (CJK, emoji).  Control characters
become spaces.  Because the font is a standard font with a standard encoding,
the stamp is extractable by ``pypdf``'s ``page.extract_text()`` and by
ordinary viewers' copy/search.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Union

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    StreamObject,
)

__all__ = [
    "PdfError",
    "PdfInfo",
    "extract_text",
    "fold_to_winansi",
    "inspect",
    "watermark",
]

#: Anything accepted as an input document: a filesystem path (``str`` or
#: ``os.PathLike``), the raw bytes of the file, or a readable binary file object.
Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, IO[bytes]]

#: Where :func:`watermark` writes: a filesystem path or a writable binary file object.
Destination = Union[str, "os.PathLike[str]", IO[bytes]]


# --------------------------------------------------------------------------
# Errors and inspection
# --------------------------------------------------------------------------


class PdfError(ValueError):
    """The input is not a usable PDF.

    ``str(err)`` is an English sentence suitable for logs; ``err.code`` is one
    of ``"empty"``, ``"not_pdf"``, ``"truncated"``, ``"corrupt"``,
    ``"encrypted"`` or ``"no_pages"`` for mapping to user-facing messages.
    """

    def __init__(self, message: str, code: str = "corrupt") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class PdfInfo:
    """Result of :func:`inspect`."""

    page_count: int
    size: int  #: size of the file in bytes
    sha256: str  #: lowercase hex digest of the file's bytes


def _read_source(source: Source) -> bytes:
    """Return the bytes of *source* (path, bytes-like or binary file object).

    ``str`` is always treated as a path, ``bytes`` always as file content.
    ``OSError`` (missing file, permissions) propagates unchanged: that is a
    programming/storage problem, not a bad upload.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fh:
            return fh.read()
    read = getattr(source, "read", None)
    if callable(read):
        data = read()
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError("file object must be opened in binary mode")
        return bytes(data)
    raise TypeError(f"expected a path, bytes or a binary file object, got {type(source).__name__}")


def _open(data: bytes) -> PdfReader:
    """Parse *data* with pypdf and validate it; raise :class:`PdfError` if unusable.

    Checks, in order: empty file, missing ``%PDF-`` header, unparsable
    structure (reported as truncated when no ``%%EOF`` marker exists, corrupt
    otherwise), missing ``%%EOF`` even though pypdf could recover the file,
    encryption, zero pages, and finally that every page's ``/Contents`` is a
    stream, an array of streams or absent.
    """
    if not data:
        raise PdfError("The file is empty.", "empty")
    if b"%PDF-" not in data[:1024]:
        raise PdfError("The file is not a PDF document (no %PDF- header).", "not_pdf")
    has_eof = data.rfind(b"%%EOF") != -1
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except MemoryError:  # pragma: no cover
        raise
    except Exception as exc:
        if not has_eof:
            raise PdfError(
                "The PDF file is truncated (incomplete upload or download).", "truncated"
            ) from exc
        raise PdfError(f"The PDF file is corrupt and cannot be read ({exc}).", "corrupt") from exc
    if not has_eof:
        # pypdf can often rebuild a cut-off file, but the tail (last pages,
        # images) may be missing: refuse rather than store a damaged copy.
        raise PdfError("The PDF file is truncated (incomplete upload or download).", "truncated")
    if encrypted:
        raise PdfError(
            "The PDF is encrypted or password-protected; an unencrypted copy is required.",
            "encrypted",
        )
    try:
        pages = reader.pages
        page_count = len(pages)
        for number, page in enumerate(pages, start=1):
            if "/Contents" not in page:
                continue
            raw = page.raw_get("/Contents")
            contents = raw.get_object()
            if contents is None or isinstance(contents, NullObject):
                if isinstance(raw, IndirectObject):  # dangling reference
                    raise PdfError(
                        f"The PDF file is corrupt: page {number} has missing content.", "corrupt"
                    )
                continue  # explicit /Contents null: blank page
            parts = list(contents) if isinstance(contents, ArrayObject) else [contents]
            if not all(isinstance(part.get_object(), StreamObject) for part in parts):
                raise PdfError(
                    f"The PDF file is corrupt: page {number} has damaged content.", "corrupt"
                )
    except PdfError:
        raise
    except MemoryError:  # pragma: no cover
        raise
    except Exception as exc:
        raise PdfError(f"The PDF file is corrupt and cannot be read ({exc}).", "corrupt") from exc
    if page_count == 0:
        raise PdfError("The PDF document has no pages.", "no_pages")
    return reader


def inspect(path_or_bytes: Source) -> PdfInfo:
    """Validate a PDF and return its page count, size in bytes and SHA-256.

    *path_or_bytes* is a path (``str``/``PathLike``), the file's bytes, or a
    readable binary file object (read to the end).

    Raises :class:`PdfError` (with ``code``) when the file is empty, not a
    PDF, truncated, corrupt, encrypted/password-protected or has no pages.
    Owner-password-only ("restrictions") encryption is rejected as well: the
    library must hold an unencrypted master copy to stamp it.
    """
    data = _read_source(path_or_bytes)
    reader = _open(data)
    return PdfInfo(
        page_count=len(reader.pages),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def extract_text(path: Source, max_chars: int = 200_000) -> str:
    """Return the text of the document's pages, joined by newlines.

    Extraction stops as soon as *max_chars* characters have been collected
    and the result is cut to at most *max_chars*.  Pages whose text cannot be
    extracted (broken fonts, odd operators...) are skipped silently.  Scanned
    documents without a text layer yield an empty (or nearly empty) string.

    Raises :class:`PdfError` for files :func:`inspect` would reject.
    """
    if max_chars <= 0:
        return ""
    reader = _open(_read_source(path))
    parts: list[str] = []
    total = 0
    for page in reader.pages:
        try:
            text = page.extract_text()
        except MemoryError:  # pragma: no cover
            raise
        except Exception:
            continue
        if not text:
            continue
        parts.append(text)
        total += len(text) + 1
        if total >= max_chars:
            break
    return "\n".join(parts)[:max_chars]


# --------------------------------------------------------------------------
# Text normalisation for the standard font
# --------------------------------------------------------------------------

# Letters that NFKD does not decompose but have an obvious ASCII base letter.
_EXTRA_FOLDS = {
    "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ı": "i", "ħ": "h", "Ħ": "H",
    "ŧ": "t", "Ŧ": "T", "ŀ": "l", "Ŀ": "L", "ĸ": "k", "ŋ": "n", "Ŋ": "N",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\u2043": "-",
    "\u2032": "'", "\u2033": '"', "\u2039": "<", "\u203a": ">",
}


def _cp1252_ok(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def fold_to_winansi(text: str) -> str:
    """Return *text* restricted to characters printable with WinAnsiEncoding.

    * characters present in Windows-1252 are kept (``"Zoë"``, ``"Ça"``, ``"ß"``,
      ``"€"``, ``"·"``);
    * other characters are NFKD-decomposed and their combining marks dropped
      (``"Nguyễn"`` -> ``"Nguyen"``, ``"ﬁ"`` -> ``"fi"``); a few letters without
      decomposition are mapped by hand (``"Đ"`` -> ``"D"``, ``"ł"`` -> ``"l"``);
    * anything still unrepresentable becomes ``"?"`` (CJK, emoji...);
    * control/line-break characters become a space, format characters
      (zero-width joiners, BOM...) are dropped.
    """
    out: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Cc", "Zl", "Zp"):
            out.append(" ")
            continue
        if category == "Cf":
            continue
        if _cp1252_ok(ch):
            out.append(ch)
            continue
        if ch in _EXTRA_FOLDS:
            out.append(_EXTRA_FOLDS[ch])
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
        )
        base = "".join(_EXTRA_FOLDS.get(c, c) for c in base)
        out.append(base if base and _cp1252_ok(base) else "?")
    return "".join(out)


# Helvetica advance widths (1/1000 em) for WinAnsi codes 32..255 (from the
# Adobe AFM, undefined cp1252 codes as 0).  Used only to size/centre the stamp.
_HELVETICA_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
)


def _text_width(encoded: bytes, size: float) -> float:
    return sum(_HELVETICA_WIDTHS[b - 32] if b >= 32 else 0 for b in encoded) * size / 1000.0


def _pdf_string(encoded: bytes) -> bytes:
    """Literal PDF string for cp1252 bytes, ASCII-only (octal escapes)."""
    out = bytearray(b"(")
    for b in encoded:
        if b in (0x28, 0x29, 0x5C):  # ( ) \
            out += b"\\" + bytes([b])
        elif 32 <= b < 127:
            out.append(b)
        else:
            out += b"\\%03o" % b
    out += b")"
    return bytes(out)


def _num(value: float) -> str:
    """Compact, deterministic number formatting for content streams."""
    if abs(value) < 5e-5:
        return "0"
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


# --------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------

Matrix = tuple[float, float, float, float, float, float]


def _multiply(m1: Matrix, m2: Matrix) -> Matrix:
    """PDF matrix product ``m1 x m2`` (apply *m1* first, then *m2*)."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _rect(page: DictionaryObject, key: str) -> tuple[float, float, float, float] | None:
    """Read a box without pypdf's accessors (which write normalised copies back)."""
    if key not in page:
        return None
    try:
        value = page.raw_get(key).get_object()
        nums = [float(v.get_object()) for v in value][:4]
    except (TypeError, ValueError, AttributeError):
        return None
    if len(nums) != 4:
        return None
    x0, y0, x1, y1 = nums
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _visible_box(page: DictionaryObject) -> tuple[float, float, float, float]:
    """Effective crop box: /CropBox clipped to /MediaBox (US Letter if absent)."""
    media = _rect(page, "/MediaBox") or (0.0, 0.0, 612.0, 792.0)
    crop = _rect(page, "/CropBox")
    if crop is None:
        return media
    box = (max(crop[0], media[0]), max(crop[1], media[1]),
           min(crop[2], media[2]), min(crop[3], media[3]))
    if box[2] - box[0] <= 1 or box[3] - box[1] <= 1:
        return media
    return box


def _rotation(page: DictionaryObject) -> int:
    try:
        value = int(float(page.raw_get("/Rotate").get_object())) if "/Rotate" in page else 0
    except (TypeError, ValueError, AttributeError):
        value = 0
    return ((value % 360 + 45) // 90 * 90) % 360


def _view_matrix(box: tuple[float, float, float, float], rotate: int) -> tuple[Matrix, float, float]:
    """Matrix from *viewer* space to user space, plus the viewer width/height.

    Viewer space has its origin at the bottom-left corner of the page as
    displayed (after the clockwise ``/Rotate``), x to the right, y up.
    """
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    if rotate == 90:
        return (0.0, 1.0, -1.0, 0.0, x1, y0), height, width
    if rotate == 180:
        return (-1.0, 0.0, 0.0, -1.0, x1, y1), width, height
    if rotate == 270:
        return (0.0, -1.0, 1.0, 0.0, x0, y1), height, width
    return (1.0, 0.0, 0.0, 1.0, x0, y0), width, height


# --------------------------------------------------------------------------
# Stamp construction
# --------------------------------------------------------------------------

_XOBJECT_NAME = "/PSTWm"
_DIAGONAL_NAME = "/PSTWmD"
_FOOTER_SIZE = 7.0  # pt, before any shrink-to-fit
_FOOTER_LEADING = 1.3
_FOOTER_BOTTOM = 8.0  # pt between the visible bottom edge and the stamp box
_FOOTER_SIDES = 18.0  # pt kept free left and right
_FOOTER_GRAY = 0.35  # fill grey level ...
_FOOTER_OPACITY = 0.6  # ... at this opacity: reads as light grey, never hides content
_DIAGONAL_SIZE = 40.0
_DIAGONAL_GRAY = 0.5
_DIAGONAL_OPACITY = 0.12
_MAX_LINES = 4
_MAX_LINE_CHARS = 240
_ARTIFACT_BEGIN = "/Artifact <</Type /Pagination /Subtype /Watermark>> BDC"


@dataclass(frozen=True)
class _Form:
    ref: IndirectObject
    width: float
    height: float


def _font_resources(opacity: float) -> DictionaryObject:
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    })
    gstate = DictionaryObject({
        NameObject("/Type"): NameObject("/ExtGState"),
        NameObject("/ca"): FloatObject(opacity),
        NameObject("/CA"): FloatObject(opacity),
    })
    return DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject("/F1"): font}),
        NameObject("/ExtGState"): DictionaryObject({NameObject("/GS1"): gstate}),
        NameObject("/ProcSet"): ArrayObject([NameObject("/PDF"), NameObject("/Text")]),
    })


def _make_form(
    writer: PdfWriter, lines: Sequence[bytes], size: float, gray: float, opacity: float
) -> _Form:
    """Add a Form XObject showing *lines* (cp1252 bytes), centred, to *writer*."""
    leading = size * _FOOTER_LEADING
    widths = [_text_width(line, size) for line in lines]
    width = max(max(widths), 1.0)
    descent = 0.25 * size
    height = descent + (len(lines) - 1) * leading + 0.95 * size
    ops = [f"/GS1 gs {_num(gray)} g BT /F1 {_num(size)} Tf".encode()]
    for index, (line, line_width) in enumerate(zip(lines, widths)):
        x = (width - line_width) / 2
        y = descent + (len(lines) - 1 - index) * leading
        ops.append(f"1 0 0 1 {_num(x)} {_num(y)} Tm ".encode() + _pdf_string(line) + b" Tj")
    ops.append(b"ET")
    stream = DecodedStreamObject()
    stream.set_data(b"\n".join(ops))
    stream.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/FormType"): NumberObject(1),
        NameObject("/BBox"): ArrayObject(
            [NumberObject(0), NumberObject(0), FloatObject(round(width, 3)), FloatObject(round(height, 3))]
        ),
        NameObject("/Resources"): _font_resources(opacity),
    })
    return _Form(writer._add_object(stream), width, height)


def _encode_line(line: str) -> bytes:
    if not isinstance(line, str):
        raise TypeError("stamp lines must be str")
    folded = " ".join(fold_to_winansi(line).split())
    if len(folded) > _MAX_LINE_CHARS:
        folded = folded[: _MAX_LINE_CHARS - 1] + "\u2026"
    return folded.encode("cp1252")


def _footer_matrix(form: _Form, view: Matrix, vw: float, vh: float) -> Matrix:
    available = max(vw - 2 * _FOOTER_SIDES, vw * 0.5)
    scale = min(1.0, available / form.width)
    tu = (vw - form.width * scale) / 2
    tv = min(_FOOTER_BOTTOM, max(vh * 0.02, 0.0))
    return _multiply((scale, 0.0, 0.0, scale, tu, tv), view)


def _diagonal_matrix(form: _Form, view: Matrix, vw: float, vh: float) -> Matrix:
    angle = math.atan2(vh, vw)
    cos, sin = math.cos(angle), math.sin(angle)
    scale = min(0.7 * math.hypot(vw, vh) / form.width, 3.0)  # <= 120 pt glyphs
    # rotate about the form's centre, then move that centre to the page centre
    local: Matrix = (scale * cos, scale * sin, -scale * sin, scale * cos, 0.0, 0.0)
    cx, cy = form.width / 2, form.height / 2
    local = (*local[:4],
             vw / 2 - (local[0] * cx + local[2] * cy),
             vh / 2 - (local[1] * cx + local[3] * cy))
    return _multiply(local, view)


def _register_xobject(page: DictionaryObject, base: str, ref: IndirectObject) -> str:
    """Add *ref* to the page's /Resources /XObject under a free name; return the name.

    Missing or malformed /Resources and /XObject dictionaries are created.
    Resources inherited from the page tree are attached to the page itself
    first.  Existing (possibly shared) dictionaries are updated in place: the
    added entry is identical for every page, so sharing stays correct and the
    output stays small.
    """
    raw = None
    node: DictionaryObject | None = page
    seen: set[int] = set()
    while node is not None and id(node) not in seen:  # walk up /Parent, raw values
        seen.add(id(node))
        if "/Resources" in node:
            raw = node.raw_get("/Resources")
            break
        parent = node.raw_get("/Parent").get_object() if "/Parent" in node else None
        node = parent if isinstance(parent, DictionaryObject) else None
    resources = raw.get_object() if raw is not None else None
    if not isinstance(resources, DictionaryObject):
        resources = DictionaryObject()
        page[NameObject("/Resources")] = resources
    elif "/Resources" not in page:
        page[NameObject("/Resources")] = raw
    xobjects = resources.raw_get("/XObject").get_object() if "/XObject" in resources else None
    if not isinstance(xobjects, DictionaryObject):
        xobjects = DictionaryObject()
        resources[NameObject("/XObject")] = xobjects
    name, counter = base, 0
    while name in xobjects and xobjects.raw_get(name) != ref:
        counter += 1
        name = f"{base}{counter}"
    xobjects[NameObject(name)] = ref
    return name


def watermark(
    src_path: Source,
    dest: Destination,
    lines: Sequence[str],
    *,
    diagonal: str | None = None,
) -> None:
    """Write a copy of *src_path* with every page stamped with *lines*.

    Args:
        src_path: input document (path, bytes or binary file object); it is
            validated like :func:`inspect` and :class:`PdfError` is raised for
            unusable files.
        dest: output path (written to a temporary file in the same directory
            and atomically renamed into place) or a writable binary file object
            (the PDF is appended at its current position; it is not closed).
        lines: 1-4 lines of text, e.g. ``["Diunduh oleh Nama <a@b.id> ·
            23-11-2026 14:05 WITA · BPS Kabupaten Majene · ID 7F3K9Q"]``.
            Text is folded with :func:`fold_to_winansi`, whitespace is
            collapsed and each line is capped at 240 characters.  The lines
            are printed centred in light grey along the bottom margin of each
            page as displayed, shrunk to fit narrow pages.
        diagonal: optional short text drawn very faintly (12% opacity) across
            the page diagonal, e.g. ``"PST Perpustakaan BPS"``.

    Returns:
        None.

    The document structure (outline, links, metadata, page boxes and
    ``/Rotate``) is preserved; the original content streams are reused
    byte-for-byte.  Output is typically 1-2% larger than a plain pypdf copy.
    """
    if isinstance(lines, str):
        raise TypeError("lines must be a list of strings, not a single string")
    encoded = [_encode_line(line) for line in lines]
    encoded = [line for line in encoded if line]
    if not encoded:
        raise ValueError("lines must contain at least one non-empty string")
    if len(encoded) > _MAX_LINES:
        raise ValueError(f"at most {_MAX_LINES} stamp lines are supported")
    diagonal_bytes = _encode_line(diagonal) if diagonal else b""

    reader = _open(_read_source(src_path))
    writer = PdfWriter(clone_from=reader, keep_initial_header=True)
    # Transparency (/ca) needs PDF 1.4.
    try:
        version = float(writer.pdf_header[5:8])
    except ValueError:
        version = 0.0
    if version < 1.4:
        writer.pdf_header = "%PDF-1.4"

    footer = _make_form(writer, encoded, _FOOTER_SIZE, _FOOTER_GRAY, _FOOTER_OPACITY)
    diag = (
        _make_form(writer, [diagonal_bytes], _DIAGONAL_SIZE, _DIAGONAL_GRAY, _DIAGONAL_OPACITY)
        if diagonal_bytes
        else None
    )
    open_q = DecodedStreamObject()
    open_q.set_data(b"q\n")
    open_q_ref: IndirectObject | None = None
    stamp_cache: dict[bytes, IndirectObject] = {}

    for page in writer.pages:
        view, vw, vh = _view_matrix(_visible_box(page), _rotation(page))
        name = _register_xobject(page, _XOBJECT_NAME, footer.ref)
        ops = [f"q {' '.join(_num(v) for v in _footer_matrix(footer, view, vw, vh))} cm {name} Do Q"]
        if diag is not None:
            dname = _register_xobject(page, _DIAGONAL_NAME, diag.ref)
            ops.append(f"q {' '.join(_num(v) for v in _diagonal_matrix(diag, view, vw, vh))} cm {dname} Do Q")

        existing: list[IndirectObject] = []
        if "/Contents" in page:
            raw = page.raw_get("/Contents")
            contents = raw.get_object()
            if isinstance(contents, ArrayObject):
                items = list(contents)
            elif isinstance(contents, StreamObject):
                items = [raw]
            else:
                items = []
            for item in items:
                if isinstance(item, IndirectObject):
                    existing.append(item)
                elif isinstance(item, StreamObject):  # invalid direct stream: make it indirect
                    existing.append(writer._add_object(item))

        # Streams are concatenated by viewers; the leading newline keeps the
        # final token of the original content separate from our "Q".
        # Marked as a pagination artifact so tagged (accessible) PDFs stay valid.
        body = "\n".join([_ARTIFACT_BEGIN, *ops, "EMC"])
        data = ("\nQ\n" if existing else "\n").encode() + body.encode() + b"\n"
        stamp_ref = stamp_cache.get(data)
        if stamp_ref is None:
            stamp = DecodedStreamObject()
            stamp.set_data(data)
            stamp_ref = stamp_cache[data] = writer._add_object(stamp)
        if existing:
            if open_q_ref is None:
                open_q_ref = writer._add_object(open_q)
            new_contents = ArrayObject([open_q_ref, *existing, stamp_ref])
        else:
            new_contents = ArrayObject([stamp_ref])
        page[NameObject("/Contents")] = new_contents

    if isinstance(dest, (str, os.PathLike)):
        directory = os.path.dirname(os.path.abspath(dest))
        fd, tmp = tempfile.mkstemp(prefix=".pst-wm-", suffix=".pdf", dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                writer.write(fh)
            os.replace(tmp, dest)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    else:
        # pypdf records absolute stream.tell() offsets in the xref table, so
        # render into a fresh buffer and copy: dest may be non-seekable or not
        # positioned at 0.
        buffer = io.BytesIO()
        writer.write(buffer)
        dest.write(buffer.getbuffer())
