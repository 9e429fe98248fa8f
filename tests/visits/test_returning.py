"""A returning visitor's form is prefilled only after a one-time code sent to their address."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.visits.models import GuestBookCode
from tests.helpers import captured_log, csrf_from, visible_text
from tests.visits.visitors import VISITOR, hidden_fields


@pytest.fixture
def app(make_app, mail_config):
    """Mail goes to the loopback SMTP server; codes are mailed from the request itself."""
    return make_app(MAIL_SEND_IN_BACKGROUND=False, **mail_config)


def ask_code(client, email: str, slug: str = "majenekab"):
    token = csrf_from(client.get(f"/{slug}/bukutamu").data)
    return client.post(f"/{slug}/bukutamu/kode", data={"email": email, "csrf_token": token})


def send_code(client, page_html: str, code: str, email: str | None = None, slug: str = "majenekab"):
    data = {**hidden_fields(page_html), "code": code}
    if email is not None:
        data["email"] = email
    else:
        data["email"] = re.search(r'name="email"[^>]*value="([^"]*)"', page_html).group(1)
    return client.post(f"/{slug}/bukutamu/kode/periksa", data=data)


def mailed_code(smtp_server, address: str) -> str:
    message = smtp_server.last_to(address)
    return re.search(r"^\s*(\d{6})\s*$", smtp_server.text(message), re.M).group(1)


def test_a_returning_visitor_gets_the_last_visit_filled_in_after_the_code(app, visit, smtp_server, clock):
    visit(phone="0813 1111 2222")
    clock.advance(days=30)
    kiosk = app.test_client()
    with captured_log() as lines:
        asked = ask_code(kiosk, "Siti@Contoh.id ")
    assert asked.status_code == 200 and asked.headers["Cache-Control"] == "private, no-store"
    text = visible_text(asked.data)
    assert "Masukkan kode dari email" in text
    # The page shows nothing of the earlier visit yet.
    assert "Siti Rahmawati" not in asked.get_data(as_text=True)
    assert "Universitas" not in asked.get_data(as_text=True)

    message = smtp_server.last_to("siti@contoh.id")
    assert message["Subject"].startswith("Kode buku tamu BPS Kabupaten Majene: ")
    code = mailed_code(smtp_server, "siti@contoh.id")
    assert "berlaku 10 menit" in smtp_server.text(message)
    # Neither the address nor the code reaches the log.
    assert not [line for line in lines if "siti@contoh.id" in line.lower() or code in line]

    filled = send_code(kiosk, asked.get_data(as_text=True), code)
    assert filled.status_code == 200
    html = filled.get_data(as_text=True)
    assert "Data kunjungan terakhir Anda sudah diisikan" in visible_text(html)
    for value in ('value="Siti Rahmawati"', 'value="siti@contoh.id"', 'value="0813 1111 2222"',
                  'value="Universitas Sulawesi Barat"'):
        assert value in html
    for name, value in (("gender", "P"), ("age_group", "26-35"), ("education", "s1"),
                        ("occupation", "Peneliti/Dosen"), ("id_kind", "ktp")):
        assert re.search(rf'<input checked[^>]*name="{name}"[^>]*value="{value}"', html), name
    # Purpose and consent are asked again at every visit.
    assert not re.search(r'<input checked[^>]*name="(purpose|consent)"', html)
    # The prefilled form goes through once the visitor consents and picks today's purpose.
    fields = {**hidden_fields(html), **VISITOR, "phone": "0813 1111 2222"}
    response = kiosk.post("/majenekab/bukutamu", data=fields)
    assert response.status_code == 303
    # The code is used up.
    again = send_code(kiosk, asked.get_data(as_text=True), code)
    assert "Kode salah, sudah dipakai, atau sudah kedaluwarsa" in visible_text(again.data)


def test_an_unknown_address_gets_the_same_page_and_no_mail(app, smtp_server):
    kiosk = app.test_client()
    asked = ask_code(kiosk, "belum.pernah@contoh.id")
    assert "Masukkan kode dari email" in visible_text(asked.data)
    # Guessing a code shows nothing: there is nothing to show, and no difference to learn.
    response = send_code(kiosk, asked.get_data(as_text=True), "123456")
    assert "Kode salah, sudah dipakai, atau sudah kedaluwarsa" in visible_text(response.data)
    assert smtp_server.to("belum.pernah@contoh.id") == []
    with app.app_context():
        stored = db.session.scalars(select(GuestBookCode)).one()
        # Neither the address nor the code is stored as such.
        assert "belum.pernah" not in stored.email_digest and len(stored.code_digest) == 64


def test_typing_someone_elses_address_shows_nothing_of_theirs(app, visit, smtp_server):
    visit()
    stranger = app.test_client()
    asked = ask_code(stranger, "siti@contoh.id")
    html = asked.get_data(as_text=True)
    for guess in ("000000", "111111", "999999", "12345", "abcdef", "1" * 40, "<b>1</b>"):
        response = send_code(stranger, html, guess)
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Siti Rahmawati" not in page and "Universitas Sulawesi Barat" not in page
        assert re.search(r"Kode (salah|terdiri atas 6 angka)", visible_text(page))


def test_a_code_dies_after_five_wrong_tries_and_after_ten_minutes(app, visit, smtp_server, clock):
    visit()
    kiosk = app.test_client()
    html = ask_code(kiosk, "siti@contoh.id").get_data(as_text=True)
    code = mailed_code(smtp_server, "siti@contoh.id")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        send_code(kiosk, html, wrong)
    assert "Kode salah" in visible_text(send_code(kiosk, html, code).data)

    html = ask_code(kiosk, "siti@contoh.id").get_data(as_text=True)
    smtp_server.wait_for(2)
    code = mailed_code(smtp_server, "siti@contoh.id")
    clock.advance(minutes=10, seconds=1)
    assert "Kode salah" in visible_text(send_code(kiosk, html, code).data)


def test_a_new_code_replaces_the_old_one(app, visit, smtp_server):
    visit()
    kiosk = app.test_client()
    html = ask_code(kiosk, "siti@contoh.id").get_data(as_text=True)
    first = mailed_code(smtp_server, "siti@contoh.id")
    ask_code(kiosk, "siti@contoh.id")
    smtp_server.wait_for(2)
    second = mailed_code(smtp_server, "siti@contoh.id")
    if first != second:
        assert "Kode salah" in visible_text(send_code(kiosk, html, first).data)
    assert "sudah diisikan" in visible_text(send_code(kiosk, html, second).data)


def test_a_verified_account_prefills_what_it_knows(app, make_user, smtp_server):
    make_user(email="rina@contoh.id", name="Rina Oktaviani")
    with app.app_context():
        from app.accounts.models import User

        user = db.session.scalars(select(User).where(User.email == "rina@contoh.id")).one()
        user.institution, user.occupation = "BPS Provinsi Bengkulu", "ASN/TNI/Polri"
        db.session.commit()
    make_user(email="belum@contoh.id", verified=False)
    kiosk = app.test_client()
    html = ask_code(kiosk, "rina@contoh.id").get_data(as_text=True)
    filled = send_code(kiosk, html, mailed_code(smtp_server, "rina@contoh.id")).get_data(as_text=True)
    assert 'value="Rina Oktaviani"' in filled and 'value="BPS Provinsi Bengkulu"' in filled
    ask_code(kiosk, "belum@contoh.id")
    assert smtp_server.to("belum@contoh.id") == []  # an unverified account proves nothing


@pytest.mark.parametrize("email, message", [
    ("", "Isi alamat email."), ("bukan-email", "Alamat email tidak valid."),
    ("a" * 260 + "@contoh.id", "Alamat email terlalu panjang."),
])
def test_a_bad_address_for_the_code_is_refused_on_the_kiosk_page(app, email, message, smtp_server):
    kiosk = app.test_client()
    response = ask_code(kiosk, email)
    text = visible_text(response.data)
    assert response.status_code == 200 and message in text
    assert "Buku tamu elektronik" in text  # back on the form, with the returning-visitor box open
    assert "<details class=\"returning\" open>" in response.get_data(as_text=True)
    assert smtp_server.messages == []


def test_codes_are_limited_per_address(make_app, mail_config, smtp_server):
    app = make_app(MAIL_SEND_IN_BACKGROUND=False, LIMIT_VISITS_CODE_PER_ADDRESS="2 per hour", **mail_config)
    kiosk = app.test_client()
    assert ask_code(kiosk, "siti@contoh.id").status_code == 200
    assert ask_code(kiosk, "siti@contoh.id").status_code == 200
    response = ask_code(kiosk, "siti@contoh.id")
    assert response.status_code == 429
    assert "Terlalu banyak permintaan kode" in visible_text(response.data)
    assert ask_code(kiosk, "lain@contoh.id").status_code == 200


def test_wrong_codes_are_limited_per_kiosk(make_app, mail_config, smtp_server):
    app = make_app(MAIL_SEND_IN_BACKGROUND=False, LIMIT_VISITS_CODE_CHECK_PER_IP="3 per 15 minutes", **mail_config)
    kiosk = app.test_client()
    html = ask_code(kiosk, "siti@contoh.id").get_data(as_text=True)
    for _ in range(3):
        assert send_code(kiosk, html, "000001").status_code == 200
    response = send_code(kiosk, html, "000001")
    assert response.status_code == 429 and "Terlalu banyak kode yang salah" in visible_text(response.data)
