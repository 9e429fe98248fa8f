"""Words of the features (feedback, walk-in visits) in the visitor's language; app/i18n.py
explains the whole.

Indonesian is the source: each text is a msgid of a catalogue (the features' own texts in
app/translations/en/LC_MESSAGES/features.po).  ``_`` and ``ngettext`` translate
at once (views, emails, CSV files); ``_l`` and :func:`lazy` when the text is shown, for
labels defined at import time (forms, constant dicts).  Stored values never go through
here: answers, profile codes, case kinds, ticket statuses are stored as codes.

The site's locale selector reads the request, so outside one (the command line, a test
working in an app context) these give the Indonesian source instead of failing.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date as _babel_format_date
from flask import has_app_context, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _gettext
from flask_babel import ngettext as _ngettext
from flask_babel.speaklater import LazyString

from app import i18n


def in_locale(function, *args, **kwargs):
    """Call ``function`` in the request's language; outside a request, in Indonesian."""
    if has_request_context() or not has_app_context():
        return function(*args, **kwargs)
    with force_locale(i18n.DEFAULT):
        return function(*args, **kwargs)


def _(string: str, **variables) -> str:
    """The text in the page's language (``%(name)s`` placeholders filled from ``variables``)."""
    return in_locale(_gettext, string, **variables)


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """The singular or plural text for ``num`` (available as ``%(num)d``)."""
    return in_locale(_ngettext, singular, plural, num, **variables)


def _l(string: str, **variables) -> LazyString:
    """A constant text translated each time it is shown (never put user data in it: it renders as markup)."""
    return LazyString(_, string, **variables)


def lazy(function, *args, **kwargs) -> LazyString:
    """Any text made when it is shown, e.g. ``lazy(lambda: _("… %(max)s …", max=format_number(5000)))``."""
    return LazyString(function, *args, **kwargs)


def language() -> str:
    """'id' or 'en'."""
    return in_locale(i18n.language)


def format_number(value, decimals: int = 0) -> str:
    """1.234,5 in Indonesian, 1,234.5 in English."""
    return in_locale(i18n.format_number, value, decimals)


def format_date_long(value: date | datetime | None) -> str:
    """23 November 2026 / 23 November 2026 (month names in the page's language)."""
    return in_locale(i18n.format_date_long, value)


def format_date(value: date | datetime, pattern: str) -> str:
    """A date with a CLDR pattern in the page's language ('LLLL y': Maret 2026 / March 2026)."""
    return _babel_format_date(value, pattern, locale=language())


def first_upper(text) -> str:
    """The first letter in capitals, the rest untouched (unlike str.capitalize): 'Pengaduan Anda'."""
    text = str(text)
    return text[:1].upper() + text[1:]
