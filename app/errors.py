"""Error pages in the site's style, in the visitor's language."""

from __future__ import annotations

import math
import time

from flask import Flask, render_template
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from app.extensions import limiter

MESSAGES = {
    400: (_l("Permintaan tidak valid"), _l("Permintaan Anda tidak dapat diproses. Periksa kembali isian Anda lalu coba lagi.")),
    403: (_l("Akses ditolak"), _l("Anda tidak memiliki hak untuk membuka halaman ini.")),
    404: (_l("Halaman tidak ditemukan"), _l("Halaman yang Anda cari tidak ada atau sudah dipindahkan.")),
    405: (_l("Metode tidak diizinkan"), _l("Halaman ini tidak dapat dibuka dengan cara tersebut.")),
    413: (_l("Berkas terlalu besar"), _l("Berkas atau isian yang Anda kirim melebihi batas ukuran yang diizinkan.")),
    429: (_l("Terlalu banyak permintaan"), _l("Anda terlalu sering mencoba. Tunggu sebentar lalu coba lagi.")),
    500: (_l("Terjadi kesalahan"), _l("Maaf, terjadi kesalahan pada server. Petugas kami akan memeriksanya.")),
}

#: A form sent with a missing or stale CSRF token.
CSRF_MESSAGE = _l("Sesi formulir sudah kedaluwarsa atau tidak sah. "
                  "Muat ulang halaman lalu kirim kembali isian Anda.")


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
    """'30 detik', '5 menit', '2 jam' (rounded up, as a person would plan), in the page's language."""
    if seconds < 60:
        return ngettext("%(num)d detik", "%(num)d detik", seconds)
    if seconds < 2 * 3600:
        return ngettext("%(num)d menit", "%(num)d menit", math.ceil(seconds / 60))
    return ngettext("%(num)d jam", "%(num)d jam", math.ceil(seconds / 3600))


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, str(CSRF_MESSAGE))

    @app.errorhandler(RateLimitExceeded)
    def too_many_requests(error):
        """429 saying how long to wait, in words and in Retry-After."""
        # A limit's own message (e.g. pointing to "Lupa kata sandi") beats the generic one.
        message = str(error.description) if error.limit.error_message else str(MESSAGES[429][1])
        wait = retry_after_seconds()
        if wait is not None:
            again = _("Coba lagi dalam %(wait)s.", wait=describe_wait(wait))
            message = f"{message} {again}"
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
