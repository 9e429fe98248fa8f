"""One-time tokens never reach the request lines servers log."""

from __future__ import annotations

import logging

from app.logs import RedactTokens, redact


def test_tokens_in_paths_are_redacted():
    line = '"GET /akun/verifikasi/eyJ1c2VyIjoxfQ.Zx9.abc HTTP/1.1" 200 -'
    assert redact(line) == '"GET /akun/verifikasi/… HTTP/1.1" 200 -'
    assert redact("/akun/atur-ulang/abc.def?x=1") == "/akun/atur-ulang/…?x=1"
    assert redact("/majenekab/katalog/7/berkas/7F3K9QX2AB") == "/majenekab/katalog/7/berkas/…"
    assert redact("/akun/email/konfirmasi/tok") == "/akun/email/konfirmasi/…"
    assert redact("/majenekab/katalog?q=verifikasi") == "/majenekab/katalog?q=verifikasi"


def test_the_development_server_log_is_redacted(app, make_user):
    from app.accounts import tokens

    with app.test_request_context():
        token = tokens.make_token("verify-email", user=1, email="x")
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - "%s" %s',
                               ("127.0.0.1", f"GET /akun/verifikasi/{token} HTTP/1.1", "200"), None)
    assert any(isinstance(f, RedactTokens) for f in logging.getLogger("werkzeug").filters)
    for f in logging.getLogger("werkzeug").filters:
        f.filter(record)
    assert token not in record.getMessage() and "/akun/verifikasi/…" in record.getMessage()


def test_gunicorn_access_log_is_redacted():
    from types import SimpleNamespace

    from gunicorn.config import Config

    from app.logs import GunicornLogger

    logger = GunicornLogger(Config())
    request = SimpleNamespace(method="GET", path="/akun/atur-ulang/SECRET", query="", version=(1, 1),
                              headers=[], uri="/akun/atur-ulang/SECRET")
    response = SimpleNamespace(status="200 OK", sent=10, headers=[], response_length=10)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/akun/atur-ulang/SECRET", "PATH_INFO": "/akun/atur-ulang/SECRET",
               "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"}
    from datetime import timedelta

    atoms = logger.atoms(response, request, environ, timedelta(seconds=0.01))
    assert "SECRET" not in atoms["r"] and "SECRET" not in atoms["U"]
