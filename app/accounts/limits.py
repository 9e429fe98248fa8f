"""Rate limits on the account pages: brute force on passwords, floods of email.

The limits are settings (``LIMIT_*`` in app/config.py) read at request time, counted in
Redis when REDIS_URL is set. Keys that name a person hold a keyed digest of the email
address, never the address itself.

Guessing is throttled without handing strangers a way to lock an owner out (OWASP,
"Slow down online guessing attacks with device cookies"): the tight limit counts
failures per address *and* client, so a stranger only locks themself; the address-wide
ceiling is much higher and does not apply to a browser that has logged in to that
account before (it carries a signed device cookie), so the owner's correct password
still works during a distributed attack.  The same split protects the owner's reset
and verification emails.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.accounts.models import User
from app.extensions import limiter

#: What the 429 page says (lazy: written in the visitor's language when the limit is hit).
LOGIN_MESSAGE = _l("Terlalu banyak percobaan masuk. Demi keamanan akun, tunggu sebentar lalu coba "
                   "lagi. Jika Anda lupa kata sandi, gunakan halaman \u201cLupa kata sandi\u201d.")
EMAIL_MESSAGE = _l("Terlalu banyak permintaan email. Tunggu sebentar sebelum meminta lagi, dan periksa "
                   "juga folder spam atau promosi di kotak surat Anda.")
PASSWORD_MESSAGE = _l("Terlalu banyak percobaan kata sandi yang salah. Tunggu sebentar lalu coba lagi.")


def _setting(name: str):
    return lambda: current_app.config[name]


def _digest(value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def _address_digest() -> str:
    email = request.form.get("email", "")
    if not email.strip() and current_user.is_authenticated:
        email = current_user.email
    return _digest(User.normalise_email(email)[:254])


def submitted_address() -> str:
    """The address a form names (or the logged-in user's), as a keyed digest."""
    return "address:" + _address_digest()


def address_and_client() -> str:
    """The address a form names together with the client sending it."""
    return f"address:{_address_digest()}:client:{get_remote_address()}"


# ------------------------------------------------------------------ device cookies

DEVICE_COOKIE = "pst_perangkat"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 3600
#: Accounts remembered per browser (a family computer may hold a few).
DEVICE_ACCOUNTS = 5


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="pst.accounts.device")


def _device_digests() -> list[str]:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or len(raw) > 2000:
        return []
    try:
        value = _device_serializer().loads(raw, max_age=DEVICE_COOKIE_MAX_AGE)
    except BadSignature:
        return []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def known_device() -> bool:
    """Whether this browser has logged in to the account the form names before."""
    return _address_digest() in _device_digests()


def remember_device(response, email: str):
    """After a successful login: mark this browser as one the account's owner uses."""
    digest = _digest(User.normalise_email(email))
    digests = [digest] + [d for d in _device_digests() if d != digest]
    response.set_cookie(DEVICE_COOKIE, _device_serializer().dumps(digests[:DEVICE_ACCOUNTS]),
                        max_age=DEVICE_COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"], path="/akun/")
    return response


def account_or_address() -> str:
    """The logged-in account, else the client's address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def _flagged(flag: str):
    return lambda response: bool(g.get(flag))


def mark_failed_login() -> None:
    """Count this request against the per-email limit on failed logins."""
    g.login_failed = True


def mark_email_requested() -> None:
    """Count this request against the limits on sending email."""
    g.email_requested = True


def mark_failed_password() -> None:
    """Count this request against the per-account limit on wrong passwords."""
    g.password_failed = True


#: Every login attempt from one client address.
login_per_ip = limiter.limit(_setting("LIMIT_LOGIN_PER_IP"), methods=["POST"],
                             error_message=LOGIN_MESSAGE)
#: Failed logins for one email address from one client: the tight limit.
login_per_address_and_client = limiter.limit(
    _setting("LIMIT_LOGIN_PER_ADDRESS_AND_CLIENT"), key_func=address_and_client, methods=["POST"],
    deduct_when=_flagged("login_failed"), error_message=LOGIN_MESSAGE)
#: Failed logins for one email address from anywhere: a much higher ceiling, which a
#: browser the owner logged in with before does not meet.
login_per_address = limiter.limit(
    _setting("LIMIT_LOGIN_PER_ADDRESS"), key_func=submitted_address, methods=["POST"],
    deduct_when=_flagged("login_failed"), exempt_when=known_device, error_message=LOGIN_MESSAGE)
#: Registrations from one client address.
register_per_ip = limiter.limit(_setting("LIMIT_REGISTER_PER_IP"), methods=["POST"],
                                error_message=EMAIL_MESSAGE)
#: Requests that send an email, shared by every such page: per client, per recipient.
#: Only accepted forms count, so a typo does not use up a person's allowance.
email_per_ip = limiter.shared_limit(_setting("LIMIT_EMAIL_PER_IP"), scope="account-email",
                                    methods=["POST"], deduct_when=_flagged("email_requested"),
                                    error_message=EMAIL_MESSAGE)
email_per_address_and_client = limiter.shared_limit(
    _setting("LIMIT_EMAIL_PER_ADDRESS_AND_CLIENT"), scope="account-email-to-from",
    key_func=address_and_client, methods=["POST"], deduct_when=_flagged("email_requested"),
    error_message=EMAIL_MESSAGE)
email_per_address = limiter.shared_limit(
    _setting("LIMIT_EMAIL_PER_ADDRESS"), scope="account-email-to", key_func=submitted_address,
    methods=["POST"], deduct_when=_flagged("email_requested"), exempt_when=known_device,
    error_message=EMAIL_MESSAGE)
#: Wrong current passwords on the account pages, per account.
password_per_account = limiter.shared_limit(_setting("LIMIT_PASSWORD_CHECK_PER_USER"),
                                            scope="account-password", key_func=account_or_address,
                                            methods=["POST"], deduct_when=_flagged("password_failed"),
                                            error_message=PASSWORD_MESSAGE)
