"""ISSN and ISBN check digits (no Flask)."""

from __future__ import annotations

import re


def _digits(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").upper()


def format_issn(value: str) -> str:
    raw = _digits(value)
    return f"{raw[:4]}-{raw[4:]}"


def isbn10_check_digit(first9: str) -> str:
    total = sum(int(d) * w for d, w in zip(first9, range(10, 1, -1)))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def valid_isbn(value: str) -> bool:
    """An ISBN-13 (978/979) or ISBN-10 with a correct check digit."""
    raw = _digits(value)
    if len(raw) == 10:
        return bool(re.fullmatch(r"\d{9}[\dX]", raw)) and isbn10_check_digit(raw[:9]) == raw[9]
    return valid_isbn13(raw)


def issn_check_digit(first7: str) -> str:
    """Check character (``"0"``-``"9"`` or ``"X"``) for the first 7 ISSN digits.

    Hyphens and spaces are ignored; anything else than 7 digits raises ValueError.
    """
    digits = _digits(first7)
    if not re.fullmatch(r"\d{7}", digits):
        raise ValueError(f"expected 7 digits, got {first7!r}")
    total = sum(int(d) * w for d, w in zip(digits, range(8, 1, -1)))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def isbn13_check_digit(first12: str) -> str:
    """Check digit for the first 12 digits of an ISBN-13 (hyphens/spaces ignored)."""
    digits = _digits(first12)
    if not re.fullmatch(r"\d{12}", digits):
        raise ValueError(f"expected 12 digits, got {first12!r}")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return str((10 - total % 10) % 10)


def valid_issn(value: str) -> bool:
    """True for an ISSN such as ``"2087-4235"`` / ``"0215217X"`` with a correct check digit."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not re.fullmatch(r"\d{4}-?\d{3}[\dXx]", text):
        return False
    digits = text.replace("-", "").upper()
    return issn_check_digit(digits[:7]) == digits[7]


def valid_isbn13(value: str) -> bool:
    """True for a 978/979 ISBN-13 (hyphens or spaces allowed) with a correct check digit."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not re.fullmatch(r"\d[\d -]*\d", text) or "--" in text or "  " in text:
        return False
    digits = _digits(text)
    if not re.fullmatch(r"97[89]\d{10}", digits):
        return False
    return isbn13_check_digit(digits[:12]) == digits[12]


