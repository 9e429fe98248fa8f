"""Accounts: register, verify, log in, reset, change email and password, my data, roles.

Every app here sends its email to a real SMTP server on loopback (the ``smtp_server``
fixture), and tests read links from the messages it received, as a person would.
"""

from __future__ import annotations

import base64

import json
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
from flask import Blueprint
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app.accounts.models import CONSENT_VERSION, User
from app.extensions import db, limiter
from tests.helpers import (MovableClock, captured_log, csrf_from, flash_text, logged_in, login, post_form,
                           read_page, user_by_email, visible_text)

PASSWORD = "rahasia-123"
NEW_PASSWORD = "kata-sandi-baru-77"


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def register(client, email="siti@contoh.id", **changes):
    data = {"name": "Siti Rahmawati", "email": email, "password": PASSWORD, "password_confirm": PASSWORD,
            "institution": "Universitas Sulawesi Barat", "occupation": "Pelajar/Mahasiswa", "consent": "y"}
    data.update(changes)
    return post_form(client, "/akun/daftar", {k: v for k, v in data.items() if v is not None})


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


# ------------------------------------------------------------------ registration


def test_register_verify_and_log_in(app, client, smtp_server):
    response = register(client, email="siti@contoh.id")
    assert response.status_code == 303 and response.headers["Location"] == "/akun/terkirim/pendaftaran"
    assert "Periksa email Anda" in visible_text(client.get("/akun/terkirim/pendaftaran").data)

    user = user_by_email(app, "siti@contoh.id")
    assert user.name == "Siti Rahmawati" and user.role == "user" and not user.is_verified
    assert user.institution == "Universitas Sulawesi Barat" and user.occupation == "Pelajar/Mahasiswa"
    assert user.consent_at is not None and user.consent_version == CONSENT_VERSION
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash

    message = smtp_server.last_to("siti@contoh.id")
    assert message["Subject"] == "Verifikasi alamat email akun PST Perpustakaan"
    link = smtp_server.link(message, "/akun/verifikasi/")
    assert "Tautan berlaku 72 jam" in smtp_server.text(message)
    # The link ends up in access logs: its readable payload must not name the address.
    payload = link.rsplit("/", 1)[1].split(".")[0]
    assert b"siti" not in base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))

    page = client.get(path_of(link))
    assert page.status_code == 200 and "Email terverifikasi" in visible_text(page.data)
    assert user_by_email(app, "siti@contoh.id").is_verified
    # Following the link again (a mail scanner, a second click) changes nothing and says the same.
    verified_at = user_by_email(app, "siti@contoh.id").verified_at
    again = client.get(path_of(link))
    assert again.status_code == 200 and "Email terverifikasi" in visible_text(again.data)
    assert user_by_email(app, "siti@contoh.id").verified_at == verified_at

    response = login(client, "siti@contoh.id", PASSWORD)
    assert response.status_code == 302
    assert "Selamat datang, Siti Rahmawati." in flash_text(client, response)


def test_registration_form_explains_each_mistake(app, client, smtp_server):
    text = visible_text(register(client, email="bukan-email", name="", password="abc", password_confirm="abcd",
                                 institution="", occupation="", consent=None).data)
    for message in ("Alamat email tidak valid.", "Isi nama lengkap.", "Kata sandi 8\u2013128 karakter.",
                    "Kedua kata sandi tidak sama.", "Isi instansi atau lembaga.", "Pilih pekerjaan.",
                    "Persetujuan diperlukan untuk membuat akun."):
        assert message in text, message
    weak = register(client, password="password123", password_confirm="password123")
    assert "terlalu mudah ditebak" in visible_text(weak.data)
    own = register(client, email="rahmawati@contoh.id", password="rahmawati2026", password_confirm="rahmawati2026")
    assert "tidak boleh memuat alamat email" in visible_text(own.data)
    assert count_users(app) == 0 and smtp_server.messages == []


def test_registration_page_states_the_personal_data_terms(client):
    page = client.get("/akun/daftar")
    text = visible_text(page.data)
    # A summary beside the form, and the whole statement one link away.
    assert ("Baca pemberitahuan lengkap (membuka tab baru; isian formulir tetap)", "/akun/privasi") in \
        read_page(page.data).links
    for words in ("UU No. 27 Tahun 2022", "Tujuan", "Data yang dikumpulkan", "Masa penyimpanan", "Hak Anda",
                  "Pelajar/Mahasiswa", "Peneliti/Dosen", "ASN/TNI/Polri", "Pegawai BUMN/BUMD",
                  "Karyawan Swasta", "Wiraswasta", "Lainnya"):
        assert words in text, words
    assert "Hak Anda" in visible_text(client.get("/akun/privasi").data)


def test_registering_an_existing_address_reveals_nothing(app, client, make_user, smtp_server):
    make_user(email="pengguna@contoh.id", name="Siti Rahmawati")
    fresh = register(app.test_client(), email="baru@contoh.id")
    again = register(client, email="  PENGGUNA@Contoh.ID ", name="Penyusup")
    assert (again.status_code, again.headers["Location"]) == (fresh.status_code, fresh.headers["Location"])
    assert count_users(app) == 2
    assert user_by_email(app, "pengguna@contoh.id").name == "Siti Rahmawati"

    # The owner is told, with a way in.
    message = smtp_server.last_to("pengguna@contoh.id")
    assert message["Subject"] == "Anda sudah memiliki akun PST Perpustakaan"
    assert "Penyusup" not in smtp_server.text(message)
    reset = smtp_server.link(message, "/akun/atur-ulang/")
    assert client.get(path_of(reset)).status_code == 200


def test_registering_a_disabled_address_offers_no_dead_link(app, client, make_user, smtp_server):
    user_id = make_user()
    with app.app_context():
        db.session.get(User, user_id).disabled = True
        db.session.commit()
    assert register(client, email="pengguna@contoh.id").status_code == 303
    text = smtp_server.text(smtp_server.last_to("pengguna@contoh.id"))
    assert "sedang dinonaktifkan" in text and "/akun/atur-ulang/" not in text


def test_mixed_case_addresses_are_one_account(app, client, smtp_server):
    register(client, email="Siti.Rahma@Contoh.ID")
    assert user_by_email(app, "siti.rahma@contoh.id") is not None
    assert smtp_server.last_to("siti.rahma@contoh.id")
    assert login(client, "SITI.RAHMA@contoh.id", PASSWORD).status_code == 302
    assert logged_in(client)


def test_expired_verification_link_offers_a_new_one(app, client, clock, smtp_server):
    register(client)
    link = smtp_server.link(smtp_server.last_to("siti@contoh.id"), "/akun/verifikasi/")
    clock.advance(days=3, seconds=1)
    page = client.get(path_of(link))
    assert page.status_code == 400
    assert "Tautan verifikasi sudah kedaluwarsa" in visible_text(page.data)
    assert not user_by_email(app, "siti@contoh.id").is_verified

    response = client.post("/akun/verifikasi/kirim-ulang",
                           data={"email": "siti@contoh.id", "csrf_token": csrf_from(page.data)})
    assert response.headers["Location"] == "/akun/terkirim/verifikasi"
    smtp_server.wait_for(2)
    fresh = smtp_server.link(smtp_server.to("siti@contoh.id")[-1], "/akun/verifikasi/")
    assert client.get(path_of(fresh)).status_code == 200
    assert user_by_email(app, "siti@contoh.id").is_verified


@pytest.mark.parametrize("tamper", ["flip", "truncate", "other-key", "other-purpose", "future"])
def test_forged_verification_links_do_nothing(app, client, smtp_server, make_app, mail_config, tamper):
    register(client)
    link = smtp_server.link(smtp_server.last_to("siti@contoh.id"), "/akun/verifikasi/")
    token = link.rsplit("/", 1)[1]
    user_id = user_by_email(app, "siti@contoh.id").id
    if tamper == "flip":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    elif tamper == "truncate":
        token = token[:20]
    else:
        from app.accounts.tokens import make_token

        other = make_app(SECRET_KEY="another-" + "x" * 40, **mail_config) if tamper == "other-key" else app
        with other.test_request_context():
            if tamper == "other-purpose":
                token = make_token("reset-password", user=user_id, email="siti@contoh.id")
            else:
                token = make_token("verify-email", user=user_id, email="siti@contoh.id")
    if tamper == "future":
        # A token made by a clock far ahead is not accepted by the real one.
        future = make_app(CLOCK=MovableClock().advance(days=30), **mail_config)
        with future.test_request_context():
            from app.accounts.tokens import make_token
            token = make_token("verify-email", user=user_id, email="siti@contoh.id")
    page = client.get(f"/akun/verifikasi/{token}")
    assert page.status_code == 400
    assert not user_by_email(app, "siti@contoh.id").is_verified


def test_resend_answers_the_same_for_any_address(app, client, make_user, smtp_server):
    make_user(email="belum@contoh.id", verified=False)
    make_user(email="sudah@contoh.id", verified=True)
    answers = set()
    for address in ("belum@contoh.id", "sudah@contoh.id", "tidak-ada@contoh.id"):
        response = post_form(client, "/akun/verifikasi/kirim-ulang", {"email": address})
        answers.add((response.status_code, response.headers["Location"]))
    assert answers == {(303, "/akun/terkirim/verifikasi")}
    smtp_server.wait_for(1)
    from app.mail import wait_for_deliveries
    wait_for_deliveries()
    assert [m["To"] for m in smtp_server.messages] == ["belum@contoh.id"]


def test_reset_resend_and_register_do_the_same_work_for_any_address(app, client, make_user, monkeypatch,
                                                                   smtp_server):
    """The page only hands over one background job, whoever the address belongs to."""
    from app.accounts import operations

    make_user(email="belum@contoh.id", verified=False)
    jobs = []
    real = operations.run_in_background
    monkeypatch.setattr(operations, "run_in_background",
                        lambda job, *args: (jobs.append(job.__name__), real(job, *args)))
    for address in ("belum@contoh.id", "tidak-ada@contoh.id"):
        post_form(client, "/akun/lupa-kata-sandi", {"email": address})
        post_form(client, "/akun/verifikasi/kirim-ulang", {"email": address})
        register(client, email=address)
    assert jobs == ["_reset_job", "_resend_job", "_registered_job"] * 2
    smtp_server.wait_for(3)  # reset, resend and "already registered" for the real account only
    from app.mail import wait_for_deliveries
    wait_for_deliveries()
    assert sorted(m["To"] for m in smtp_server.messages) == ["belum@contoh.id"] * 3 + ["tidak-ada@contoh.id"]


def test_logged_in_unverified_user_is_reminded_and_can_resend(app, client, make_user, smtp_server):
    make_user(email="belum@contoh.id", verified=False)
    response = login(client, "belum@contoh.id")
    assert "belum diverifikasi" in flash_text(client, response)
    page = client.get("/akun/")
    assert "Alamat email Anda belum diverifikasi." in visible_text(page.data)
    response = client.post("/akun/verifikasi/kirim-ulang", data={"csrf_token": csrf_from(page.data)})
    assert "Tautan verifikasi baru telah dikirim ke belum@contoh.id." in flash_text(client, response)
    link = smtp_server.link(smtp_server.last_to("belum@contoh.id"), "/akun/verifikasi/")
    assert client.get(path_of(link)).status_code == 200
    assert "belum diverifikasi" not in visible_text(client.get("/akun/").data)


# ------------------------------------------------------------------ log in and out


def test_wrong_password_and_unknown_address_get_the_same_answer(app, client, make_user):
    make_user()
    answers = []
    for email, password in (("pengguna@contoh.id", "salah-sekali"), ("tidak-ada@contoh.id", "salah-sekali")):
        response = login(client, email, password)
        answers.append((response.status_code, "Email atau kata sandi salah." in visible_text(response.data)))
    assert answers == [(200, True), (200, True)]
    assert not logged_in(client)


def test_disabled_accounts_cannot_log_in_and_are_logged_out(app, client, make_user):
    user_id = make_user()
    assert login(client, "pengguna@contoh.id").status_code == 302 and logged_in(client)
    with app.app_context():
        db.session.get(User, user_id).disabled = True
        db.session.commit()
    assert client.get("/akun/").status_code == 302  # the open session ends at once
    response = login(client, "pengguna@contoh.id")
    assert response.status_code == 200 and "Akun ini dinonaktifkan" in visible_text(response.data)
    assert not logged_in(client)


@pytest.mark.parametrize("target, expected", [
    ("/majenekab/catalogue?q=penduduk", "/majenekab/catalogue?q=penduduk"),
    ("//penipu.example/", "/"),
    ("https://penipu.example/akun", "/"),
    ("/\\penipu.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_is_followed_only_to_local_paths(client, make_user, target, expected):
    make_user()
    response = login(client, "pengguna@contoh.id", next_url=target)
    assert response.status_code == 302 and response.headers["Location"] == expected


def test_remember_me_sets_a_lasting_cookie(client, make_user):
    make_user()
    token = csrf_from(client.get("/akun/masuk").data)
    client.post("/akun/masuk", data={"email": "pengguna@contoh.id", "password": PASSWORD,
                                     "remember": "y", "csrf_token": token})
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only
    assert cookie.expires > datetime.now(timezone.utc) + timedelta(days=29)


def test_logout_is_a_post(client, make_user):
    make_user()
    login(client, "pengguna@contoh.id")
    assert client.get("/akun/keluar").status_code == 405
    page = client.get("/akun/")
    assert client.post("/akun/keluar", data={"csrf_token": csrf_from(page.data)}).status_code == 302
    assert not logged_in(client)


def copy_cookies(source, names=("session", "remember_token")):
    """A second browser holding copies of the first one's cookies (as a thief would)."""
    thief = source.application.test_client()
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value)
    return thief


def test_logout_ends_the_session_on_the_server(client, make_user):
    make_user()
    token = csrf_from(client.get("/akun/masuk").data)
    client.post("/akun/masuk", data={"email": "pengguna@contoh.id", "password": PASSWORD,
                                     "remember": "y", "csrf_token": token})
    session_copy = copy_cookies(client, ("session",))
    remember_copy = copy_cookies(client, ("remember_token",))
    assert logged_in(session_copy) and logged_in(remember_copy)
    client.post("/akun/keluar", data={"csrf_token": csrf_from(client.get("/akun/").data)})
    assert not logged_in(client)
    assert not logged_in(session_copy), "a copied session cookie must die with the logout"
    assert not logged_in(remember_copy), "a copied remember-me cookie must die with the logout"


def test_log_out_everywhere(app, client, make_user):
    make_user()
    phone, laptop = app.test_client(), app.test_client()
    for device in (client, phone, laptop):
        login(device, "pengguna@contoh.id")
    page = visible_text(client.get("/akun/").data)
    assert "Akun Anda sedang masuk di 3 perangkat" in page
    response = post_form(client, "/akun/keluar-semua", {}, form_url="/akun/")
    assert response.status_code == 303 and "3 sesi diakhiri" in flash_text(client, response)
    assert not any(logged_in(device) for device in (client, phone, laptop))
    assert client.get("/akun/keluar-semua").status_code == 405


def test_an_idle_session_ends_and_a_remembered_one_lasts(app, make_user, clock):
    make_user()
    short, remembered = app.test_client(), app.test_client()
    login(short, "pengguna@contoh.id")
    token = csrf_from(remembered.get("/akun/masuk").data)
    remembered.post("/akun/masuk", data={"email": "pengguna@contoh.id", "password": PASSWORD,
                                         "remember": "y", "csrf_token": token})
    clock.advance(hours=13)
    assert not logged_in(short) and logged_in(remembered)
    clock.advance(days=31)
    assert not logged_in(remembered)


def test_sessions_from_before_the_fingerprint_are_not_accepted(app, make_user):
    user_id = make_user()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)  # a bare id, as a forged or old cookie would hold
        session["_fresh"] = True
    assert not logged_in(client)


# ------------------------------------------------------------------ forgotten password


def test_reset_password_once(app, client, make_user, smtp_server):
    make_user()
    other_device = app.test_client()
    login(other_device, "pengguna@contoh.id")

    response = post_form(client, "/akun/lupa-kata-sandi", {"email": "Pengguna@Contoh.id"})
    assert response.headers["Location"] == "/akun/terkirim/atur-ulang"
    message = smtp_server.last_to("pengguna@contoh.id")
    assert message["Subject"] == "Atur ulang kata sandi PST Perpustakaan"
    link = path_of(smtp_server.link(message, "/akun/atur-ulang/"))

    form = client.get(link)  # the GET only shows the form
    assert form.status_code == 200 and "Buat kata sandi baru" in visible_text(form.data)
    assert user_by_email(app, "pengguna@contoh.id").check_password(PASSWORD)
    mismatch = client.post(link, data={"password": NEW_PASSWORD, "password_confirm": "lain",
                                       "csrf_token": csrf_from(form.data)})
    assert "Kedua kata sandi tidak sama." in visible_text(mismatch.data)
    response = client.post(link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD,
                                       "csrf_token": csrf_from(form.data)})
    assert response.status_code == 303 and response.headers["Location"] == "/akun/masuk"

    # Used once, the link is dead; so are sessions opened with the old password.
    reused = client.get(link)
    assert reused.status_code == 400 and "Tautan tidak berlaku" in visible_text(reused.data)
    assert client.post(link, data={"password": "lagi-lagi-123", "password_confirm": "lagi-lagi-123",
                                   "csrf_token": csrf_from(form.data)}).status_code == 400
    assert not logged_in(other_device)
    assert login(client, "pengguna@contoh.id", PASSWORD).status_code == 200
    assert login(client, "pengguna@contoh.id", NEW_PASSWORD).status_code == 302
    notice = smtp_server.last_to("pengguna@contoh.id")
    assert notice["Subject"] == "Kata sandi PST Perpustakaan Anda telah diubah"


def test_reset_for_an_unknown_address_looks_the_same(app, client, make_user, smtp_server):
    make_user()
    known = post_form(client, "/akun/lupa-kata-sandi", {"email": "pengguna@contoh.id"})
    unknown = post_form(client, "/akun/lupa-kata-sandi", {"email": "tidak-ada@contoh.id"})
    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    from app.mail import wait_for_deliveries
    wait_for_deliveries()
    assert [m["To"] for m in smtp_server.messages] == ["pengguna@contoh.id"]


def test_expired_reset_link(app, client, make_user, smtp_server, clock):
    make_user()
    post_form(client, "/akun/lupa-kata-sandi", {"email": "pengguna@contoh.id"})
    link = path_of(smtp_server.link(smtp_server.last_to("pengguna@contoh.id"), "/akun/atur-ulang/"))
    clock.advance(minutes=61)
    page = client.get(link)
    assert page.status_code == 400 and "sudah kedaluwarsa" in visible_text(page.data)


def test_forged_reset_link(app, client, make_user):
    user_id = make_user()
    from app.accounts.tokens import make_token

    with app.test_request_context():
        wrong_fingerprint = make_token("reset-password", user=user_id, password="0" * 20)
        wrong_purpose = make_token("verify-email", user=user_id, email="pengguna@contoh.id")
    for token in (wrong_fingerprint, wrong_purpose, "abc.def.ghi"):
        assert client.get(f"/akun/atur-ulang/{token}").status_code == 400


def test_reset_link_verifies_the_address(app, client, make_user, smtp_server):
    make_user(verified=False)
    post_form(client, "/akun/lupa-kata-sandi", {"email": "pengguna@contoh.id"})
    link = path_of(smtp_server.link(smtp_server.last_to("pengguna@contoh.id"), "/akun/atur-ulang/"))
    client.post(link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD,
                            "csrf_token": csrf_from(client.get(link).data)})
    assert user_by_email(app, "pengguna@contoh.id").is_verified


# ------------------------------------------------------------------ change password and email


def test_change_password_needs_the_current_one(app, client, make_user, smtp_server):
    make_user()
    other_device = app.test_client()
    login(other_device, "pengguna@contoh.id")
    login(client, "pengguna@contoh.id")
    wrong = post_form(client, "/akun/kata-sandi", {"current_password": "tebakan-salah", "password": NEW_PASSWORD,
                                                   "password_confirm": NEW_PASSWORD})
    assert wrong.status_code == 200 and "Kata sandi saat ini salah." in visible_text(wrong.data)
    assert user_by_email(app, "pengguna@contoh.id").check_password(PASSWORD)

    response = post_form(client, "/akun/kata-sandi", {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                                      "password_confirm": NEW_PASSWORD})
    assert response.status_code == 303
    assert "Kata sandi Anda telah diubah." in flash_text(client, response)
    assert logged_in(client) and not logged_in(other_device)
    assert user_by_email(app, "pengguna@contoh.id").check_password(NEW_PASSWORD)
    assert smtp_server.last_to("pengguna@contoh.id")["Subject"] == "Kata sandi PST Perpustakaan Anda telah diubah"


def test_change_email_takes_effect_when_the_new_address_confirms(app, client, make_user, smtp_server):
    make_user()
    login(client, "pengguna@contoh.id")
    wrong = post_form(client, "/akun/email", {"email": "siti.baru@contoh.id", "current_password": "salah-salah"})
    assert "Kata sandi saat ini salah." in visible_text(wrong.data)
    response = post_form(client, "/akun/email", {"email": "Siti.Baru@Contoh.id", "current_password": PASSWORD})
    assert "Kami telah mengirim tautan konfirmasi ke siti.baru@contoh.id." in flash_text(client, response)
    assert user_by_email(app, "pengguna@contoh.id").pending_email == "siti.baru@contoh.id"
    assert "Menunggu konfirmasi alamat baru: siti.baru@contoh.id" in visible_text(client.get("/akun/").data)

    message = smtp_server.last_to("siti.baru@contoh.id")
    link = path_of(smtp_server.link(message, "/akun/email/konfirmasi/"))
    confirm = app.test_client()  # opened on another device, not logged in
    page = confirm.get(link)
    assert page.status_code == 200 and "siti.baru@contoh.id" in visible_text(page.data)
    assert user_by_email(app, "pengguna@contoh.id") is not None  # a GET changes nothing
    response = confirm.post(link, data={"csrf_token": csrf_from(page.data)})
    assert response.status_code == 303
    user = user_by_email(app, "siti.baru@contoh.id")
    assert user is not None and user.pending_email is None and user.is_verified
    assert user_by_email(app, "pengguna@contoh.id") is None
    notice = smtp_server.last_to("pengguna@contoh.id")
    assert notice["Subject"] == "Alamat email akun PST Perpustakaan Anda telah diubah"
    assert "siti.baru@contoh.id" in smtp_server.text(notice)
    assert confirm.post(link, data={"csrf_token": csrf_from(page.data)}).status_code == 400  # used
    assert login(app.test_client(), "siti.baru@contoh.id").status_code == 302
    assert login(app.test_client(), "pengguna@contoh.id").status_code == 200


def test_change_to_a_taken_address_tells_its_owner_only(app, client, make_user, smtp_server):
    make_user()
    make_user(email="budi@contoh.id", name="Budi Santoso")
    login(client, "pengguna@contoh.id")
    taken = post_form(client, "/akun/email", {"email": "budi@contoh.id", "current_password": PASSWORD})
    free = post_form(client, "/akun/email", {"email": "bebas@contoh.id", "current_password": PASSWORD})
    assert taken.status_code == free.status_code == 303
    smtp_server.wait_for(2)
    message = smtp_server.last_to("budi@contoh.id")
    assert message["Subject"] == "Permintaan penggunaan alamat email Anda"
    assert "/akun/email/konfirmasi/" not in smtp_server.text(message)
    assert user_by_email(app, "budi@contoh.id").name == "Budi Santoso"


def test_cancelled_or_superseded_email_change_links_die(app, client, make_user, smtp_server, clock):
    make_user()
    login(client, "pengguna@contoh.id")
    post_form(client, "/akun/email", {"email": "satu@contoh.id", "current_password": PASSWORD})
    first = path_of(smtp_server.link(smtp_server.last_to("satu@contoh.id"), "/akun/email/konfirmasi/"))
    post_form(client, "/akun/email", {"email": "dua@contoh.id", "current_password": PASSWORD})
    second = path_of(smtp_server.link(smtp_server.last_to("dua@contoh.id"), "/akun/email/konfirmasi/"))
    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 200
    post_form(client, "/akun/email/batal", {}, form_url="/akun/")
    assert client.get(second).status_code == 400
    post_form(client, "/akun/email", {"email": "tiga@contoh.id", "current_password": PASSWORD})
    third = path_of(smtp_server.link(smtp_server.last_to("tiga@contoh.id"), "/akun/email/konfirmasi/"))
    clock.advance(hours=24, seconds=1)
    assert "sudah kedaluwarsa" in visible_text(client.get(third).data)
    assert user_by_email(app, "pengguna@contoh.id") is not None


def test_old_verification_links_die_with_the_old_address(app, client, smtp_server):
    register(client, email="lama@contoh.id")
    old_link = path_of(smtp_server.link(smtp_server.last_to("lama@contoh.id"), "/akun/verifikasi/"))
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == "lama@contoh.id")).one()
        user.email = "baru@contoh.id"
        db.session.commit()
    assert client.get(old_link).status_code == 400
    assert not user_by_email(app, "baru@contoh.id").is_verified


# ------------------------------------------------------------------ my account


def test_account_pages_need_a_login(client):
    for url in ("/akun/", "/akun/profil", "/akun/kata-sandi", "/akun/email", "/akun/unduhan",
                "/akun/data-saya.json", "/akun/hapus"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/akun/masuk?next="), url


def test_edit_profile(app, client, make_user):
    make_user()
    login(client, "pengguna@contoh.id")
    bad = post_form(client, "/akun/profil", {"name": "", "institution": "BPS", "occupation": "Astronaut"})
    assert "Isi nama lengkap." in visible_text(bad.data)
    response = post_form(client, "/akun/profil", {"name": "  Siti   R.  ", "institution": "Bappeda Majene",
                                                  "occupation": "ASN/TNI/Polri"})
    assert response.status_code == 303
    user = user_by_email(app, "pengguna@contoh.id")
    assert (user.name, user.institution, user.occupation) == ("Siti R.", "Bappeda Majene", "ASN/TNI/Polri")


def test_download_my_account_data_as_json(app, client, make_user):
    make_user()
    login(client, "pengguna@contoh.id")
    response = client.get("/akun/data-saya.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "private, no-store"
    data = json.loads(response.data)
    assert data["format"] == "pst-perpustakaan/data-pribadi/2"
    assert data["account"]["email"] == "pengguna@contoh.id" and data["account"]["institution"] is None
    assert "password_hash" not in json.dumps(data) and "scrypt" not in json.dumps(data)


def test_the_last_administrator_cannot_delete_their_account(app, client, make_user):
    make_user(email="admin@bps.id", role="admin")
    login(client, "admin@bps.id")
    response = post_form(client, "/akun/hapus", {"current_password": PASSWORD, "confirm": "y"},
                         form_url="/akun/")
    assert "satu-satunya administrator" in flash_text(client, response)
    assert user_by_email(app, "admin@bps.id") is not None


# ------------------------------------------------------------------ roles


@pytest.fixture
def people(make_user):
    return {
        "user": make_user(email="pengguna@contoh.id"),
        "majene": make_user(email="staf@majene.id", name="Staf Majene", role="staff", office="majenekab"),
        "sawahlunto": make_user(email="staf@sawahlunto.id", name="Staf Sawahlunto", role="staff",
                                office="sawahluntokota"),
        "admin": make_user(email="admin@bps.id", name="Admin PST", role="admin"),
    }


def client_for(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def test_users_cannot_reach_staff_pages(app, people):
    anonymous = app.test_client()
    user = client_for(app, "pengguna@contoh.id")
    for url in ("/majenekab/staf/akses-softcopy", "/sawahluntokota/staf/akses-softcopy", "/staf/pengguna"):
        assert user.get(url).status_code == 403, url
        assert anonymous.get(url).status_code == 302, url
    assert "Staf" not in visible_text(user.get("/majenekab/").data).split("Daftar kantor")[0]


def test_staff_see_only_their_own_office(app, people):
    staff = client_for(app, "staf@majene.id")
    assert staff.get("/majenekab/staf/akses-softcopy").status_code == 200
    assert staff.get("/sawahluntokota/staf/akses-softcopy").status_code == 403
    assert staff.get("/staf/pengguna").status_code == 403  # managing accounts is for administrators
    admin = client_for(app, "admin@bps.id")
    for slug in ("majenekab", "sawahluntokota", "bengkulu"):
        assert admin.get(f"/{slug}/staf/akses-softcopy").status_code == 200


def test_staff_cannot_change_another_offices_data(make_app, mail_config, make_user):
    """A staff-only POST (as later features add them) is refused for another office's staff."""
    from app.access import staff_required
    from app.site import register_office_blueprint

    changes = []
    probe = Blueprint("probe", __name__)

    @probe.post("/staf/ubah")
    @staff_required
    def change():
        from flask import g
        changes.append(g.office.slug)
        return "ok"

    app = make_app(**mail_config)
    register_office_blueprint(app, probe)
    make_user(email="staf@majene.id", role="staff", office="majenekab")
    make_user(email="pengguna@contoh.id")
    staff, user = client_for(app, "staf@majene.id"), client_for(app, "pengguna@contoh.id")
    token = csrf_from(staff.get("/akun/").data)
    assert staff.post("/sawahluntokota/staf/ubah", data={"csrf_token": token}).status_code == 403
    assert staff.post("/majenekab/staf/ubah", data={"csrf_token": token}).status_code == 200
    token = csrf_from(user.get("/akun/").data)
    assert user.post("/majenekab/staf/ubah", data={"csrf_token": token}).status_code == 403
    assert changes == ["majenekab"]
    # Staff cannot change accounts either, not even their own role.
    token = csrf_from(staff.get("/akun/").data)
    assert staff.post("/staf/pengguna/1/peran", data={"role": "admin", "csrf_token": token}).status_code == 403


# ------------------------------------------------------------------ administrators


def admin_post(admin, url, data=None, next_url="/staf/pengguna"):
    token = csrf_from(admin.get("/staf/pengguna").data)
    return admin.post(url, data={"csrf_token": token, "next": next_url, **(data or {})})


def test_admin_lists_searches_and_filters_users(app, people):
    with app.app_context():
        digest = generate_password_hash("tidak-dipakai", method="scrypt")
        for n in range(60):
            db.session.add(User(name=f"Peserta {n:02d}", email=f"peserta{n:02d}@kampus.ac.id", password_hash=digest,
                                created_at=datetime(2026, 1, 1) + timedelta(minutes=n)))
        db.session.commit()
    admin = client_for(app, "admin@bps.id")
    first = visible_text(admin.get("/staf/pengguna").data)
    assert "64 akun" in first and "1 / 2" in first
    assert "Peserta 59" in first and "Peserta 00" not in first
    assert "Peserta 00" in visible_text(admin.get("/staf/pengguna?page=2").data)

    text = visible_text(admin.get("/staf/pengguna?q=staf+majene").data)
    assert "1 akun sesuai pencarian" in text and "staf@majene.id" in text
    text = visible_text(admin.get("/staf/pengguna?q=SAWAHLUNTO.ID").data)
    assert "staf@sawahlunto.id" in text and "staf@majene.id" not in text
    text = visible_text(admin.get("/staf/pengguna?role=staff").data)
    assert "2 akun" in text and "pengguna@contoh.id" not in text
    assert "Tidak ada akun" in visible_text(admin.get("/staf/pengguna?q=100%25").data)
    text = visible_text(admin.get("/staf/pengguna?status=unverified&q=peserta").data)
    assert "60 akun" in text


def test_admin_actions(app, people, smtp_server):
    admin = client_for(app, "admin@bps.id")
    user_session = client_for(app, "pengguna@contoh.id")
    uid = people["user"]
    with app.app_context():
        db.session.get(User, uid).verified_at = None
        db.session.commit()

    response = admin_post(admin, f"/staf/pengguna/{uid}/verifikasi", next_url="/staf/pengguna?q=pengguna")
    assert response.status_code == 303 and response.headers["Location"] == "/staf/pengguna?q=pengguna"
    assert user_by_email(app, "pengguna@contoh.id").is_verified

    admin_post(admin, f"/staf/pengguna/{uid}/nonaktifkan")
    assert user_by_email(app, "pengguna@contoh.id").disabled
    assert not logged_in(user_session)
    admin_post(admin, f"/staf/pengguna/{uid}/aktifkan")
    assert not user_by_email(app, "pengguna@contoh.id").disabled

    admin_post(admin, f"/staf/pengguna/{uid}/peran", {"role": "staff", "office": "bengkulu"})
    user = user_by_email(app, "pengguna@contoh.id")
    assert (user.role, user.office) == ("staff", "bengkulu")
    response = admin_post(admin, f"/staf/pengguna/{uid}/peran", {"role": "staff", "office": ""})
    assert "Pilih kantor untuk staf." in flash_text(admin, response)
    response = admin_post(admin, f"/staf/pengguna/{uid}/peran", {"role": "staff", "office": "tidak-ada"})
    assert user_by_email(app, "pengguna@contoh.id").office == "bengkulu"
    admin_post(admin, f"/staf/pengguna/{uid}/peran", {"role": "user", "office": "bengkulu"})
    user = user_by_email(app, "pengguna@contoh.id")
    assert (user.role, user.office) == ("user", None)
    admin_post(admin, f"/staf/pengguna/{people['majene']}/peran", {"role": "admin"})
    assert user_by_email(app, "staf@majene.id").role == "admin"
    assert admin_post(admin, "/staf/pengguna/99999/verifikasi").status_code == 404
    assert admin_post(admin, f"/staf/pengguna/{uid}/hapus").status_code == 404


def test_an_admin_cannot_disable_or_demote_themself(app, people):
    admin = client_for(app, "admin@bps.id")
    me = people["admin"]
    response = admin_post(admin, f"/staf/pengguna/{me}/nonaktifkan")
    assert "tidak dapat menonaktifkan akun Anda sendiri" in flash_text(admin, response)
    response = admin_post(admin, f"/staf/pengguna/{me}/peran", {"role": "user"})
    assert "tidak dapat menurunkan peran akun Anda sendiri" in flash_text(admin, response)
    user = user_by_email(app, "admin@bps.id")
    assert user.role == "admin" and not user.disabled


def test_admin_pages_escape_what_users_typed(app, people, make_user):
    make_user(email="iseng@contoh.id", name='<img src=x onerror="alert(1)">')
    admin = client_for(app, "admin@bps.id")
    html = admin.get("/staf/pengguna").data.decode()
    assert '<img src=x onerror="alert(1)">' not in html and "&lt;img src=x" in html


# ------------------------------------------------------------------ CSRF


@pytest.mark.parametrize("url", ["/akun/masuk", "/akun/daftar", "/akun/lupa-kata-sandi", "/akun/verifikasi/kirim-ulang",
                                 "/akun/keluar", "/akun/profil", "/akun/kata-sandi", "/akun/email", "/akun/hapus",
                                 "/staf/pengguna/1/nonaktifkan", "/staf/pengguna/1/peran"])
def test_posts_without_a_csrf_token_are_refused(app, people, url):
    admin = client_for(app, "admin@bps.id")
    response = admin.post(url, data={"email": "pengguna@contoh.id", "password": PASSWORD,
                                     "current_password": PASSWORD, "confirm": "y", "role": "user"})
    assert response.status_code == 400
    assert "Sesi formulir sudah kedaluwarsa" in visible_text(response.data)
    user = user_by_email(app, "pengguna@contoh.id")
    assert user is not None and not user.disabled


# ------------------------------------------------------------------ rate limits


def test_failed_logins_for_one_address_are_limited(make_app, mail_config, make_user):
    app = make_app(LIMIT_LOGIN_PER_ADDRESS_AND_CLIENT="3 per hour", **mail_config)
    make_user(email="target@contoh.id")
    client = app.test_client()
    for _ in range(3):
        assert login(client, "target@contoh.id", "tebakan-salah").status_code == 200
    response = login(client, "Target@Contoh.id", PASSWORD)  # even the right password waits now
    assert response.status_code == 429
    retry = int(response.headers["Retry-After"])
    assert 3000 < retry <= 3600
    text = visible_text(response.data)
    assert "Terlalu banyak percobaan masuk" in text and "Lupa kata sandi" in text
    assert "Coba lagi dalam 60 menit." in text
    assert login(client, "orang-lain@contoh.id", "apa-saja-123").status_code == 200  # other addresses go on


def client_at(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_a_stranger_cannot_lock_the_owner_out(make_app, mail_config, make_user):
    app = make_app(LIMIT_LOGIN_PER_ADDRESS_AND_CLIENT="10 per 15 minutes", **mail_config)
    make_user()
    stranger = client_at(app, "203.0.113.66")
    for _ in range(10):
        assert login(stranger, "pengguna@contoh.id", "tebakan-salah").status_code == 200
    assert login(stranger, "pengguna@contoh.id", "tebakan-salah").status_code == 429
    owner = client_at(app, "198.51.100.7")
    assert login(owner, "pengguna@contoh.id").status_code == 302


def test_distributed_guessing_meets_a_ceiling_that_known_devices_pass(make_app, mail_config, make_user):
    app = make_app(LIMIT_LOGIN_PER_ADDRESS="5 per hour", **mail_config)
    make_user()
    laptop = client_at(app, "198.51.100.7")
    assert login(laptop, "pengguna@contoh.id").status_code == 302  # the owner's own browser
    laptop.post("/akun/keluar", data={"csrf_token": csrf_from(laptop.get("/akun/").data)})
    for n in range(5):  # five machines, one guess each
        assert login(client_at(app, f"203.0.113.{n}"), "pengguna@contoh.id", "tebakan-salah").status_code == 200
    assert login(client_at(app, "203.0.113.99"), "pengguna@contoh.id").status_code == 429
    # The browser the owner used before still gets in, from a new network too.
    laptop.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    assert login(laptop, "pengguna@contoh.id").status_code == 302
    assert logged_in(laptop)


def test_a_forged_device_cookie_is_ignored(make_app, mail_config, make_user):
    app = make_app(LIMIT_LOGIN_PER_ADDRESS="2 per hour", **mail_config)
    make_user()
    for n in range(2):
        login(client_at(app, f"203.0.113.{n}"), "pengguna@contoh.id", "tebakan-salah")
    forger = client_at(app, "203.0.113.50")
    forger.set_cookie("pst_perangkat", "WyJhYmMiXQ.forged.signature", path="/akun/")
    assert login(forger, "pengguna@contoh.id").status_code == 429


def test_successful_logins_do_not_count_against_the_address(make_app, mail_config, make_user):
    app = make_app(LIMIT_LOGIN_PER_ADDRESS_AND_CLIENT="2 per hour", LIMIT_LOGIN_PER_ADDRESS="2 per hour",
                   **mail_config)
    make_user()
    for _ in range(4):
        client = app.test_client()
        assert login(client, "pengguna@contoh.id").status_code == 302


def test_logins_from_one_address_are_limited(make_app, mail_config):
    app = make_app(LIMIT_LOGIN_PER_IP="4 per minute", **mail_config)
    client = app.test_client()
    statuses = [login(client, f"orang{n}@contoh.id", "apa-saja-123").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert client.get("/akun/masuk").status_code == 200  # reading the form is not limited


def test_reset_requests_are_limited_per_recipient(make_app, mail_config, make_user, smtp_server):
    app = make_app(LIMIT_EMAIL_PER_ADDRESS_AND_CLIENT="2 per hour", **mail_config)
    make_user()
    client = app.test_client()
    statuses = [post_form(client, "/akun/lupa-kata-sandi", {"email": "pengguna@contoh.id"}).status_code
                for _ in range(3)]
    assert statuses == [303, 303, 429]
    # The allowance is per recipient and shared by every page that sends mail to it.
    assert post_form(client, "/akun/verifikasi/kirim-ulang", {"email": "pengguna@contoh.id"}).status_code == 429
    assert post_form(client, "/akun/lupa-kata-sandi", {"email": "lain@contoh.id"}).status_code == 303
    # A form with a typo is not counted against anyone.
    assert post_form(client, "/akun/lupa-kata-sandi", {"email": "bukan email"}).status_code == 200
    from app.mail import wait_for_deliveries
    wait_for_deliveries()
    assert len(smtp_server.to("pengguna@contoh.id")) == 2


def test_a_stranger_cannot_use_up_the_owners_reset_emails(make_app, mail_config, make_user, smtp_server):
    app = make_app(LIMIT_EMAIL_PER_ADDRESS_AND_CLIENT="2 per hour", LIMIT_EMAIL_PER_ADDRESS="10 per hour",
                   **mail_config)
    make_user()
    stranger = client_at(app, "203.0.113.66")
    statuses = [post_form(stranger, "/akun/lupa-kata-sandi", {"email": "pengguna@contoh.id"}).status_code
                for _ in range(3)]
    assert statuses == [303, 303, 429]
    owner = client_at(app, "198.51.100.7")
    assert post_form(owner, "/akun/lupa-kata-sandi", {"email": "pengguna@contoh.id"}).status_code == 303
    from app.mail import wait_for_deliveries
    wait_for_deliveries()
    assert len(smtp_server.to("pengguna@contoh.id")) == 3


def test_registrations_and_resends_from_one_address_are_limited(make_app, mail_config):
    app = make_app(LIMIT_REGISTER_PER_IP="2 per hour", LIMIT_EMAIL_PER_IP="3 per hour", **mail_config)
    client = app.test_client()
    assert [register(client, email=f"orang{n}@contoh.id").status_code for n in range(3)] == [303, 303, 429]
    assert post_form(client, "/akun/verifikasi/kirim-ulang", {"email": "x@contoh.id"}).status_code == 303
    response = post_form(client, "/akun/verifikasi/kirim-ulang", {"email": "y@contoh.id"})
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert "Terlalu banyak permintaan email" in visible_text(response.data)


def test_wrong_current_passwords_are_limited_per_account(make_app, mail_config, make_user):
    app = make_app(LIMIT_PASSWORD_CHECK_PER_USER="2 per hour", **mail_config)
    make_user()
    client = app.test_client()
    login(client, "pengguna@contoh.id")
    data = {"current_password": "tebakan-salah", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    assert post_form(client, "/akun/kata-sandi", data).status_code == 200
    assert post_form(client, "/akun/hapus", {"current_password": "tebakan-lain", "confirm": "y"}).status_code == 200
    response = post_form(client, "/akun/email", {"email": "baru@contoh.id", "current_password": PASSWORD})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan kata sandi" in visible_text(response.data)


def test_rate_limits_can_be_switched_off(make_app, mail_config):
    app = make_app(RATELIMIT_ENABLED=False, LIMIT_LOGIN_PER_IP="1 per hour", **mail_config)
    client = app.test_client()
    assert [login(client, "a@contoh.id", "apa-saja-123").status_code for _ in range(3)] == [200, 200, 200]


def test_without_redis_the_limits_stay_in_memory_with_a_warning(make_app, monkeypatch):
    monkeypatch.delenv("PST_QUIET_START", raising=False)
    with captured_log("app") as lines:
        app = make_app(APP_ENV="development", REDIS_URL=None)
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert [line for line in lines if line.startswith("REDIS_URL not set")] == [
        "REDIS_URL not set: rate limits are counted in each process's memory; set REDIS_URL=redis://127.0.0.1:6379/0"]


def redis_or_skip(url: str):
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        client.close()
        pytest.skip(f"Redis is not reachable at {url} ({exc.__class__.__name__}); "
                    "the shared rate limit is tested only against a real Redis")
    return client


def test_limits_are_shared_through_redis(make_app, mail_config):
    """Two app instances (two workers) count against the same Redis keys."""
    url = "redis://127.0.0.1:6379/0"
    redis_client = redis_or_skip(url)
    prefix = f"pst-test-{uuid.uuid4().hex}"
    settings = dict(REDIS_URL=url, RATELIMIT_REDIS_KEY_PREFIX=prefix, LIMIT_LOGIN_PER_IP="3 per minute",
                    **mail_config)
    try:
        first = make_app(**settings)
        assert first.config["RATELIMIT_STORAGE_URI"] == url
        client = first.test_client()
        assert [login(client, "a@contoh.id", "apa-saja-123").status_code for _ in range(2)] == [200, 200]
        keys = [key.decode() for key in redis_client.scan_iter(match=f"{prefix}:*")]
        assert any("/127.0.0.1/accounts.login/" in key for key in keys)
        assert not any("contoh.id" in key for key in keys)  # addresses are kept as digests
        limiter.storage.storage.connection_pool.disconnect()

        second = make_app(**settings)  # a new worker: its own connection, the same counts
        other = second.test_client()
        assert login(other, "b@contoh.id", "apa-saja-123").status_code == 200
        response = login(other, "c@contoh.id", "apa-saja-123")
        assert response.status_code == 429 and int(response.headers["Retry-After"]) <= 60
    finally:
        for key in redis_client.scan_iter(match=f"{prefix}:*"):
            redis_client.delete(key)
        redis_client.close()
        limiter.storage.storage.connection_pool.disconnect()


# ------------------------------------------------------------------ command line


def test_users_commands(app, runner, make_user):
    make_user(email="pengguna@contoh.id")
    result = runner.invoke(args=["users", "create-admin", "Kepala@BPS.go.id", "--name", "Kepala PST"],
                           input="sandi-admin-2026\nsandi-admin-2026\n")
    assert result.exit_code == 0 and "Created administrator kepala@bps.go.id." in result.output
    result = runner.invoke(args=["users", "add-staff", "pengguna@contoh.id", "--office", "majenekab"])
    assert result.exit_code == 0 and "Updated pengguna@contoh.id: staff of majenekab." in result.output
    result = runner.invoke(args=["users", "add-staff", "x@contoh.id", "--office", "atlantis"])
    assert result.exit_code == 1 and "'atlantis' is not an office slug" in result.output
    result = runner.invoke(args=["users", "create-admin", "pendek@contoh.id"], input="pendek\npendek\n")
    assert result.exit_code == 1 and "at least 8 characters" in result.output
    # A password is never taken from the command line (shell history, process list).
    result = runner.invoke(args=["users", "create-admin", "x@contoh.id", "--password", "sandi-admin-2026"])
    assert result.exit_code == 2 and "No such option '--password'" in result.output
    result = runner.invoke(args=["users", "list"])
    lines = result.output.splitlines()
    assert any(line.split()[:4] == ["pengguna@contoh.id", "staff", "majenekab", "verified"] for line in lines)
    assert any(line.split()[:4] == ["kepala@bps.go.id", "admin", "-", "verified"] for line in lines)
    admin = user_by_email(app, "kepala@bps.go.id")
    assert admin.is_verified and admin.check_password("sandi-admin-2026")
    client = app.test_client()
    assert login(client, "kepala@bps.go.id", "sandi-admin-2026").status_code == 302
    assert client.get("/staf/pengguna").status_code == 200


def test_unverified_accounts_are_purged_after_the_retention_period(app, runner, make_user):
    keep = make_user(email="baru@contoh.id", verified=False)
    make_user(email="lama@contoh.id", verified=False)
    make_user(email="terverifikasi@contoh.id", verified=True)
    with app.app_context():
        for user in db.session.scalars(select(User).where(User.email != "baru@contoh.id")):
            user.created_at = datetime(2020, 1, 1)
        db.session.commit()
    result = runner.invoke(args=["users", "purge-unverified", "--days", "30"])
    assert result.exit_code == 0 and "Deleted 1 unverified account(s)" in result.output
    assert user_by_email(app, "lama@contoh.id") is None
    assert user_by_email(app, "baru@contoh.id").id == keep
    assert user_by_email(app, "terverifikasi@contoh.id") is not None
