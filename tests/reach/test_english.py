"""English for an English speaker: every public page's own words, the emails, and dates and
numbers in the English way; the office's service standard keeps its legal wording."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from tests.helpers import OFFICES_DIR, post_form, visible_text

PROFILES = " ".join(p.read_text(encoding="utf-8") for p in OFFICES_DIR.glob("*.yaml"))
CATALOGUES = sorted((OFFICES_DIR.parent / "app" / "translations" / "en" / "LC_MESSAGES").glob("*.po"))


def _indonesian_sentences() -> list[str]:
    """The site's own longer texts (four words or more, no placeholders or markup) whose
    English differs: none of them may be left on a page shown in English."""
    found = set()
    for path in CATALOGUES:
        with path.open("rb") as handle:
            for message in read_po(handle):
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                for text in ids:
                    if (text and len(text.split()) >= 4 and not re.search(r"[%<&{]", text)
                            and message.string and message.string != message.id
                            and text not in PROFILES):  # the office's own wording stays
                        found.add(text)
    return sorted(found)


SENTENCES = _indonesian_sentences()


def english(client):
    assert client.get("/bahasa/en").status_code == 303
    return client


@pytest.fixture
def public_pages(catalogue):
    pid = catalogue["Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023"]
    return ["/", "/majenekab/", "/majenekab/cetak", "/majenekab/katalog", "/majenekab/katalog?q=pengangguran",
            "/majenekab/katalog?q=zzzyyyxxx", f"/majenekab/katalog/{pid}", "/katalog", "/majenekab/ikm",
            "/majenekab/survei", "/majenekab/bukutamu", "/majenekab/antrian/layar", "/akun/masuk",
            "/akun/daftar", "/akun/lupa-sandi", "/akun/privasi", "/majenekab/pengaduan"]


def test_the_number_of_sentences_checked_is_not_trivial():
    assert len(SENTENCES) > 150


def test_public_pages_in_english_leave_no_indonesian_of_the_site_own(client, public_pages):
    english(client)
    checked = 0
    for url in public_pages:
        response = client.get(url)
        if response.status_code == 404:  # a page some other feature serves under another word
            continue
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert '<html lang="en"' in html, url
        text = visible_text(html)
        left = [s for s in SENTENCES if s in text]
        assert left == [], f"{url}: {left}"
        checked += 1
    assert checked >= len(public_pages) - 2


def test_the_same_pages_in_indonesian_do_show_those_sentences(client, public_pages):
    """The check above can fail: in Indonesian the same pages carry the sentences."""
    texts = " ".join(visible_text(client.get(url).data) for url in public_pages)
    assert sum(s in texts for s in SENTENCES) > 20


def test_dates_and_numbers_follow_the_language(client, catalogue):
    pid = catalogue["Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023"]
    indonesian = visible_text(client.get(f"/majenekab/katalog/{pid}").data)
    assert "30 November 2023" in indonesian
    english(client)
    text = visible_text(client.get(f"/majenekab/katalog/{pid}").data)
    assert "Release date 30 November 2023" in text and "Tanggal rilis" not in text


def test_a_visitor_who_registers_in_english_gets_the_email_in_english(make_app, mail_config, smtp_server):
    app = make_app(**mail_config)
    client = english(app.test_client())
    password = "kata-sandi-panjang-42"
    response = post_form(client, "/akun/daftar", {
        "name": "Jane Doe", "email": "jane@example.org", "password": password, "password_confirm": password,
        "institution": "University of Leeds", "occupation": "Peneliti/Dosen", "consent": "y"})
    assert response.status_code == 303
    assert "Check your email" in visible_text(client.get(response.headers["Location"]).data)
    message = smtp_server.last_to("jane@example.org")
    body = smtp_server.text(message)
    assert "Verifikasi" not in message["Subject"] and "email" in message["Subject"].lower()
    assert "The link is valid for 72 hours" in body, body
    assert "Tautan berlaku" not in body


def test_times_of_day_follow_the_language(client, clock):
    clock.set(2026, 3, 2, 9, 0, zone="Asia/Jakarta")  # a Monday morning in Musi Banyuasin
    text = visible_text(client.get("/musibanyuasinkab/").data)
    assert "Buka sekarang, tutup pukul 15.30 WIB" in text
    english(client)
    text = visible_text(client.get("/musibanyuasinkab/").data)
    assert "Open now, closes at 15:30 WIB" in text and "Monday 08:00–15:30 WIB" in text
