"""Signed, expiring links for email verification, password reset and email change.

Each purpose has its own salt, so a token made for one can never be used for another.
Tokens carry no secret of their own: the signature (SECRET_KEY) makes them unforgeable,
the timestamp makes them expire, and what they name must still match the account when
they come back (the same address; for a reset, the same password hash), which makes a
reset link single-use and a verification link die when the address changes.

A token's payload is readable by anyone who sees the URL (web-server access logs
included), so it names an address only by a keyed digest, never in clear.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

#: purpose -> the setting holding its lifetime in seconds
PURPOSES = {
    "verify-email": "VERIFY_EMAIL_MAX_AGE",
    "reset-password": "RESET_PASSWORD_MAX_AGE",
    "change-email": "CHANGE_EMAIL_MAX_AGE",
}


class TokenExpired(Exception):
    """The link was genuine but is too old."""


class TokenInvalid(Exception):
    """The link was forged, damaged, or made for another purpose."""


class _ClockSigner(TimestampSigner):
    """Stamps and ages tokens with the app's CLOCK, so tests can move time."""

    def get_timestamp(self) -> int:
        return int(current_app.config["CLOCK"]().timestamp())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"pst.accounts.{purpose}",
                                  signer=_ClockSigner)


def max_age(purpose: str) -> int:
    """How long a token for this purpose stays valid, in seconds."""
    return int(current_app.config[PURPOSES[purpose]])


def digest(value: str) -> str:
    """A short keyed digest of a value (an email address) to put in a token."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def make_token(purpose: str, **payload) -> str:
    """A URL-safe token carrying payload, signed for one purpose."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str) -> dict:
    """The payload of a token, or TokenExpired / TokenInvalid."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age(purpose))
    except SignatureExpired:
        raise TokenExpired() from None
    except BadSignature:
        raise TokenInvalid() from None
    if not isinstance(payload, dict):
        raise TokenInvalid()
    return payload
