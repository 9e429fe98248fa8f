"""The site in Indonesian (the default) and English: Flask-Babel, chosen per visitor.

The language is the visitor's choice (the switch in every page's footer, remembered in
a cookie), else the best match of the browser's ``Accept-Language``, else Indonesian.
Indonesian text is the source (the msgids); ``app/translations/en`` holds the English.
The catalogues' ``.po`` files are text in the repository; ``make`` compiles them to
``.mo`` (never committed).  An office's service standard itself is a legal document and
stays in the office's wording; only the headings around it are translated.

Strings in Python use :func:`flask_babel.gettext` (``_``) at request time, or
:func:`flask_babel.lazy_gettext` (``_l``) for labels defined at import time (forms,
module constants); templates use ``{{ _("…") }}`` and ``{% trans %}``.
"""

from __future__ import annotations

from datetime import date, datetime, time

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from flask import Blueprint, Flask, current_app, g, redirect, request
from flask.globals import _cv_app
from flask_babel import Babel, Domain, get_locale, get_translations, gettext
from jinja2 import pass_eval_context
from markupsafe import Markup
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from app.config import PROJECT_ROOT

#: The languages of the site, in the order the switch shows them.
LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT = "id"
COOKIE = "bahasa"
COOKIE_MAX_AGE = 365 * 24 * 3600


def _remembered_translations(domain):
    """The catalogue remembered for this app context's current locale and domain, or None.

    Read straight from the context (no proxies): a page asks for it for each of its
    dozens of texts.  Flask-Babel keeps the locale (and ``force_locale``'s) in
    ``g._flask_babel``; the catalogue is remembered there beside it.
    """
    app_ctx = _cv_app.get(None)
    if app_ctx is None:
        return None
    state = app_ctx.g.__dict__.get("_flask_babel")
    if state is None:
        return None
    remembered = state.__dict__.get("pst_translations")
    if remembered is None or remembered[0] is not state.__dict__.get("babel_locale") or remembered[1] is not domain:
        return None
    return remembered[2]


class _RequestDomain(Domain):
    """Flask-Babel's domain, with the catalogue of the current locale remembered for the
    rest of the app context.  Remembered with the Locale object it is for, so
    ``force_locale`` (emails, stored texts) gets its own catalogue and the page's one
    afterwards."""

    def get_translations(self):
        translations = _remembered_translations(self)
        if translations is not None:
            return translations
        locale = get_locale()
        translations = super().get_translations()
        if locale is not None:
            g._flask_babel.pst_translations = (locale, self, translations)
        return translations


def _page_translations():
    """The catalogue for the texts of a template (what Flask-Babel installs in Jinja, faster)."""
    app_ctx = _cv_app.get(None)
    if app_ctx is not None:
        state = app_ctx.g.__dict__.get("_flask_babel")
        domain = state.__dict__.get("babel_domain") if state is not None else None
        if domain is not None:
            translations = _remembered_translations(domain)
            if translations is not None:
                return translations
    return get_translations()


@pass_eval_context
def _template_gettext(__eval_ctx, __string: str, **variables):
    """``_()`` and ``{% trans %}`` in templates: what Jinja's newstyle gettext does (the
    text as markup when autoescaping, always %-formatted with the variables escaped),
    called directly rather than through the ``_`` alias and two ``Context.call``.  A text
    without "%" is the same after formatting with no variables, so that step is skipped.

    It takes the evaluation context, not the whole context as Jinja's does: a function
    that takes the context, called after a ``{% set %}`` in a block or inside a loop, is
    given a copy of the page's whole context on every call."""
    # The parameters' names are Jinja's own: a template's variable may be called "num"
    # or "string" ({% trans num=… %}), so they must not clash.
    rv = _page_translations().ugettext(__string)
    if __eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables if variables or "%" in rv else rv


@pass_eval_context
def _template_ngettext(__eval_ctx, __singular: str, __plural: str, __num: int, **variables):
    """``{% trans count=… %}…{% pluralize %}`` in templates (Jinja's newstyle ngettext)."""
    variables.setdefault("num", __num)
    rv = _page_translations().ungettext(__singular, __plural, __num)
    if __eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


babel = Babel()
bp = Blueprint("i18n", __name__)


#: One Locale object per language, made once (parsing one per request is not free).
_LOCALES = {code: Locale.parse(code) for code in LANGUAGES}


def language_for(chosen: str | None, accept_language: str | None) -> str:
    """The visitor's choice (the cookie's value), else the best match of an
    Accept-Language header, else Indonesian.  Also used by app/pagecache.py, which
    must decide a request's language exactly as the pages do, without Flask."""
    if chosen in LANGUAGES:
        return chosen
    if not accept_language:
        return DEFAULT
    return parse_accept_header(accept_language, LanguageAccept).best_match(list(LANGUAGES), default=DEFAULT)


def select_locale() -> Locale:
    """The visitor's choice, else the browser's preference, else Indonesian."""
    return _LOCALES[language_for(request.cookies.get(COOKIE), request.headers.get("Accept-Language"))]


def language() -> str:
    """The language of this request ('id' or 'en')."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT


@bp.get("/bahasa/<any(id, en):choice>")
def switch(choice: str):
    """Remember the chosen language in a cookie and go back to the page.

    A link (GET), like the browser's own language preference: it changes nothing the
    site stores, only how the visitor's pages are written, so it needs no form, and the
    pages of visitors who never press it set no cookie and stay cacheable.
    """
    from app.web import safe_next

    response = redirect(safe_next(request.args.get("next")) or "/", code=303)
    response.set_cookie(COOKIE, choice, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    response.headers["Cache-Control"] = "no-store"
    return response


def format_date_long(value: date | datetime | None) -> str:
    """A date in words in the page's language: '23 November 2026'."""
    if value is None:
        return ""
    return babel_format_date(value, "d MMMM y", locale=language())


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """A number in the page's language: 1.234,5 (Indonesian) or 1,234.5 (English)."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=language())


def format_clock(value: time | datetime | None) -> str:
    """A time of day in the page's language: 08.00 (Indonesian) or 08:00 (English)."""
    if value is None:
        return ""
    separator = "." if language() == "id" else ":"
    return f"{value.hour:02d}{separator}{value.minute:02d}"


def translated(value) -> str:
    """A label kept untranslated in a Flask-free module (marked with ``N_``), in the page's language.

    Plain text (escaped in a template), unlike ``_()``, whose result a template treats as
    markup: only the site's own labels go through here, never a visitor's text.
    """
    return gettext(str(value)) if value else ""


#: Two catalogues in one folder, merged at run time: ``messages`` (the house, accounts,
#: catalogue, standard, staff, reach) and ``features`` (feedback and visits).  Two files
#: let the parts be translated side by side; babel.cfg and babel-features.cfg say which
#: sources feed which.
DOMAINS = ("messages", "features")


def init_app(app: Flask) -> None:
    folder = str(PROJECT_ROOT / "app" / "translations")
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(folder for _ in DOMAINS))
    app.config.setdefault("BABEL_DOMAIN", ";".join(DOMAINS))
    babel.init_app(app, locale_selector=select_locale)
    if not isinstance(babel.__dict__.get("domain_instance"), _RequestDomain):
        # What Babel.domain_instance (a cached property) would make, remembering catalogues.
        babel.__dict__["domain_instance"] = _RequestDomain(domain=app.config["BABEL_DOMAIN"])
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _page_translations().ugettext(s),
        ngettext=lambda s, p, n: _page_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _page_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _page_translations().unpgettext(c, s, p, n),
    )
    # Jinja's newstyle gettext, without its three levels of Context.call for ``_()``.
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)
    app.register_blueprint(bp)

    app.add_template_filter(translated, "translated")
    app.add_template_filter(format_clock, "clock")

    @app.context_processor
    def languages():
        return {"languages": LANGUAGES, "current_language": language()}

    @app.after_request
    def vary_on_language(response):
        # The same URL answers in two languages: caches must tell them apart.
        headers = response.headers
        vary = headers.get("Vary")
        if not vary:
            headers["Vary"] = "Cookie, Accept-Language"
        else:
            response.vary.update(("Cookie", "Accept-Language"))
        if "Content-Language" not in headers and response.mimetype == "text/html":
            headers["Content-Language"] = language()
        return response
