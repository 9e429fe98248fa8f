"""Error pages in the site's style, in Indonesian."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "Sesi formulir sudah kedaluwarsa atau tidak sah. "
                                 "Muat ulang halaman lalu kirim kembali isian Anda.")

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
