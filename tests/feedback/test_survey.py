"""The satisfaction survey: the form, one response per respondent and period, anonymity,
bad input, and the IKM page that publishes the result."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.contrib import render_slot
from app.extensions import db
from app.feedback.models import SurveyResponse
from app.feedback.questionnaire import ELEMENTS
from tests.helpers import csrf_from, read_page, visible_text


def responses(app):
    with app.app_context():
        rows = db.session.scalars(select(SurveyResponse).order_by(SurveyResponse.id)).all()
        db.session.expunge_all()
        return rows


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SurveyResponse))


def test_the_survey_asks_the_nine_questions_of_the_regulation(app, client, clock):
    clock.set(2026, 2, 10, 9, 0, zone="Asia/Makassar")
    page = client.get("/majenekab/survei")
    assert page.status_code == 200
    text = visible_text(page.data)
    for element in ELEMENTS:
        assert str(element.question) in text
        for answer in element.answers:
            assert str(answer) in text
    for label in ("Jenis kelamin (opsional)", "Usia (opsional)", "Pendidikan terakhir (opsional)",
                  "Pekerjaan (opsional)", "Saran dan masukan (opsional)"):
        assert label in text
    assert "Periode survei: Triwulan I 2026" in text
    assert "tidak dikaitkan dengan akun atau identitas Anda" in text
    # Reached from the office page and from the navigation.
    office = read_page(client.get("/majenekab/").data)
    assert ("Isi survei kepuasan", "/majenekab/survei") in office.links
    assert ("Survei & IKM", "/majenekab/ikm") in office.links


def test_an_anonymous_answer_is_stored_without_any_account_data(app, client, clock, submit, answers):
    # Just after midnight in Majene (WITA) is still the previous day in UTC: the office's day counts.
    clock.set(2026, 4, 1, 0, 30, zone="Asia/Makassar")
    response = submit(client, "/majenekab/survei", {**answers(3, q4=4), "gender": "P", "age_group": "17-25",
                                                    "education": "s1", "occupation": "pelajar",
                                                    "suggestion": "Ruang baca kurang terang."})
    assert response.status_code == 303 and response.headers["Location"] == "/majenekab/survei/terima-kasih"
    assert "Terima kasih! Jawaban survei Anda sudah kami terima." in visible_text(client.get(response.headers["Location"]).data)
    [row] = responses(app)
    assert row.office == "majenekab" and row.local_date == date(2026, 4, 1) and row.response_window == "2026-T2"
    assert row.answers() == (3, 3, 3, 4, 3, 3, 3, 3, 3)
    assert (row.gender, row.age_group, row.education, row.occupation) == ("P", "17-25", "s1", "pelajar")
    assert row.channel == "web" and row.suggestion == "Ruang baca kurang terang."
    assert row.respondent_key and len(row.respondent_key) == 40
    assert not hasattr(row, "user_id")


def test_one_response_per_user_per_period(app, client_of, people, clock, submit, answers):
    clock.set(2026, 2, 10, 9, 0, zone="Asia/Makassar")
    user = client_of("pengguna@contoh.id")
    first = submit(user, "/majenekab/survei", answers(4))
    assert first.status_code == 303
    again = submit(user, "/majenekab/survei", answers(1))
    assert "sudah tercatat sebelumnya" in visible_text(user.get(again.headers["Location"]).data)
    assert [r.answers()[0] for r in responses(app)] == [4]
    page = visible_text(user.get("/majenekab/survei").data)
    assert "Anda sudah mengisi survei untuk periode Triwulan I 2026" in page and "Kirim jawaban" not in page
    # The account's data is not in the response: no name, no email, no occupation copied.
    row = responses(app)[0]
    assert (row.gender, row.age_group, row.education, row.occupation) == (None, None, None, None)
    assert str(people["user"]) != row.respondent_key
    # Another office, another user, and the next period each count once more.
    assert submit(user, "/sawahluntokota/survei", answers(2)).status_code == 303
    assert submit(client_of("lain@contoh.id"), "/majenekab/survei", answers(3)).status_code == 303
    clock.set(2026, 4, 2, 9, 0, zone="Asia/Makassar")
    assert "Triwulan II 2026" in visible_text(user.get("/majenekab/survei").data)
    submit(user, "/majenekab/survei", answers(1))
    assert [(r.office, r.response_window, r.answers()[0]) for r in responses(app)] == [
        ("majenekab", "2026-T1", 4), ("sawahluntokota", "2026-T1", 2), ("majenekab", "2026-T1", 3),
        ("majenekab", "2026-T2", 1)]


def test_the_period_is_a_setting(make_app, mail_config, client_of, clock, submit, answers):
    app = make_app(FEEDBACK_SURVEY_PERIOD="month", **mail_config)
    clock.set(2026, 2, 10, 9, 0, zone="Asia/Makassar")
    client = app.test_client()
    submit(client, "/majenekab/survei", answers(4))
    clock.set(2026, 3, 10, 9, 0, zone="Asia/Makassar")
    submit(client, "/majenekab/survei", answers(4))
    assert [r.response_window for r in responses(app)] == ["2026-02", "2026-03"]


def test_an_anonymous_browser_answers_once_per_period(app, clock, submit, answers):
    clock.set(2026, 2, 10, 9, 0, zone="Asia/Makassar")
    browser, other = app.test_client(), app.test_client()
    html = browser.get("/majenekab/survei").get_data(as_text=True)
    signed = re.search(r'name="respondent" type="hidden" value="([^"]*)"', html).group(1)
    submit(browser, "/majenekab/survei", answers(4))
    assert "Anda sudah mengisi survei untuk periode Triwulan I 2026" in visible_text(browser.get("/majenekab/survei").data)
    token = csrf_from(browser.get("/majenekab/pengaduan").data)
    browser.post("/majenekab/survei", data={**answers(1), "csrf_token": token, "respondent": signed})
    submit(other, "/majenekab/survei", answers(2))
    assert [r.answers()[0] for r in responses(app)] == [4, 2]
    # The signed token, not the cookie, names the respondent: it works from a fresh session too...
    fresh = app.test_client()
    fresh.post("/majenekab/survei", data={**answers(1), "csrf_token": csrf_from(fresh.get("/majenekab/pengaduan").data),
                                          "respondent": signed})
    # ...and a forged one is no respondent of its own: it falls back to the browser's session.
    browser.post("/majenekab/survei", data={**answers(3), "csrf_token": token, "respondent": "palsu.token"})
    assert count(app) == 2


def test_a_double_submit_stores_one_response(app, client, clock, answers):
    clock.set(2026, 2, 10, 9, 0, zone="Asia/Makassar")
    html = client.get("/majenekab/survei").get_data(as_text=True)
    data = {**answers(4), "csrf_token": csrf_from(html),
            "respondent": re.search(r'name="respondent" type="hidden" value="([^"]*)"', html).group(1)}
    assert client.post("/majenekab/survei", data=data).status_code == 303
    assert client.post("/majenekab/survei", data=data).status_code == 303
    assert count(app) == 1


@pytest.mark.parametrize("bad, message", [
    ({"q1": ""}, "Pilih salah satu jawaban untuk pertanyaan 1 (persyaratan)."),
    ({"q2": "5"}, "Pilih salah satu jawaban untuk pertanyaan 2 (sistem, mekanisme, dan prosedur)."),
    ({"q3": "abc"}, "Pilih salah satu jawaban untuk pertanyaan 3 (waktu penyelesaian)."),
    ({"q4": "9" * 40}, "Pilih salah satu jawaban untuk pertanyaan 4 (biaya/tarif)."),
    ({"q9": "-1"}, "Pilih salah satu jawaban untuk pertanyaan 9 (sarana dan prasarana)."),
    ({"gender": "X"}, "Pilih salah satu isian jenis kelamin, atau kosongkan."),
    ({"age_group": "<script>"}, "Pilih salah satu isian usia, atau kosongkan."),
    ({"suggestion": "x" * 2001}, "Saran paling panjang 2.000 karakter."),
])
def test_bad_answers_get_a_clear_message_and_keep_what_was_chosen(app, client, submit, answers, bad, message):
    data = {**answers(3, q5=2), "suggestion": "Tambah jam layanan", **bad}
    if bad.get("q1") == "":
        data.pop("q1")
    response = submit(client, "/majenekab/survei", data)
    assert response.status_code == 200
    text = visible_text(response.data)
    assert message in text and "Periksa kembali jawaban Anda." in text
    assert 'name="q5" value="2" checked' in response.get_data(as_text=True)
    assert count(app) == 0


def test_text_is_shown_escaped_and_unicode_kept(app, client, make_user, client_of, submit, answers):
    make_user(email="staf@bps.go.id", role="staff", office="majenekab")
    submit(client, "/majenekab/survei", {**answers(4), "suggestion": "<b>Bagus</b> 👍 ruang ber-AC"})
    staff = client_of("staf@bps.go.id")
    html = staff.get("/majenekab/staf/survei").get_data(as_text=True)
    assert "&lt;b&gt;Bagus&lt;/b&gt; 👍 ruang ber-AC" in html and "<b>Bagus</b>" not in html


def test_the_honeypot_thanks_a_bot_and_stores_nothing(app, client, submit, answers):
    response = submit(client, "/majenekab/survei", {**answers(4), "website": "http://spam.example"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/survei/terima-kasih")
    assert count(app) == 0


def test_anonymous_forms_are_rate_limited(make_app, mail_config, submit, answers):
    app = make_app(LIMIT_FEEDBACK_FORM_PER_IP="2 per hour", **mail_config)
    for n in range(2):
        assert submit(app.test_client(), "/majenekab/survei", answers(4)).status_code == 303
    blocked = submit(app.test_client(), "/majenekab/survei", answers(4))
    assert blocked.status_code == 429 and "Terlalu banyak isian" in visible_text(blocked.data)
    assert count(app) == 2


def test_no_state_changes_on_get(app, client):
    assert client.get("/majenekab/survei", query_string={f"q{i}": "4" for i in range(1, 10)}).status_code == 200
    assert count(app) == 0


# ------------------------------------------------------------------ offered after a visit and a download


def visit_slot(app, ticket_id: int, office_slug: str = "majenekab") -> str:
    office = app.extensions["offices"][office_slug]
    with app.test_request_context(f"/{office_slug}/"):
        return str(render_slot("visit_served", office=office, ticket=SimpleNamespace(id=ticket_id, office=office_slug)))


def survey_link(html: str) -> str:
    return re.search(r'href="([^"]+)"', html).group(1).replace("&amp;", "&")


def test_after_a_visit_the_ticket_answers_once(app, clock, submit, answers):
    clock.set(2026, 2, 10, 9, 0, zone="Asia/Makassar")
    html = visit_slot(app, 41)
    assert "Isi survei kepuasan" in html
    link = survey_link(html)
    assert link.startswith("/majenekab/survei?t=")
    kiosk = app.test_client()
    assert "kunjungan Anda hari ini" in visible_text(kiosk.get(link).data)
    submit(kiosk, link, answers(4), form_url=link)
    # The same ticket from another device: already answered, and a post does not count.
    phone = app.test_client()
    assert "Anda sudah mengisi survei untuk kunjungan ini" in visible_text(phone.get(link).data)
    token = link.split("t=", 1)[1]
    phone.post("/majenekab/survei", data={**answers(1), "respondent": token,
                                          "csrf_token": csrf_from(phone.get("/majenekab/pengaduan").data)})
    submit(kiosk, "/majenekab/survei", answers(2))  # the kiosk's browser itself is another respondent
    rows = responses(app)
    assert [(r.channel, r.response_window, r.answers()[0]) for r in rows] == [("visit", "once", 4), ("web", "2026-T1", 2)]
    assert "Terima kasih, penilaian Anda untuk kunjungan ini sudah kami terima." in visit_slot(app, 41)
    # Another ticket is another respondent; a ticket's token does not work on another office's survey.
    other = survey_link(visit_slot(app, 42))
    submit(app.test_client(), other, answers(3), form_url=other)
    assert count(app) == 3
    foreign = link.replace("/majenekab/", "/sawahluntokota/")
    assert "kunjungan Anda hari ini" not in visible_text(app.test_client().get(foreign).data)


def test_the_ticket_page_of_a_served_visit_offers_the_survey(app, clock, submit, answers):
    from app import FEATURES

    if "app.visits" not in FEATURES:
        pytest.skip("the visits feature is not part of the site")
    from app.visits import operations as visits

    clock.set(2026, 2, 10, 9, 0, zone="Asia/Makassar")
    office = app.extensions["offices"]["majenekab"]
    with app.app_context():
        ticket = visits.register_visit(office, {
            "name": "Rina", "gender": "P", "age_group": "17-25", "education": "s1",
            "occupation": "Pelajar/Mahasiswa", "purpose": "perpustakaan", "id_kind": "ktp"})
        ticket_id, token = ticket.id, ticket.token
        url = f"/majenekab/antrian/tiket/{token}"
        assert "Isi survei kepuasan" not in visible_text(app.test_client().get(url).data)  # not served yet
        visits.start(office, ticket_id)
        visits.finish(office, ticket_id)
    kiosk = app.test_client()
    page = kiosk.get(url)
    link = dict(read_page(page.data).links)["Isi survei kepuasan"]
    submit(kiosk, link, answers(4), form_url=link)
    assert [(r.channel, r.response_window) for r in responses(app)] == [("visit", "once")]
    assert "penilaian Anda untuk kunjungan ini sudah kami terima" in visible_text(kiosk.get(url).data)


def test_a_visit_token_expires(app, clock):
    clock.set(2026, 2, 10, 9, 0, zone="Asia/Makassar")
    link = survey_link(visit_slot(app, 7))
    clock.advance(days=8)
    assert "kunjungan Anda hari ini" not in visible_text(app.test_client().get(link).data)


def test_after_a_download_the_publication_page_invites_to_the_survey(app, catalogue, client_of, clock, submit,
                                                                      answers):
    clock.set(2026, 2, 10, 9, 0, zone="Asia/Makassar")
    user = client_of("pengguna@contoh.id")
    publication_id = catalogue["Kabupaten Majene Dalam Angka 2024"]
    url = f"/majenekab/katalog/{publication_id}"
    assert "survei kepuasan layanan" not in visible_text(user.get(url).data)
    token = csrf_from(user.get(url).data)
    assert user.post(f"{url}/unduh", data={"csrf_token": token}).status_code == 303
    page = read_page(user.get(url).data)
    assert ("survei kepuasan layanan", "/majenekab/survei?dari=unduhan") in page.links
    submit(user, "/majenekab/survei?dari=unduhan", answers(4))
    assert [r.channel for r in responses(app)] == ["download"]
    assert "survei kepuasan layanan" not in visible_text(user.get(url).data)


# ------------------------------------------------------------------ the published index


@pytest.fixture
def answered(app, clock, submit, answers):
    """Four respondents in February 2026 (WITA) whose index is 85.42 (worked out in test_ikm)."""
    clock.set(2026, 2, 10, 9, 0, zone="Asia/Makassar")
    rows = [[4] * 9, [3, 3, 3, 4, 3, 3, 4, 3, 3], [3, 2, 3, 4, 3, 4, 4, 2, 3], [4, 3, 2, 4, 3, 3, 4, 3, 4]]
    profiles = [{"gender": "P", "age_group": "17-25"}, {"gender": "L", "education": "s2"},
                {"gender": "P", "occupation": "pelajar", "suggestion": "=HYPERLINK(\"http://x\")"}, {}]
    for row, profile in zip(rows, profiles):
        data = {f"q{i + 1}": str(v) for i, v in enumerate(row)}
        assert submit(app.test_client(), "/majenekab/survei", {**data, **profile}).status_code == 303
    return rows


def test_the_ikm_page_publishes_the_index_of_the_period(app, client, answered):
    page = client.get("/majenekab/ikm")
    assert page.status_code == 200
    text = visible_text(page.data)
    assert "Triwulan I 2026" in text
    assert "Nilai IKM 85,42" in text and "Mutu pelayanan B Baik" in text and "Jumlah responden 4 orang" in text
    assert "U1 Persyaratan 3,50 0,389 87,50 B" in text
    assert "IKM unit pelayanan 3,4167 85,42 B" in text
    html = page.get_data(as_text=True)
    assert html.count("<svg") == 10  # one overview, one per element
    assert re.findall(r"<script[^>]*>(.*?)</script>", html, re.S) == [""]  # only the site's own external script
    assert "Perempuan 2" in text and "Laki-laki 1" in text and "Tidak diisi 1" in text
    # The suggestions are for staff only.
    assert "HYPERLINK" not in text
    # Another office publishes nothing yet.
    assert "Belum ada responden pada periode Triwulan I 2026" in visible_text(client.get("/sawahluntokota/ikm").data)


@pytest.mark.parametrize("periode, heading", [
    ("2026-02", "Februari 2026"), ("2026-S1", "Semester I 2026"), ("2026", "Tahun 2026"),
    ("2026-T1", "Triwulan I 2026")])
def test_every_kind_of_period(app, client, answered, periode, heading):
    text = visible_text(client.get("/majenekab/ikm", query_string={"periode": periode}).data)
    assert heading in text and "Jumlah responden 4 orang" in text


@pytest.mark.parametrize("periode", ["2026-13", "x" * 5000, "<script>", "2026-T9", "-1", "1" * 30])
def test_odd_periods_fall_back_to_the_current_one(app, client, answered, periode):
    response = client.get("/majenekab/ikm", query_string={"periode": periode})
    assert response.status_code == 200 and "Triwulan I 2026" in visible_text(response.data)


def test_an_empty_period_and_the_period_selector(app, client, answered):
    page = client.get("/majenekab/ikm", query_string={"periode": "2025-T4"})
    text = visible_text(page.data)
    assert "Belum ada responden pada periode Triwulan IV 2025" in text
    links = read_page(page.data).links
    assert ("Triwulan I 2026 →", "/majenekab/ikm?periode=2026-T1") in links
    assert 'value="2026-02"' in page.get_data(as_text=True)


def test_the_print_view_on_a4(app, client, answered):
    text = visible_text(client.get("/majenekab/ikm/cetak?periode=2026-T1").data)
    for words in ("Badan Pusat Statistik / Sekretariat Utama", "Pelayanan Statistik Terpadu BPS Kabupaten Majene",
                  "Indeks Kepuasan Masyarakat (IKM)", "Triwulan I 2026", "Nilai IKM 85,42", "Mutu pelayanan B Baik",
                  "Jumlah responden 4 orang", "Responden menurut profil", "Jenis kelamin", "Pendidikan terakhir"):
        assert words in text, words


def test_staff_read_the_suggestions_and_export_csv(app, client_of, people, answered):
    staff = client_of("staf.majene@bps.go.id")
    page = staff.get("/majenekab/staf/survei?periode=2026-T1")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    assert "=HYPERLINK" in visible_text(page.data)
    raw = staff.get("/majenekab/staf/survei/jawaban.csv?periode=2026-T1")
    assert raw.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(raw.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:12] == ["no", "tanggal", "saluran", "U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9"]
    assert len(rows) == 5 and rows[1][3:12] == ["4"] * 9
    assert "'=HYPERLINK(\"http://x\")" in [r[-1] for r in rows]  # never a live formula
    assert all("respondent" not in cell for cell in rows[0])
    summary = list(csv.reader(io.StringIO(staff.get("/majenekab/staf/survei/ringkasan.csv?periode=2026-T1")
                                          .get_data(as_text=True).lstrip("\ufeff"))))
    assert ["ikm", "", "nilai IKM konversi", "85.42"] in summary
    assert ["ikm", "", "mutu pelayanan", "B"] in summary
    assert ["profil", "gender", "Jenis kelamin: Perempuan", "2"] in summary
    # Staff of another office, users and visitors get none of it.
    assert client_of("staf.sawahlunto@bps.go.id").get("/majenekab/staf/survei").status_code == 403
    assert client_of("pengguna@contoh.id").get("/majenekab/staf/survei/jawaban.csv").status_code == 403
    assert app.test_client().get("/majenekab/staf/survei/ringkasan.csv").status_code == 302
