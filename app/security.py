"""Security headers for every response, set in one place."""

from __future__ import annotations

from flask import Flask

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def init_app(app: Flask) -> None:
    wanted = HEADERS + ((HSTS,) if app.config["HSTS"] else ())

    @app.after_request
    def set_headers(response):
        # One pass over the response's headers, not one per header (a view may set its own).
        headers = response.headers
        present = {name.lower() for name, _value in headers.items()}
        headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
        return response
