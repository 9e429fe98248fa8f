"""Plain text helpers shared by views and engines alike (no Flask here)."""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

def N_(message: str) -> str:
    """Mark text for the message catalogue without translating it here.

    For labels kept in modules that know nothing of Flask (office profiles, opening hours):
    ``make messages`` finds them, and the page translates them where it shows them
    (``gettext(label)`` in Python, ``label | translated`` in a template).
    """
    return message


#: Digits accepted in a number typed into a URL or form (Python's int() takes 4,300).
MAX_DIGITS = 12

_ASCII_INT = re.compile(r"[+-]?[0-9]{1,%d}" % MAX_DIGITS)


def parse_int(value: object, default: int | None = None, *, minimum: int | None = None,
              maximum: int | None = None) -> int | None:
    """A whole number from text a visitor sent, or ``default`` when it is not one.

    Only ASCII digits count (``str.isdigit`` also accepts "²" and Arabic-Indic digits,
    which ``int()`` then refuses or reads unexpectedly), at most :data:`MAX_DIGITS` of
    them, and the value must lie within ``minimum``..``maximum``.
    """
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        number = value
    else:
        text = str(value or "").strip()
        if not _ASCII_INT.fullmatch(text):
            return default
        number = int(text)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return default
    return number


def slugify(text: str, limit: int = 80, fallback: str = "") -> str:
    """ASCII words joined by hyphens, e.g. for file names: 'Statistik Daerah 2024' → 'statistik-daerah-2024'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].rstrip("-")
    return slug or fallback


def format_number_id(value: float, decimals: int = 0) -> str:
    """A number the Indonesian way: 1.234.567 and 1,2 (dot for thousands, comma for decimals)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_size_id(size: int | None, number: Callable[[float, int], str] = format_number_id) -> str:
    """A file size as people read it: '840 B', '27 KB', '1,2 MB' (one decimal below 10 MB).

    ``number`` writes the figure (Indonesian by default; pages pass the visitor's locale).
    """
    if size is None:
        return ""
    if size < 1024:
        return f"{number(size, 0)} B"
    if size < 1024 * 1024:
        return f"{number(max(1, round(size / 1024)), 0)} KB"
    megabytes = size / (1024 * 1024)
    return f"{number(megabytes, 1 if megabytes < 10 else 0)} MB"
