"""PDF helpers for PST Perpustakaan: validation, sanitising, text extraction and stamping.

This module is deliberately free of Flask: every function takes plain
arguments (paths, bytes, file objects, strings) and returns plain values, so
it can be used from views, CLI commands, background jobs and tests alike.

Public API
----------
* :class:`PdfError` -- raised for unusable input files (not a PDF, empty,
  encrypted, truncated, corrupt, no pages, too many pages, too complex).
  ``err.code`` is a stable machine-readable key so callers can map it to a
  localised UI message.
* :class:`PdfInfo` / :func:`inspect` -- validate a file (within a page limit)
  and report its page count, byte size and SHA-256.
* :func:`active_content` / :func:`sanitize` -- find, and remove, everything a
  viewer could run or open on its own: JavaScript, automatic actions,
  launch/submit/import/remote actions, embedded files and attachments, XFA,
  multimedia.  Plain web/mail links and in-document links stay.
* :func:`extract_text` -- best-effort plain text of a document (for search
  indexing), capped at ``max_chars``, in this process.
* :func:`extract_text_isolated` -- the same in a separate, short-lived Python
  process with a wall-time and a memory limit; the result says whether the
  text is complete (:class:`ExtractedText`).
* :func:`watermark` -- stamp every page with a "who / when / where / which
  download" notice: a light diagonal identity line across the page body and
  a footer on a white backing box.
* :func:`fold_to_winansi` -- the text normalisation used for stamps (exposed
  so callers and tests can predict exactly what is printed).

Cost bounds
-----------
Uploads are hostile input.  :func:`inspect` walks the page tree itself before
pypdf flattens it, with a cap on pages (``max_pages``), on intermediate nodes
and on depth, and with loop detection, so a small crafted file (a huge
``/Count``, a page tree that refers back to itself, millions of pages made of
shared subtrees) is refused in milliseconds.  :func:`active_content` and
:func:`sanitize` visit each reachable object once, up to a fixed budget.  Text
extraction, whose cost pypdf cannot bound (a few kilobytes of compressed
operators can keep it busy for minutes), is meant to run through
:func:`extract_text_isolated`.

How the stamp is built (and why it is cheap)
--------------------------------------------
The stamp is rendered **once** into two Form XObjects (``/Type /XObject
/Subtype /Form``) whose own ``/Resources`` hold the standard Type1 font
Helvetica with ``/Encoding /WinAnsiEncoding`` and an ``/ExtGState`` for the
transparency: ``/PSTWm``, the footer lines on a white box, and ``/PSTWmD``,
the identity drawn diagonally in light grey with a white outline (so it shows
on white pages and on dark covers alike).  Each form is added to the output
as a single indirect object.  Every page then receives

1. entries ``/PSTWm`` and ``/PSTWmD`` in its ``/Resources /XObject``
   dictionary pointing to those same indirect objects (dictionaries are
   created when missing; resources inherited from a ``/Pages`` node are
   resolved), and
2. a new ``/Contents`` array ``[<q> <original stream(s)...> <stamp>]`` where
   ``<q>`` is one shared stream containing ``q`` and ``<stamp>`` is a tiny
   stream ``Q q ... cm /PSTWmD Do Q q ... cm /PSTWm Do Q``.  The original
   content streams are referenced as they are -- never decoded or re-encoded
   -- and stamp streams are shared between pages with identical geometry.

The ``cm`` matrices place the footer centred at the bottom edge of the page
*as the viewer sees it* and the diagonal from its lower-left to its
upper-right corner: they use the effective crop box (crop box intersected
with the media box, honouring non-zero origins) and compensate ``/Rotate``
(0, 90, 180, 270), so the notice always reads upright.  The page's boxes and
``/Rotate`` are left untouched.

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

import argparse
import hashlib
import io
import logging
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
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
    "DEFAULT_MAX_PAGES",
    "ExtractedText",
    "PdfError",
    "PdfInfo",
    "active_content",
    "extract_text",
    "extract_text_isolated",
    "fold_to_winansi",
    "inspect",
    "sanitize",
    "watermark",
]

log = logging.getLogger(__name__)

#: Anything accepted as an input document: a filesystem path (``str`` or
#: ``os.PathLike``), the raw bytes of the file, or a readable binary file object.
Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, IO[bytes]]

#: Where :func:`watermark` writes: a filesystem path or a writable binary file object.
Destination = Union[str, "os.PathLike[str]", IO[bytes]]

#: Pages :func:`inspect` accepts by default.  The largest BPS publications
#: (statistical yearbooks) stay well under 1,000 pages; every read stamps every
#: page, so the cap also bounds the cost of each download.
DEFAULT_MAX_PAGES = 3000


# --------------------------------------------------------------------------
# Errors and inspection
# --------------------------------------------------------------------------


class PdfError(ValueError):
    """The input is not a usable PDF.

    ``str(err)`` is an English sentence suitable for logs; ``err.code`` is one
    of ``"empty"``, ``"not_pdf"``, ``"truncated"``, ``"corrupt"``,
    ``"encrypted"``, ``"no_pages"``, ``"too_many_pages"`` (more pages than
    the caller's limit) or ``"too_complex"`` (more objects than this module
    is willing to examine) for mapping to user-facing messages.
    """

    def __init__(self, message: str, code: str = "corrupt") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class PdfInfo:
    """What is known about a validated (and, once stored, sanitised) PDF.

    :func:`inspect` fills the first three fields.  ``PdfStore.put()`` also
    reports what :func:`sanitize` removed before storing (``removed``) and why
    the full text could not be extracted (``text_problem``: ``"timeout"``,
    ``"memory"`` or ``"failed"``; ``None`` when the text is complete).
    """

    page_count: int
    size: int  #: size of the file in bytes
    sha256: str  #: lowercase hex digest of the file's bytes
    removed: tuple[str, ...] = ()  #: active content removed before storing, as :func:`active_content` names it
    text_problem: str | None = None  #: why the extracted text is empty, or None

    @property
    def text_complete(self) -> bool:
        """True unless text extraction was cut short (timeout, memory, crash)."""
        return self.text_problem is None


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


def _resolve(value: object) -> object:
    """The object behind *value* (an indirect reference or a direct object), or None."""
    if isinstance(value, IndirectObject):
        try:
            return value.get_object()
        except MemoryError:  # pragma: no cover
            raise
        except Exception:  # a dangling or unparsable reference counts as absent
            return None
    return value


def _get(container: DictionaryObject, key: str) -> object:
    """``container[key]`` resolved, or None (``dict.get`` would not resolve it)."""
    return _resolve(container.raw_get(key)) if key in container else None


def _name(container: DictionaryObject, key: str) -> str | None:
    """``container[key]`` if it is a name (``"/Page"``), else None: crafted files put anything anywhere."""
    value = _get(container, key)
    return str(value) if isinstance(value, NameObject) else None


# Page-tree bounds.  pypdf has its own (depth 100, 100,000 entries), but it
# counts against them only after it has flattened and copied that much; this
# walk stops at the first page past the caller's limit.
_MAX_TREE_DEPTH = 64
_MAX_TREE_NODES = 20_000  # intermediate /Pages nodes, counted per reference
_MAX_TREE_PAGES = 100_000  # leaves when the caller sets no limit


def _kids(node: DictionaryObject) -> ArrayObject:
    kids = _get(node, "/Kids")
    if kids is None or isinstance(kids, NullObject):
        return ArrayObject()
    if not isinstance(kids, ArrayObject):
        raise PdfError("The PDF file is corrupt: its page tree is damaged.", "corrupt")
    return kids


def _count_pages(reader: PdfReader, max_pages: int | None) -> int:
    """Count the leaves of the page tree without trusting ``/Count``.

    Follows pypdf's reading of the tree (a node is a ``/Pages`` node when its
    ``/Type`` says so, or, without ``/Type``, when it has ``/Kids``; entries of
    another ``/Type`` are ignored) so the count agrees with ``len(reader.pages)``.
    A subtree referenced twice counts twice, as pypdf counts it.

    Raises :class:`PdfError` ``"too_many_pages"`` as soon as the count passes
    *max_pages*, and ``"corrupt"`` for loops, excessive depth or more
    intermediate nodes than any real file has.
    """
    root = _get(reader.trailer, "/Root")
    pages = _get(root, "/Pages") if isinstance(root, DictionaryObject) else None
    if not isinstance(pages, DictionaryObject):
        raise PdfError("The PDF file is corrupt: it has no page tree.", "corrupt")
    limit = _MAX_TREE_PAGES if max_pages is None else min(max_pages, _MAX_TREE_PAGES)
    leaves = nodes = 0
    stack: list[tuple[DictionaryObject, Iterator]] = [(pages, iter(_kids(pages)))]
    ancestors = {id(pages)}
    while stack:
        node, kids = stack[-1]
        for raw in kids:
            kid = _resolve(raw)
            if not isinstance(kid, DictionaryObject) or not kid:
                continue
            if id(kid) in ancestors:
                raise PdfError("The PDF file is corrupt: its page tree refers back to itself.", "corrupt")
            kind = _name(kid, "/Type") if "/Type" in kid else None
            if kind == "/Pages" or (kind is None and "/Kids" in kid):
                nodes += 1
                if nodes > _MAX_TREE_NODES or len(stack) >= _MAX_TREE_DEPTH:
                    raise PdfError("The PDF file is corrupt: its page tree is malformed.", "corrupt")
                ancestors.add(id(kid))
                stack.append((kid, iter(_kids(kid))))
                break
            if kind is not None and kind != "/Page":
                continue
            leaves += 1
            if leaves > limit:
                raise PdfError(f"The PDF has more than {limit} pages.", "too_many_pages")
        else:
            stack.pop()
            ancestors.discard(id(node))
    return leaves


def _open(data: bytes, *, max_pages: int | None = None) -> PdfReader:
    """Parse *data* with pypdf and validate it; raise :class:`PdfError` if unusable.

    Checks, in order: empty file, missing ``%PDF-`` header, unparsable
    structure (reported as truncated when no ``%%EOF`` marker exists, corrupt
    otherwise), missing ``%%EOF`` even though pypdf could recover the file,
    encryption, a bounded walk of the page tree (at most *max_pages* pages
    when given), zero pages, and finally that every page's ``/Contents`` is a
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
        _count_pages(reader, max_pages)
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


def inspect(path_or_bytes: Source, *, max_pages: int | None = DEFAULT_MAX_PAGES) -> PdfInfo:
    """Validate a PDF and return its page count, size in bytes and SHA-256.

    *path_or_bytes* is a path (``str``/``PathLike``), the file's bytes, or a
    readable binary file object (read to the end).

    Raises :class:`PdfError` (with ``code``) when the file is empty, not a
    PDF, truncated, corrupt, encrypted/password-protected, has no pages, or
    has more than *max_pages* pages (``"too_many_pages"``; ``None`` lifts the
    limit up to a hard cap of 100,000).  Owner-password-only ("restrictions")
    encryption is rejected as well: the library must hold an unencrypted
    master copy to stamp it.

    The page tree is walked with loop detection and caps on depth and node
    count before pypdf flattens it, so a small crafted file cannot keep this
    call busy (see "Cost bounds" in the module documentation).
    """
    data = _read_source(path_or_bytes)
    reader = _open(data, max_pages=max_pages)
    return PdfInfo(
        page_count=len(reader.pages),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


# --------------------------------------------------------------------------
# Active content: detection and removal
# --------------------------------------------------------------------------

#: URI schemes a link may keep.  Everything else (javascript:, file:, data:,
#: smb:, relative paths a viewer resolves against the local disk...) goes.
_SAFE_URI_SCHEMES = frozenset({"http", "https", "mailto"})

#: Values of an action dictionary's ``/S`` (PDF 2.0, table 201, plus the
#: Adobe extensions seen in the wild).  A dictionary with one of these, or with
#: ``/Type /Action`` or a ``/JS`` entry, is treated as an action.
_ACTION_TYPES = frozenset({
    "/GoTo", "/GoToR", "/GoToE", "/GoToDp", "/Launch", "/Thread", "/URI", "/Sound",
    "/Movie", "/Hide", "/Named", "/SubmitForm", "/ResetForm", "/ImportData",
    "/JavaScript", "/ECMAScript", "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView",
    "/RichMediaExecute",
})

#: Named actions every viewer implements as plain navigation.
_SAFE_NAMED_ACTIONS = frozenset({"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"})

#: Annotation subtypes that exist to play, open or run something.
_ACTIVE_ANNOTATIONS = {
    "/FileAttachment": "file attachment annotation",
    "/RichMedia": "RichMedia (Flash/video) annotation",
    "/Screen": "multimedia (screen) annotation",
    "/Movie": "movie annotation",
    "/Sound": "sound annotation",
    "/3D": "3D annotation",
}

#: What an active annotation carries; stripped when it cannot simply be dropped.
_ANNOTATION_PAYLOAD = (
    "/FS", "/A", "/AA", "/PA", "/RichMediaContent", "/RichMediaSettings", "/Movie",
    "/Sound", "/3DD", "/3DV", "/3DA",
)

#: Document-level name trees that hold scripts, attachments or media.
_ACTIVE_NAME_TREES = {
    "/JavaScript": "document JavaScript (/Names /JavaScript)",
    "/EmbeddedFiles": "embedded files (/Names /EmbeddedFiles)",
    "/AlternatePresentations": "alternate presentations (/Names /AlternatePresentations)",
    "/Renditions": "media renditions (/Names /Renditions)",
}

#: Dictionaries and arrays :func:`active_content` and :func:`sanitize` visit
#: at most.  A 200-page report has about 1,500, a large tagged one tens of
#: thousands.  pypdf parses an object in about 40 µs, and every download
#: copies the same objects, so the budget bounds the cost of each read too.
_MAX_SCAN_NODES = 250_000

_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


def _uri_scheme(value: object) -> str:
    """Lowercase scheme of a URI action's target ('' when there is none)."""
    if isinstance(value, bytes):
        text = value.decode("latin-1")
    elif isinstance(value, str):
        text = value
    else:
        return ""
    # Viewers skip whitespace and control characters here ("java\tscript:").
    text = "".join(ch for ch in text if ch > " " and ch != "\x7f").lower()
    match = _SCHEME.match(text)
    return match.group(1) if match else ""


def _is_action(obj: object) -> bool:
    return isinstance(obj, DictionaryObject) and (
        _name(obj, "/S") in _ACTION_TYPES or "/JS" in obj or _name(obj, "/Type") == "/Action"
    )


def _action_problem(action: DictionaryObject) -> str | None:
    """Why *action* must go, or None for in-document jumps and web/mail links."""
    kind = _name(action, "/S")
    if "/JS" in action or kind in ("/JavaScript", "/ECMAScript"):
        return "JavaScript action"
    if kind == "/GoTo":
        return None
    if kind == "/URI":
        scheme = _uri_scheme(_get(action, "/URI"))
        if scheme in _SAFE_URI_SCHEMES:
            return None
        return f"{scheme}: link" if scheme else "link without http/https/mailto address"
    if kind == "/Named" and _name(action, "/N") in _SAFE_NAMED_ACTIONS:
        return None
    return f"{kind} action" if kind else "action of unknown type"


def _annotation_problem(annotation: DictionaryObject) -> str | None:
    """Why an annotation must leave its page: active subtype, or a link whose only target goes."""
    subtype = _name(annotation, "/Subtype")
    if subtype in _ACTIVE_ANNOTATIONS:
        return _ACTIVE_ANNOTATIONS[subtype]
    if subtype == "/Link" and "/Dest" not in annotation:
        action = _get(annotation, "/A")
        if _is_action(action):
            return _action_problem(action)
    return None


class _ActiveContentScan:
    """One pass over every object reachable from the catalog and the document info.

    With ``fix=False`` it only records what it finds; with ``fix=True`` it also
    edits the reader's (cached, mutable) objects in place so that a later
    ``PdfWriter(clone_from=reader)`` -- which copies only what is reachable --
    carries none of it.  Every reference to an unsafe action or an embedded
    file is cut wherever it sits, so the same object reached by two routes
    cannot survive through the second.
    """

    def __init__(self, *, fix: bool) -> None:
        self.fix = fix
        self.found: list[str] = []
        # id() -> object: holding the object keeps its id from being reused by
        # one parsed later, once a cut has left it unreferenced.
        self._seen: dict[int, object] = {}
        self._stack: list[DictionaryObject | ArrayObject] = []

    def note(self, what: str) -> None:
        if what not in self.found:
            self.found.append(what)

    def run(self, reader: PdfReader) -> list[str]:
        root = _get(reader.trailer, "/Root")
        if isinstance(root, DictionaryObject):
            self._catalog(root)
            self._push(root)
        info = _get(reader.trailer, "/Info")
        if isinstance(info, DictionaryObject):
            self._push(info)
        while self._stack:
            self._visit(self._stack.pop())
        return self.found

    def _push(self, container: object) -> None:
        if not isinstance(container, (DictionaryObject, ArrayObject)) or id(container) in self._seen:
            return
        if len(self._seen) >= _MAX_SCAN_NODES:
            raise PdfError("The PDF file has too many objects to be checked.", "too_complex")
        self._seen[id(container)] = container
        self._stack.append(container)

    def _catalog(self, root: DictionaryObject) -> None:
        names = _get(root, "/Names")
        if isinstance(names, DictionaryObject):
            for key, what in _ACTIVE_NAME_TREES.items():
                if key in names:
                    self.note(what)
                    if self.fix:
                        del names[key]
                    else:  # already reported as a whole; do not list its entries again
                        tree = _get(names, key)
                        if isinstance(tree, (DictionaryObject, ArrayObject)):
                            self._seen[id(tree)] = tree
        form = _get(root, "/AcroForm")
        if isinstance(form, DictionaryObject) and "/XFA" in form:
            self.note("XFA form")
            if self.fix:
                del form["/XFA"]
                if "/NeedsRendering" in root:
                    del root["/NeedsRendering"]
        if "/Collection" in root:
            self.note("portable collection (PDF portfolio)")
            if self.fix:
                del root["/Collection"]

    def _problem(self, key: str | None, value: object) -> tuple[str, str] | None:
        """(what, kind) when *value* must be cut from its parent; kind is
        ``"action"``, ``"annotation"`` or ``"file"``."""
        if not isinstance(value, DictionaryObject):
            return None
        if _is_action(value):
            problem = _action_problem(value)
            if problem is None:
                return None
            if key == "/OpenAction":
                problem += " run on opening (/OpenAction)"
            return problem, "action"
        if "/Rect" in value and "/Subtype" in value:
            problem = _annotation_problem(value)
            return (problem, "annotation") if problem else None
        if _name(value, "/Type") == "/EmbeddedFile":
            return "embedded file", "file"
        return None

    def _cut_annotation(self, annotation: DictionaryObject) -> None:
        """Empty an active annotation that other objects may still reference, and visit it."""
        if self.fix and _name(annotation, "/Subtype") in _ACTIVE_ANNOTATIONS:
            for key in _ANNOTATION_PAYLOAD:
                if key in annotation:
                    del annotation[key]
        # Whatever stays reachable (popup, appearance, a link's /A) is checked too.
        self._push(annotation)

    def _visit(self, container: DictionaryObject | ArrayObject) -> None:
        if isinstance(container, DictionaryObject):
            if "/AA" in container:
                kind = _name(container, "/Type")
                where = ("document" if kind == "/Catalog" else "page" if kind == "/Page"
                         else "annotation/form field" if "/Rect" in container or "/FT" in container
                         else "object")
                self.note(f"{where} actions run on events (/AA)")
                if self.fix:
                    del container["/AA"]
            if "/EF" in container or "/RF" in container:  # a file specification with the file inside
                self.note("embedded file")
                if self.fix:
                    for key in ("/EF", "/RF"):
                        if key in container:
                            del container[key]
            for key in list(container.keys()):
                value = _resolve(container.raw_get(key))
                found = self._problem(key, value)
                if found is None:
                    self._push(value)
                    continue
                self.note(found[0])
                if found[1] == "annotation":
                    # Referenced from a dictionary (a structure element's /Obj,
                    # a popup's /Parent): the reference stays valid, the
                    # annotation is emptied; page /Annots arrays drop it.
                    self._cut_annotation(value)
                elif self.fix:
                    del container[key]
        else:
            doomed: list[int] = []
            for index, raw in enumerate(container):
                value = _resolve(raw)
                found = self._problem(None, value)
                if found is None:
                    self._push(value)
                    continue
                self.note(found[0])
                doomed.append(index)
                if found[1] == "annotation":
                    self._cut_annotation(value)
            if self.fix:
                for index in reversed(doomed):
                    del container[index]


def _scan(reader: PdfReader, *, fix: bool) -> list[str]:
    try:
        return _ActiveContentScan(fix=fix).run(reader)
    except (PdfError, MemoryError):
        raise
    except Exception as exc:  # a structure pypdf itself cannot follow
        raise PdfError(f"The PDF file is corrupt and cannot be checked ({exc}).", "corrupt") from exc


def active_content(source: Source) -> list[str]:
    """Name the active content of a PDF; an empty list means there is none.

    Active content is anything a viewer may run, open or send without the
    reader asking for it: JavaScript (document-level, ``/OpenAction``,
    ``/AA`` on the catalog, pages, annotations and form fields), ``/Launch``,
    ``/SubmitForm``, ``/ImportData``, ``/GoToR``, ``/GoToE`` and other
    non-navigation actions, links to any scheme but http, https and mailto
    (``javascript:``, ``file:``...), embedded files and file-attachment
    annotations, XFA forms, RichMedia/3D/sound/movie annotations and
    portfolios.  Each kind is named once, in English, in order of discovery
    (e.g. ``["JavaScript action run on opening (/OpenAction)",
    "page actions run on events (/AA)", "/Launch action"]``).

    Raises :class:`PdfError` for files :func:`inspect` would reject (no page
    limit) and ``"too_complex"`` when the file has more objects than the
    scan budget.
    """
    return _scan(_open(_read_source(source)), fix=False)


def sanitize(source: Source) -> bytes:
    """Return a copy of a PDF without its active content (see :func:`active_content`).

    Removed: document JavaScript and embedded-file name trees; every ``/AA``;
    every action that is not a ``/GoTo``, a ``/URI`` to http, https or mailto,
    or a next/previous/first/last page ``/Named`` action (wherever it sits:
    ``/OpenAction``, link and widget ``/A``, outline items, ``/Next`` chains);
    links left without a target; the file inside every file specification
    (``/EF``, ``/RF``); file-attachment, RichMedia, screen, movie, sound and 3D
    annotations; XFA; portfolio ``/Collection``.

    Kept: pages and their content streams (byte for byte), text, fonts,
    images, plain and internal links, outline entries (an entry whose action
    was removed stays, without it), named destinations, AcroForm fields
    (without their scripts), metadata (``/Info`` and XMP), page labels and
    the structure tree.

    A document without active content is returned **unchanged** (the very
    same bytes), so sanitising is idempotent and a clean file keeps its
    SHA-256.  Raises :class:`PdfError` like :func:`active_content`.
    """
    data = _read_source(source)
    reader = _open(data)
    if not _scan(reader, fix=True):
        return data
    try:
        writer = PdfWriter(clone_from=reader, keep_initial_header=True)
        buffer = io.BytesIO()
        writer.write(buffer)
    except MemoryError:  # pragma: no cover
        raise
    except Exception as exc:
        raise PdfError(f"The PDF file is corrupt and cannot be rewritten ({exc}).", "corrupt") from exc
    return buffer.getvalue()


# --------------------------------------------------------------------------
# Text extraction
# --------------------------------------------------------------------------


def extract_text(path: Source, max_chars: int = 200_000) -> str:
    """Return the text of the document's pages, joined by newlines.

    Extraction stops as soon as *max_chars* characters have been collected
    and the result is cut to at most *max_chars*.  Pages whose text cannot be
    extracted (broken fonts, odd operators...) are skipped silently.  Scanned
    documents without a text layer yield an empty (or nearly empty) string.

    This runs in the calling process and its cost is not bounded: use
    :func:`extract_text_isolated` for uploaded files.

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
        except MemoryError:
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


@dataclass(frozen=True)
class ExtractedText:
    """Result of :func:`extract_text_isolated`."""

    text: str
    #: None when extraction ran to the end; otherwise ``"timeout"`` (wall-time
    #: or CPU limit), ``"memory"`` (memory limit) or ``"failed"`` (the helper
    #: process could not start or crashed); ``text`` is then empty.
    problem: str | None = None

    @property
    def complete(self) -> bool:
        """True when ``text`` is all the text there is (up to ``max_chars``)."""
        return self.problem is None


# Exit statuses of the helper process (see _main).
_EXIT_UNREADABLE = 2
_EXIT_MEMORY = 3


def extract_text_isolated(
    source: Source,
    *,
    max_chars: int = 200_000,
    timeout: float = 15.0,
    memory_mb: int = 768,
    python: str | None = None,
) -> ExtractedText:
    """:func:`extract_text` in a separate process with a wall-time and a memory limit.

    The helper is a fresh interpreter (``python -I <this file> extract-text``;
    *python* defaults to ``sys.executable``) that reads the PDF from its
    standard input, limits its own address space to *memory_mb* MiB
    (``RLIMIT_AS``) and its CPU time to about *timeout* seconds
    (``RLIMIT_CPU``), and writes the text to its standard output.  The
    parent waits at most *timeout* seconds of wall time and then kills it, so
    a crafted file can cost a worker that long at most and can never exhaust
    the worker's own memory.  Running this file by path (not ``-m app.pdf``)
    keeps the helper from importing the Flask application: it starts in about
    0.15 s.  Nothing is inherited from the caller (no fork of a threaded
    gunicorn worker, no pickling, no module state).

    Never raises for a bad or hostile file: an unreadable document, a helper
    that runs out of time or memory or dies gives an empty text with
    ``problem`` set (and a warning in the log).  ``OSError`` reading *source*
    from a path propagates, as everywhere in this module.
    """
    data = _read_source(source)
    if max_chars <= 0:
        return ExtractedText("")
    command = [
        python or sys.executable, "-I", os.path.abspath(__file__), "extract-text",
        "--max-chars", str(int(max_chars)),
        "--memory-mb", str(int(memory_mb)),
        "--cpu-seconds", str(max(1, math.ceil(timeout)) + 1),
    ]
    try:
        completed = subprocess.run(
            command, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed and reaped the helper
        log.warning("PDF text extraction stopped after %.1f s (file of %d bytes)", timeout, len(data))
        return ExtractedText("", "timeout")
    except OSError as exc:
        log.warning("PDF text extraction helper could not start: %s", exc)
        return ExtractedText("", "failed")
    status = completed.returncode
    if status == 0:
        return ExtractedText(completed.stdout.decode("utf-8", "replace"))
    stderr = completed.stderr.decode("utf-8", "replace")[-2000:]
    if status == -getattr(signal, "SIGXCPU", 24):
        problem = "timeout"
    elif status == _EXIT_MEMORY or "MemoryError" in stderr or "Cannot allocate memory" in stderr:
        problem = "memory"
    else:
        problem = "failed"
    log.warning("PDF text extraction helper ended with status %s (%s): %s",
                status, problem, stderr.strip().splitlines()[-1:] or "no message")
    return ExtractedText("", problem)


def _limit_resources(memory_mb: int, cpu_seconds: int) -> None:
    """Cap this (helper) process: address space, CPU time, no core files."""
    import resource  # Unix only; imported here so the module loads anywhere.

    memory = int(memory_mb) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the extraction helper (see :func:`extract_text_isolated`)."""
    parser = argparse.ArgumentParser(prog="pdf.py", description="PST Perpustakaan PDF helper")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract-text", help="PDF on stdin, UTF-8 text on stdout")
    extract.add_argument("--max-chars", type=int, default=200_000)
    extract.add_argument("--memory-mb", type=int, default=768)
    extract.add_argument("--cpu-seconds", type=int, default=16)
    args = parser.parse_args(argv)
    _limit_resources(args.memory_mb, args.cpu_seconds)
    try:
        text = extract_text(sys.stdin.buffer.read(), max_chars=args.max_chars)
        sys.stdout.buffer.write(text.encode("utf-8", "replace"))
        sys.stdout.buffer.flush()
    except MemoryError:
        os._exit(_EXIT_MEMORY)  # no clean-up: it could need memory too
    except PdfError as exc:
        print(f"{exc.code}: {exc}", file=sys.stderr)
        return _EXIT_UNREADABLE
    return 0


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

_XOBJECT_NAME = "/PSTWm"  # the footer
_DIAGONAL_NAME = "/PSTWmD"  # the diagonal identity line
_FOOTER_SIZE = 7.0  # pt, before any shrink-to-fit
_FOOTER_LEADING = 1.3
_FOOTER_BOTTOM = 8.0  # pt between the visible bottom edge and the footer box
_FOOTER_SIDES = 18.0  # pt kept free left and right
_FOOTER_PAD_X = 4.0  # white box around the footer text
_FOOTER_PAD_Y = 2.5
_FOOTER_GRAY = 0.3  # dark grey text ...
_FOOTER_BOX_OPACITY = 0.85  # ... on an almost opaque white box: reads on any cover
_DIAGONAL_SIZE = 40.0  # pt in the form; each page scales it
_DIAGONAL_MAX_SIZE = 54.0  # pt on the page, for short texts on large pages
_DIAGONAL_LENGTH = 0.8  # of the page diagonal, for long texts
_DIAGONAL_MAX_EM = 44.0  # longer texts are shortened (about 80 characters)
_DIAGONAL_GRAY = 0.5  # light grey fill ...
_DIAGONAL_FILL_OPACITY = 0.18
_DIAGONAL_OUTLINE_OPACITY = 0.45  # ... with a white outline: shows on dark pages too
_DIAGONAL_OUTLINE_WIDTH = 1.0  # pt at _DIAGONAL_SIZE
_SEPARATOR = " \u00b7 "  # " · ", between the parts of a stamp line
_MAX_LINES = 4
_MAX_LINE_CHARS = 240
_ARTIFACT_BEGIN = "/Artifact <</Type /Pagination /Subtype /Watermark>> BDC"


@dataclass(frozen=True)
class _Form:
    ref: IndirectObject
    width: float
    height: float


def _resources(gstate: DictionaryObject) -> DictionaryObject:
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    })
    gstate[NameObject("/Type")] = NameObject("/ExtGState")
    return DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject("/F1"): font}),
        NameObject("/ExtGState"): DictionaryObject({NameObject("/GS1"): gstate}),
        NameObject("/ProcSet"): ArrayObject([NameObject("/PDF"), NameObject("/Text")]),
    })


def _add_form(writer: PdfWriter, ops: list[bytes], width: float, height: float,
              resources: DictionaryObject) -> _Form:
    stream = DecodedStreamObject()
    stream.set_data(b"\n".join(ops))
    stream.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/FormType"): NumberObject(1),
        NameObject("/BBox"): ArrayObject(
            [NumberObject(0), NumberObject(0), FloatObject(round(width, 3)), FloatObject(round(height, 3))]
        ),
        NameObject("/Resources"): resources,
    })
    return _Form(writer._add_object(stream), width, height)


def _make_footer(writer: PdfWriter, lines: Sequence[bytes]) -> _Form:
    """Add the footer form: *lines* (cp1252 bytes), centred, dark grey on a white box."""
    size = _FOOTER_SIZE
    leading = size * _FOOTER_LEADING
    widths = [_text_width(line, size) for line in lines]
    text_width = max(max(widths), 1.0)
    descent = 0.25 * size
    text_height = descent + (len(lines) - 1) * leading + 0.95 * size
    width = text_width + 2 * _FOOTER_PAD_X
    height = text_height + 2 * _FOOTER_PAD_Y
    ops = [
        f"q /GS1 gs 1 g 0 0 {_num(width)} {_num(height)} re f Q".encode(),
        f"{_num(_FOOTER_GRAY)} g 0 Tr BT /F1 {_num(size)} Tf".encode(),
    ]
    for index, (line, line_width) in enumerate(zip(lines, widths)):
        x = _FOOTER_PAD_X + (text_width - line_width) / 2
        y = _FOOTER_PAD_Y + descent + (len(lines) - 1 - index) * leading
        ops.append(f"1 0 0 1 {_num(x)} {_num(y)} Tm ".encode() + _pdf_string(line) + b" Tj")
    ops.append(b"ET")
    gstate = DictionaryObject({NameObject("/ca"): FloatObject(_FOOTER_BOX_OPACITY)})
    return _add_form(writer, ops, width, height, _resources(gstate))


def _make_diagonal(writer: PdfWriter, line: bytes) -> _Form:
    """Add the diagonal form: *line* in light grey with a white outline (text render mode 2)."""
    size = _DIAGONAL_SIZE
    width = max(_text_width(line, size), 1.0)
    descent = 0.25 * size
    height = descent + 0.95 * size
    ops = [
        f"/GS1 gs {_num(_DIAGONAL_GRAY)} g 1 G {_num(_DIAGONAL_OUTLINE_WIDTH)} w 1 j 2 Tr".encode(),
        f"BT /F1 {_num(size)} Tf 1 0 0 1 0 {_num(descent)} Tm ".encode() + _pdf_string(line) + b" Tj ET",
    ]
    gstate = DictionaryObject({
        NameObject("/ca"): FloatObject(_DIAGONAL_FILL_OPACITY),
        NameObject("/CA"): FloatObject(_DIAGONAL_OUTLINE_OPACITY),
    })
    return _add_form(writer, ops, width, height, _resources(gstate))


def _fold_line(line: str) -> str:
    if not isinstance(line, str):
        raise TypeError("stamp lines must be str")
    folded = " ".join(fold_to_winansi(line).split())
    if len(folded) > _MAX_LINE_CHARS:
        folded = folded[: _MAX_LINE_CHARS - 1] + "\u2026"
    return folded


def _encode_line(line: str) -> bytes:
    return _fold_line(line).encode("cp1252")


def _em(text: str) -> float:
    return _text_width(text.encode("cp1252"), 1.0)


def _shorten(text: str, budget: float = _DIAGONAL_MAX_EM) -> str:
    """Fit *text* (already folded) into *budget* ems of Helvetica, keeping who and which download.

    A stamp line reads ``"<who> · <when> · <where> · ID <download id>"``: the
    middle parts go first (from the right), then the first part is cut with
    an ellipsis, keeping the last part (the download id) whole when it fits.
    """
    if _em(text) <= budget:
        return text
    parts = text.split(_SEPARATOR)
    while len(parts) > 2 and _em(_SEPARATOR.join(parts)) > budget:
        del parts[-2]
    text = _SEPARATOR.join(parts)
    if _em(text) <= budget:
        return text
    head, tail = text, ""
    if len(parts) > 1 and _em("\u2026" + _SEPARATOR + parts[-1]) <= budget / 2:
        head, tail = _SEPARATOR.join(parts[:-1]), _SEPARATOR + parts[-1]
    while head and _em(head.rstrip() + "\u2026" + tail) > budget:
        head = head[:-1]
    return head.rstrip() + "\u2026" + tail


def _footer_matrix(form: _Form, view: Matrix, vw: float, vh: float) -> Matrix:
    available = max(vw - 2 * _FOOTER_SIDES, vw * 0.5)
    scale = min(1.0, available / form.width)
    tu = (vw - form.width * scale) / 2
    tv = min(_FOOTER_BOTTOM, max(vh * 0.02, 0.0))
    return _multiply((scale, 0.0, 0.0, scale, tu, tv), view)


def _diagonal_matrix(form: _Form, view: Matrix, vw: float, vh: float) -> Matrix:
    angle = math.atan2(vh, vw)
    cos, sin = math.cos(angle), math.sin(angle)
    scale = min(_DIAGONAL_LENGTH * math.hypot(vw, vh) / form.width, _DIAGONAL_MAX_SIZE / _DIAGONAL_SIZE)
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


def _cm(matrix: Matrix) -> str:
    return " ".join(_num(v) for v in matrix)


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
            validated like :func:`inspect` (without a page limit) and
            :class:`PdfError` is raised for unusable files.
        dest: output path (written to a temporary file in the same directory
            and atomically renamed into place) or a writable binary file object
            (the PDF is appended at its current position; it is not closed).
        lines: 1-4 lines of text, e.g. ``["Diunduh oleh Nama <a@b.id> ·
            23-11-2026 14:05 WITA · BPS Kabupaten Majene · ID 7F3K9Q"]``.
            Text is folded with :func:`fold_to_winansi`, whitespace is
            collapsed and each line is capped at 240 characters.  The lines
            are printed centred in dark grey on a white box along the bottom
            margin of each page as displayed, shrunk to fit narrow pages.
        diagonal: the identity drawn across the page body, from the lower
            left to the upper right corner, in light grey with a white outline
            (so it shows on white pages and dark covers alike), e.g.
            ``"Nama <a@b.id> · ID 7F3K9Q"``.  ``None`` (the default) uses the
            first of *lines*; ``""`` leaves the diagonal out.  A text longer
            than about 80 characters is shortened: parts between ``" · "``
            are dropped from the middle (so ``"who · when · where · ID x"``
            becomes ``"who · ID x"``), then the first part is cut with "…".

    Returns:
        None.

    The document structure (outline, links, metadata, page boxes and
    ``/Rotate``) is preserved; the original content streams are reused
    byte-for-byte.  Output is typically 1-3% larger than a plain pypdf copy.
    """
    if isinstance(lines, str):
        raise TypeError("lines must be a list of strings, not a single string")
    encoded = [_encode_line(line) for line in lines]
    encoded = [line for line in encoded if line]
    if not encoded:
        raise ValueError("lines must contain at least one non-empty string")
    if len(encoded) > _MAX_LINES:
        raise ValueError(f"at most {_MAX_LINES} stamp lines are supported")
    if diagonal is None:
        diagonal = encoded[0].decode("cp1252")
    diagonal_bytes = _shorten(_fold_line(diagonal)).encode("cp1252") if diagonal else b""

    reader = _open(_read_source(src_path))
    writer = PdfWriter(clone_from=reader, keep_initial_header=True)
    # Transparency (/ca) needs PDF 1.4.
    try:
        version = float(writer.pdf_header[5:8])
    except ValueError:
        version = 0.0
    if version < 1.4:
        writer.pdf_header = "%PDF-1.4"

    footer = _make_footer(writer, encoded)
    diag = _make_diagonal(writer, diagonal_bytes) if diagonal_bytes.strip() else None
    open_q = DecodedStreamObject()
    open_q.set_data(b"q\n")
    open_q_ref: IndirectObject | None = None
    stamp_cache: dict[bytes, IndirectObject] = {}
    ops_cache: dict[tuple, list[str]] = {}

    for page in writer.pages:
        geometry = (_visible_box(page), _rotation(page))
        dname = _register_xobject(page, _DIAGONAL_NAME, diag.ref) if diag is not None else None
        name = _register_xobject(page, _XOBJECT_NAME, footer.ref)
        ops = ops_cache.get((geometry, dname, name))
        if ops is None:
            view, vw, vh = _view_matrix(*geometry)
            ops = []
            # The diagonal first, so the footer's white box is drawn over it.
            if diag is not None:
                ops.append(f"q {_cm(_diagonal_matrix(diag, view, vw, vh))} cm {dname} Do Q")
            ops.append(f"q {_cm(_footer_matrix(footer, view, vw, vh))} cm {name} Do Q")
            ops_cache[(geometry, dname, name)] = ops

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


if __name__ == "__main__":  # the extraction helper; see extract_text_isolated()
    sys.exit(_main())
