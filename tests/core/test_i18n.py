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


def literal_text(template: Path) -> list[str]:
    """Words written straight into a template's HTML (outside {{ _() }} and {% trans %})."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    tree = env.parse(template.read_text(encoding="utf-8"))
    found = []
    for node in tree.find_all(nodes.TemplateData):
        text = re.sub(r"<!--.*?-->", " ", node.data, flags=re.S)
        text = re.sub(r"<[^>]*>", " ", text)  # tags and their attributes
        text = html.unescape(text)
        for word in re.findall(r"[^\W\d_][\w'’-]*", text):
            if word.lower() not in SAME_IN_BOTH:
                found.append(word)
    return found


def user_templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt"))


@pytest.mark.parametrize("template", user_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_untranslated_text(template):
    assert literal_text(template) == [], "wrap in {{ _('…') }} or {% trans %}"


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
