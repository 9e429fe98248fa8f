"""Indonesian by default, English on request; no user-visible text left untranslated."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2 import Environment, nodes

from tests.helpers import OFFICES_DIR, visible_text

ROOT = OFFICES_DIR.parent
TEMPLATES = ROOT / "templates"
CATALOGUES = sorted((ROOT / "app" / "translations" / "en" / "LC_MESSAGES").glob("*.po"))

#: Words that are the same in both languages (names, abbreviations) and may stand as text.
SAME_IN_BOTH = {
    "pst", "bps", "ikm", "skm", "nrr", "uu", "sk", "no", "issn", "isbn", "pdf", "csv", "json", "ris", "bibtex",
    "apa", "email", "e-mail", "wib", "wita", "wit", "id", "whatsapp", "sms", "lapor", "sp4n", "oai", "pmh",
    "oai-pmh", "atom", "rss", "opensearch", "zotero", "mendeley", "endnote", "a4", "ok", "x", "kb", "mb",
    "english", "bahasa", "indonesia", "a", "b", "c", "d", "p", "html", "url", "qr",
}


#: Attributes a person reads or hears (a screen reader reads aria-label, alt and title).
VISIBLE_ATTRIBUTES = ("placeholder", "aria-label", "alt", "title")
#: Functions whose string arguments are code or already translated, not text to translate.
CODE_CALLS = {"_", "gettext", "ngettext", "pgettext", "npgettext", "url_for", "csrf_token", "slot", "range",
              "search_url", "toggle_url", "staff_menu", "login_next", "home_url", "dict"}


def _words(text: str) -> list[str]:
    """Words of a language: not names in SAME_IN_BOTH, not codes with digits (ABCD-2345, A-01)."""
    return [word for word in re.findall(r"[^\W\d_][\w'’-]*", html.unescape(text))
            if word.lower() not in SAME_IN_BOTH and not re.search(r"\d", word)]


def literal_text(template: Path) -> list[str]:
    """Words written straight into a template (outside {{ _() }} and {% trans %}).

    The template's text is read with Jinja's own lexer, every {{ … }} and {% … %} left as a
    placeholder, so a tag with Jinja in its attributes is still a tag: its attributes are
    dropped, except those a person reads (placeholder, aria-label, alt, title).  Text inside
    {% trans %} blocks is translated; text inside <code> is code.
    """
    env = Environment(extensions=["jinja2.ext.i18n"])
    source = template.read_text(encoding="utf-8")
    env.parse(source)  # a syntax error fails here, with its line
    pieces, names, in_tag = [], [], False
    in_trans = in_attributes = False
    for _line, kind, value in env.lex(source):
        if kind == "data":
            if not (in_trans or in_attributes):
                pieces.append(value)
        elif kind in ("block_begin", "variable_begin", "comment_begin"):
            pieces.append("\0")
            names, in_tag = [], kind == "block_begin"
        elif kind == "name" and in_tag:
            names.append(value)
        elif kind == "block_end" and names:
            in_tag = False
            in_trans = {"trans": True, "endtrans": False}.get(names[0], in_trans)
            # {% block body_attrs %}…{% endblock %} fills in a tag of the base template.
            if names[0] == "block" and len(names) > 1 and names[1].endswith(("_attrs", "_class")):
                in_attributes = True
            elif names[0] == "endblock":
                in_attributes = False
    text = re.sub(r"<!--.*?-->", " ", "".join(pieces), flags=re.S)
    text = re.sub(r"<code\b[^>]*>.*?</code>", " ", text, flags=re.S)
    found = []
    for tag in re.findall(r"<[^>]*>", text):
        for _name, value in re.findall(r"\b(%s)\s*=\s*\"([^\"]*)\"" % "|".join(VISIBLE_ATTRIBUTES), tag):
            found += _words(value.replace("\0", " "))
    found += _words(re.sub(r"<[^>]*>", " ", text).replace("\0", " "))
    return found


def _looks_like_text(value: str) -> bool:
    """A string constant a person would read: several words, or a capitalised word."""
    words = _words(value)
    if re.fullmatch(r"[a-z0-9_ -]*--[a-z0-9_ -]*", value):  # CSS classes: "button button--secondary"
        return False
    return bool(words) and (len(re.findall(r"[^\W\d_]+", value)) > 1 and " " in value.strip()
                            or words[0][0].isupper())


def literal_strings(template: Path) -> list[str]:
    """String constants in a template's expressions that reach the page untranslated.

    E.g. ``{{ "Baca" if x else "Unduh" }}``, ``{% set heading = "Ubah publikasi" %}`` or a
    macro's label argument.  Arguments of url_for and the gettext family, filter and test
    arguments, keyword arguments (HTML attributes), comparisons, subscripts and method calls
    are code, and so are macro defaults.
    """
    env = Environment(extensions=["jinja2.ext.i18n"])
    tree = env.parse(template.read_text(encoding="utf-8"))
    found: list[str] = []

    def visit(node, visible: bool) -> None:
        if isinstance(node, nodes.Const):
            if visible and isinstance(node.value, str) and _looks_like_text(node.value):
                found.append(node.value)
            return
        if isinstance(node, nodes.Call):
            name = node.node.name if isinstance(node.node, nodes.Name) else None
            visit(node.node, False)
            for arg in node.args:
                visit(arg, visible and name is not None and name not in CODE_CALLS)
            for keyword in node.kwargs:
                visit(keyword.value, False)
            return
        if isinstance(node, (nodes.Filter, nodes.Test)):
            if node.node is not None:
                visit(node.node, visible)
            for child in list(node.args) + [k.value for k in node.kwargs]:
                visit(child, False)
            return
        if isinstance(node, (nodes.Compare, nodes.Getitem, nodes.Getattr)):
            for child in node.iter_child_nodes():
                visit(child, False)
            return
        if isinstance(node, nodes.CondExpr):
            visit(node.test, False)
            visit(node.expr1, visible)
            if node.expr2 is not None:
                visit(node.expr2, visible)
            return
        if isinstance(node, nodes.Pair):
            visit(node.key, False)
            visit(node.value, visible)
            return
        if isinstance(node, nodes.Macro):
            for child in node.body:
                visit(child, True)
            return
        if isinstance(node, (nodes.If, nodes.For)):
            visit(node.test if isinstance(node, nodes.If) else node.iter, False)
            for child in node.iter_child_nodes():
                if child is not (node.test if isinstance(node, nodes.If) else node.iter):
                    visit(child, True)
            return
        for child in node.iter_child_nodes():
            visit(child, visible)

    visit(tree, True)
    return found


def user_templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt"))


@pytest.mark.parametrize("template", user_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_untranslated_text(template):
    assert literal_text(template) == [], "wrap in {{ _('…') }} or {% trans %}"
    assert literal_strings(template) == [], "wrap the string in _('…')"


def test_the_check_finds_text_in_attributes_and_expressions(tmp_path):
    template = tmp_path / "sample.html"
    template.write_text('<p class="x{% if y %} z{% endif %}" title="Judul">{{ _("Ya") }} Tidak</p>\n'
                        '<input placeholder="{% if a %}mis. {{ a }}{% endif %}">{% trans %}Boleh{% endtrans %}\n'
                        '{{ "Baca" if a == "read" else "Unduh" }}{{ url_for("x.y", q="Cari ini") }}'
                        '{{ post_button(url_for("z"), "Simpan data", class="button button--secondary") }}'
                        '<code>flask catalogue import</code>', encoding="utf-8")
    assert literal_text(template) == ["Judul", "mis", "Tidak"]
    assert literal_strings(template) == ["Baca", "Unduh", "Simpan data"]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.name)
def test_every_message_has_an_english_translation(path):
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    missing = [m.id for m in catalogue if m.id and (not m.string or m.fuzzy
                                                      or (isinstance(m.string, tuple) and not all(m.string)))]
    assert missing == []


def test_indonesian_is_the_default_and_english_is_chosen_by_the_browser(client):
    assert '<html lang="id">' in client.get("/majenekab/").get_data(as_text=True)
    english = client.get("/majenekab/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert english.headers["Content-Language"] == "en" and "Accept-Language" in english.headers["Vary"]


def test_the_switch_is_remembered(client):
    response = client.get("/bahasa/en?next=/majenekab/katalog")
    assert response.status_code == 303 and response.headers["Location"] == "/majenekab/katalog"
    assert '<html lang="en">' in client.get("/majenekab/", headers={"Accept-Language": "id"}).get_data(as_text=True)
    client.get("/bahasa/id?next=https://evil.example/")
    assert '<html lang="id">' in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert client.get("/bahasa/fr").status_code == 404


def test_english_pages_read_in_english_around_the_offices_own_standard(client):
    client.get("/bahasa/en")
    text = visible_text(client.get("/majenekab/").data)
    # The standard is a legal document: its own words stay, the headings around it change.
    assert "Pengguna layanan mengisi buku tamu" in text
    assert "Requirements" in text and "Persyaratan" not in text.split("Pengguna layanan")[0]
    search = visible_text(client.get("/majenekab/katalog").data)
    assert "Search" in search


def test_template_texts_take_variables_named_like_the_gettext_parameters(app):
    """``_()`` and ``{% trans %}`` in templates: a variable may be called num or string."""
    from flask import render_template_string

    with app.test_request_context("/"):
        page = render_template_string(
            "{% trans num=n %}{{ num }} berkas{% pluralize %}{{ num }} berkas{% endtrans %} | "
            "{{ _('Dicetak %(string)s.', string=s) }} | {{ _('100%% gratis') }} | {{ _('Cari') }}",
            n=3, s="<b>")
    assert page == "3 berkas | Dicetak &lt;b&gt;. | 100% gratis | Cari"
