"""Email: real SMTP on loopback, the development outbox, and what never reaches the log."""

from __future__ import annotations

import email
import email.policy

import pytest

from app import ConfigurationError
from app.mail import build_message, deliver, external_url, send_email, smtp_send, write_to_outbox
from tests.helpers import captured_log, free_port


def send_test_mail(app, to="siti@contoh.id", name="Siti"):
    """A real account email, rendered inside a request like the views do."""
    from app.accounts.models import User

    user = User(name=name, email=to, verified_at=None)
    with app.test_request_context("/akun/daftar"):
        send_email(to, "Verifikasi alamat email akun PST Perpustakaan", "verify_email",
                   user=user, link=external_url("accounts.login", token="TOKEN-123"), hours=72)


def test_message_goes_over_smtp_as_text_and_html(make_app, smtp_server, mail_config):
    app = make_app(**mail_config)
    send_test_mail(app)
    [message] = smtp_server.wait_for(1)
    assert smtp_server.envelopes == [("pst@bps.invalid", ["siti@contoh.id"])]
    assert message["Subject"] == "Verifikasi alamat email akun PST Perpustakaan"
    assert message["From"] == "PST Perpustakaan <pst@bps.invalid>"
    assert message["To"] == "siti@contoh.id"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@bps.invalid>") and message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    text, html = smtp_server.text(message), smtp_server.html(message)
    assert "http://localhost/akun/masuk?token=TOKEN-123" in text
    assert "Tautan berlaku 72 jam" in text
    assert 'href="http://localhost/akun/masuk?token=TOKEN-123"' in html
    assert '<html lang="id">' in html


def test_smtp_login_with_username_and_password(make_app):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    seen, received = [], []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"pst" and auth_data.password == b"s3cret"
        seen.append(ok)
        return AuthResult(success=ok)

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(session.authenticated)
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    try:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USERNAME="pst", MAIL_PASSWORD="s3cret",
                       MAIL_SEND_IN_BACKGROUND=False)
        send_test_mail(app)
    finally:
        controller.stop()
    assert seen == [True] and received == [True]


def test_without_a_server_development_writes_the_outbox(make_app, tmp_path):
    app = make_app(APP_ENV="development", MAIL_SERVER=None)
    with captured_log("app.mail") as lines:
        send_test_mail(app)
    files = sorted((tmp_path / "instance" / "outbox").glob("*.eml"))
    assert len(files) == 1
    assert files[0].name.endswith("-verifikasi-alamat-email-akun-pst-perpustakaan.eml")
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert "http://localhost/akun/masuk?token=TOKEN-123" in message.get_body(("plain",)).get_content()
    # The log says where the message is, and nothing of what it says or whom it is for.
    assert lines == [f"Email not sent (MAIL_SERVER is not set): written to {files[0]}"]


def test_testing_without_a_server_uses_the_outbox_too(app, tmp_path):
    send_test_mail(app)
    assert len(list((tmp_path / "instance" / "outbox").glob("*.eml"))) == 1


def test_outbox_names_never_collide(tmp_path, make_app):
    app = make_app()
    with app.test_request_context():
        message = build_message("a@contoh.id", "Sama", "password_changed",
                                user=type("U", (), {"name": "A", "is_verified": True})(), forgot_link="x")
    paths = {write_to_outbox(tmp_path, message) for _ in range(5)}
    assert len(paths) == 5


def test_a_failed_delivery_is_logged_without_the_address(make_app):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_SEND_IN_BACKGROUND=False,
                   MAIL_TIMEOUT=2)
    with captured_log("app.mail") as lines:
        send_test_mail(app, to="rahasia.sekali@contoh.id")
    assert len(lines) == 1 and "not sent: ConnectionRefusedError" in lines[0]
    assert "rahasia" not in lines[0] and "TOKEN" not in lines[0]


def test_a_refusing_server_is_logged_by_code_only(make_app):
    from aiosmtpd.controller import Controller

    class Refuse:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 5.1.1 <rahasia@contoh.id>: no such user"

    port = free_port()
    controller = Controller(Refuse(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SEND_IN_BACKGROUND=False)
        with captured_log("app.mail") as lines:
            send_test_mail(app, to="rahasia@contoh.id")
    finally:
        controller.stop()
    assert len(lines) == 1 and "SMTPRecipientsRefused" in lines[0] and "rahasia" not in lines[0]


def test_html_part_escapes_what_users_typed(make_app, smtp_server, mail_config):
    from app.accounts.models import User

    app = make_app(**mail_config)
    user = User(name='<script>alert("x")</script>', email="a@contoh.id", verified_at=object())
    with app.test_request_context():
        send_email("a@contoh.id", "Kata sandi PST Perpustakaan Anda telah diubah", "password_changed",
                   user=user, forgot_link="http://localhost/akun/lupa-kata-sandi")
    [message] = smtp_server.wait_for(1)
    assert "<script>" not in smtp_server.html(message)
    assert "&lt;script&gt;" in smtp_server.html(message)


def test_links_use_the_public_url_not_the_request_host(make_app):
    # Even a second host the site answers to never changes the links in emails.
    app = make_app(PUBLIC_URL="https://pst.example.go.id", TRUSTED_HOSTS=["pst.example.go.id", "penipu.example"])
    with app.test_request_context("/", headers={"Host": "penipu.example"}):
        assert external_url("accounts.login", next="/a") == "https://pst.example.go.id/akun/masuk?next=/a"
    plain = make_app()
    with plain.test_request_context("/", base_url="http://pst.local"):
        assert external_url("accounts.login") == "http://pst.local/akun/masuk"


def test_tls_and_ssl_together_are_refused(make_app):
    with pytest.raises(ConfigurationError, match="MAIL_USE_TLS"):
        make_app(MAIL_USE_TLS=True, MAIL_USE_SSL=True)
    with pytest.raises(ConfigurationError, match="MAIL_FROM"):
        make_app(MAIL_FROM="bukan alamat")


def test_smtp_send_needs_no_flask(smtp_server):
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = "Uji", "a@bps.invalid", "b@contoh.id"
    message.set_content("Halo")
    smtp_send({"MAIL_SERVER": smtp_server.host, "MAIL_PORT": smtp_server.port, "MAIL_TIMEOUT": 5}, message)
    assert smtp_server.text(smtp_server.wait_for(1)[0]).strip() == "Halo"


def test_deliver_runs_in_the_background_by_default(make_app, smtp_server, mail_config):
    app = make_app(**mail_config)
    assert app.config["MAIL_SEND_IN_BACKGROUND"] is True
    with app.test_request_context():
        message = build_message("c@contoh.id", "Latar", "password_changed",
                                user=type("U", (), {"name": "C", "is_verified": True})(), forgot_link="x")
        deliver(message)
    assert smtp_server.last_to("c@contoh.id")["Subject"] == "Latar"
