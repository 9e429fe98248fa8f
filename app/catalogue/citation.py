"""Citations of a publication: APA text, BibTeX and RIS (no Flask).

The author of a BPS publication is the office as a corporate body, e.g.
"Badan Pusat Statistik Kabupaten Majene", which is also the publisher.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlencode


@dataclass(frozen=True)
class CitationData:
    """What a citation needs, independent of the database model."""

    author: str              # corporate author, e.g. "Badan Pusat Statistik Kabupaten Majene"
    title: str
    year: int | None
    publisher: str
    place: str | None = None
    catalogue_number: str | None = None
    publication_number: str | None = None
    issn: str | None = None
    isbn: str | None = None
    url: str | None = None
    language: str = "id"
    abstract: str = ""
    subjects: tuple[str, ...] = ()
    release_date: date | None = None
    pages: int | None = None


def apa_parts(c: CitationData) -> tuple[str, str, str]:
    """APA 7 reference split around the title, which a page sets in italics."""
    year = c.year if c.year else "t.t."
    numbers = [f"No. Katalog {c.catalogue_number}"] if c.catalogue_number else []
    if c.publication_number:
        numbers.append(f"No. Publikasi {c.publication_number}")
    after = f" ({'; '.join(numbers)})." if numbers else "."
    if c.publisher and c.publisher != c.author:
        after += f" {c.publisher}."
    if c.url:
        after += f" {c.url}"
    return f"{c.author}. ({year}). ", c.title, after


def highwire_tags(c: CitationData) -> list[tuple[str, str]]:
    """Highwire Press ``citation_*`` meta tags (Zotero's connector, Mendeley, Google Scholar).

    No ``citation_pdf_url``: a softcopy is only for a logged-in reader, stamped with them.
    """
    tags = [("citation_title", c.title), ("citation_author", c.author), ("citation_publisher", c.publisher)]
    if c.release_date:
        tags.append(("citation_publication_date", c.release_date.strftime("%Y/%m/%d")))
    elif c.year:
        tags.append(("citation_publication_date", str(c.year)))
    if c.year:
        tags.append(("citation_year", str(c.year)))
    # Numbered BPS publications are reports of the office; Zotero reads them as such.
    tags.append(("citation_technical_report_institution", c.publisher))
    if c.publication_number:
        tags.append(("citation_technical_report_number", c.publication_number))
    if c.isbn:
        tags.append(("citation_isbn", c.isbn))
    if c.issn:
        tags.append(("citation_issn", c.issn))
    tags.append(("citation_language", c.language.split("-")[0]))
    tags.extend(("citation_keywords", subject) for subject in c.subjects)
    if c.pages:
        tags.append(("citation_num_pages", str(c.pages)))
    if c.abstract:
        tags.append(("citation_abstract", c.abstract))
    if c.url:
        tags.append(("citation_abstract_html_url", c.url))
    return tags


def coins(c: CitationData) -> str:
    """An OpenURL ContextObject (COinS, Z39.88-2004) for a ``<span class="Z3988">`` title."""
    pairs = [("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", "info:ofi/fmt:kev:mtx:book"),
             ("rft.genre", "report"), ("rft.btitle", c.title), ("rft.aucorp", c.author),
             ("rft.pub", c.publisher)]
    if c.place:
        pairs.append(("rft.place", c.place))
    if c.release_date or c.year:
        pairs.append(("rft.date", c.release_date.isoformat() if c.release_date else str(c.year)))
    if c.isbn:
        pairs.append(("rft.isbn", c.isbn))
    if c.issn:
        pairs.append(("rft.issn", c.issn))
    if c.pages:
        pairs.append(("rft.tpages", str(c.pages)))
    pairs.append(("rft.language", "ind" if c.language.startswith("id") else "eng"))
    if c.url:
        pairs.append(("rft_id", c.url))
    return urlencode(pairs, quote_via=quote)


def apa(c: CitationData) -> str:
    """APA 7 reference as plain text."""
    return "".join(apa_parts(c))


def _bibtex_escape(value: str) -> str:
    value = value.replace("\\", r"\textbackslash{}")
    value = re.sub(r"([{}&%$#_])", r"\\\1", value)
    return value.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def bibtex_key(c: CitationData, ident: int | str) -> str:
    ascii_title = unicodedata.normalize("NFKD", c.title).encode("ascii", "ignore").decode()
    first_word = next((w for w in re.findall(r"[A-Za-z]+", ascii_title) if len(w) > 3), "pub")
    return f"bps{c.year or 'nd'}{first_word.lower()}{ident}"


def bibtex(c: CitationData, ident: int | str) -> str:
    """A BibTeX @book entry with the corporate author protected by braces."""
    fields = [("author", "{" + _bibtex_escape(c.author) + "}"), ("title", _bibtex_escape(c.title))]
    if c.year:
        fields.append(("year", str(c.year)))
    fields.append(("publisher", _bibtex_escape(c.publisher)))
    if c.place:
        fields.append(("address", _bibtex_escape(c.place)))
    if c.isbn:
        fields.append(("isbn", c.isbn))
    if c.issn:
        fields.append(("issn", c.issn))
    notes = []
    if c.catalogue_number:
        notes.append(f"No. Katalog {c.catalogue_number}")
    if c.publication_number:
        notes.append(f"No. Publikasi {c.publication_number}")
    if notes:
        fields.append(("note", _bibtex_escape("; ".join(notes))))
    if c.url:
        fields.append(("url", c.url))
    fields.append(("language", {"en": "english"}.get(c.language, "indonesian")))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@book{{{bibtex_key(c, ident)},\n{body}\n}}\n"


def ris(c: CitationData) -> str:
    """An RIS record (TY BOOK), CRLF line ends as the format asks."""
    lines = [("TY", "BOOK"), ("AU", c.author), ("TI", c.title)]
    if c.year:
        lines.append(("PY", str(c.year)))
    if c.release_date:
        lines.append(("DA", c.release_date.strftime("%Y/%m/%d")))
    lines.append(("PB", c.publisher))
    if c.place:
        lines.append(("CY", c.place))
    if c.isbn or c.issn:
        lines.append(("SN", c.isbn or c.issn))
    if c.catalogue_number:
        lines.append(("M1", f"No. Katalog {c.catalogue_number}"))
    if c.publication_number:
        lines.append(("M2", f"No. Publikasi {c.publication_number}"))
    for subject in c.subjects:
        lines.append(("KW", subject))
    if c.abstract:
        lines.append(("AB", " ".join(c.abstract.split())))
    if c.pages:
        lines.append(("SP", str(c.pages)))
    lines.append(("LA", {"en": "English"}.get(c.language, "Indonesian")))
    if c.url:
        lines.append(("UR", c.url))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines)
