"""Keys and codes: who answered the survey (as a digest), signed survey tokens for
anonymous respondents, complaint tracking codes, and double-submit keys.

Nothing here stores who a person is.  A respondent is a keyed digest of "user 12",
"browser <random>" or "visit ticket 34 of office X", so a response cannot be traced back
to an account without the secret key, yet the same person cannot answer twice in one
period.  Tokens are signed with ``SECRET_KEY`` (one salt per purpose) and read with the
app's clock, so tests can age them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

#: Complaint codes: 16 characters from an alphabet without look-alikes (0/O, 1/I/L),
#: 80 bits, printed in groups of four.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 16


class _ClockSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(current_app.config["CLOCK"]().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="pst.feedback.survey",
                                  signer=_ClockSigner)


def _digest(purpose: str, value: str, length: int = 40) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"pst.feedback.{purpose}|{value}".encode(), hashlib.sha256).hexdigest()[:length]


def respondent_key(kind: str, ident: str) -> str:
    """The digest that stands for a survey respondent (``kind``: user, browser, visit)."""
    return _digest("respondent", f"{kind}:{ident}")


def survey_token(**payload) -> str:
    """A signed token naming an anonymous respondent (a browser or a visit ticket)."""
    return _serializer().dumps(payload)


def read_survey_token(token: str | None) -> dict | None:
    """The payload of a survey token still within its lifetime, or None."""
    if not token or len(token) > 500:
        return None
    try:
        payload = _serializer().loads(token, max_age=int(current_app.config["FEEDBACK_SURVEY_TOKEN_MAX_AGE"]))
    except (SignatureExpired, BadSignature):
        return None
    return payload if isinstance(payload, dict) else None


def new_code() -> str:
    """A fresh, unguessable tracking code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str | None) -> str | None:
    """A typed code as stored (upper case, no spaces or hyphens), or None if it cannot be one."""
    if not text or len(text) > 40:
        return None
    code = "".join(ch for ch in text.upper() if ch not in " -")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def new_form_token() -> str:
    """The one-time token a form carries so that submitting it twice creates one record."""
    return secrets.token_urlsafe(18)


def idempotency_key(form: str, token: str | None, owner: str) -> str | None:
    """A digest of a form's one-time token, scoped to the form and to who sent it."""
    if not token or len(token) > 64:
        return None
    return _digest("once", f"{form}|{owner}|{token}", 64)
