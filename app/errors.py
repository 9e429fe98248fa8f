"""Error pages in the site's style, in Indonesian."""

from __future__ import annotations

import math
import time

from flask import Flask, render_template
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from app.extensions import limiter

MESSAGES = {
    400: ("Permintaan tidak valid", "Permintaan Anda tidak dapat diproses. Periksa kembali isian Anda lalu coba lagi."),
    403: ("Akses ditolak", "Anda tidak memiliki hak untuk membuka halaman ini."),
    404: ("Halaman tidak ditemukan", "Halaman yang Anda cari tidak ada atau sudah dipindahkan."),
    405: ("Metode tidak diizinkan", "Halaman ini tidak dapat dibuka dengan cara tersebut."),
    413: ("Berkas terlalu besar", "Berkas atau isian yang Anda kirim melebihi batas ukuran yang diizinkan."),
    429: ("Terlalu banyak permintaan", "Anda terlalu sering mencoba. Tunggu sebentar lalu coba lagi."),
    500: ("Terjadi kesalahan", "Maaf, terjadi kesalahan pada server. Petugas kami akan memeriksanya."),
}


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    return render_template("errors/error.html", code=code, title=title,
                           message=detail or message), code


def retry_after_seconds() -> int | None:
    """Seconds until the rate limit this request broke lets it through again."""
    current = limiter.current_limit
    if current is None or not current.breached:
        return None
    # Computed as Flask-Limiter computes its own Retry-After, so the two agree.
    return max(1, int(current.reset_at - time.time()))


def describe_wait(seconds: int) -> str:
    """'30 detik', '5 menit', '2 jam' (rounded up, as a person would plan)."""
    if seconds < 60:
        return f"{seconds} detik"
    if seconds < 2 * 3600:
        return f"{math.ceil(seconds / 60)} menit"
    return f"{math.ceil(seconds / 3600)} jam"


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "Sesi formulir sudah kedaluwarsa atau tidak sah. "
                                 "Muat ulang halaman lalu kirim kembali isian Anda.")

    @app.errorhandler(RateLimitExceeded)
    def too_many_requests(error):
        """429 saying how long to wait, in words and in Retry-After."""
        # A limit's own message (e.g. pointing to "Lupa kata sandi") beats the generic one.
        message = error.description if error.limit.error_message else MESSAGES[429][1]
        wait = retry_after_seconds()
        if wait is not None:
            message = f"{message} Coba lagi dalam {describe_wait(wait)}."
        response = app.make_response(render_error(429, message))
        if wait is not None:
            response.headers["Retry-After"] = str(wait)
        return response

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        """A Host header the site does not serve: no page of ours (it could not build links)."""
        return app.response_class("400 Bad Request: unknown host\n", status=400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def http_error(error):
        # Unhandled exceptions arrive here as InternalServerError (Flask logs them).
        if error.code is None or error.code < 400:
            return error
        response = app.make_response(render_error(error.code))
        for name, value in error.get_headers():
            if name in ("Retry-After", "Allow"):
                response.headers[name] = value
        return response
