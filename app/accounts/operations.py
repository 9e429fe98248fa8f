"""What the account pages do to accounts, and the emails that go with it.

Every function that may send mail behaves the same whether or not an address is
registered, as seen from the page: same answer, same work (a password hash either way),
mail handed to a background thread. Only the mailbox's owner learns more.

Emails are written in the language of the page that caused them (app/mail.py).
"""

from __future__ import annotations

import logging
from enum import Enum

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import clock, personal_data
from app.accounts import sessions, tokens
from app.accounts.models import CONSENT_VERSION, User
from app.extensions import db
from app.mail import external_url, run_in_background, send_email

log = logging.getLogger(__name__)


class LinkState(Enum):
    OK = "ok"
    EXPIRED = "expired"
    INVALID = "invalid"


def find_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == User.normalise_email(email))).first()


def _hours(purpose: str) -> int:
    return max(1, round(tokens.max_age(purpose) / 3600))


# ------------------------------------------------------------------ registration


def register(*, name: str, email: str, password: str, institution: str, occupation: str) -> None:
    """Create an unverified account and send its verification link.

    If the address already has an account, nothing is created and its owner gets an
    email saying so (with a link to set a new password) instead.
    """
    email = User.normalise_email(email)
    existing = find_by_email(email)
    if existing is None:
        user = User(name=name, email=email, institution=institution, occupation=occupation,
                    role="user", consent_at=clock.utcnow_naive(), consent_version=CONSENT_VERSION)
        user.set_password(password)
        db.session.add(user)
        try:
            db.session.commit()
        except IntegrityError:  # registered in the same instant by another request
            db.session.rollback()
            existing = find_by_email(email)
        else:
            log.info("Account %s registered", user.id)
            run_in_background(_registered_job, user.id, True)
            return
    User.check_no_password(password)  # the same work as hashing a new password
    run_in_background(_registered_job, existing.id if existing is not None else None, False)


def _registered_job(user_id: int | None, new: bool) -> None:
    """After a registration: the verification link, or "you already have an account"."""
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is not None:
        send_verification(user) if new else send_already_registered(user)


def send_verification(user: User) -> None:
    token = tokens.make_token("verify-email", user=user.id, email=tokens.digest(user.email))
    send_email(user.email, _("Verifikasi alamat email akun PST Perpustakaan"), "verify_email",
               user=user, link=external_url("accounts.verify_email", token=token),
               hours=_hours("verify-email"))


def send_already_registered(user: User) -> None:
    # A disabled account gets no reset link (it could not be used); the email says why.
    reset_link = None if user.disabled else external_url("accounts.reset_password", token=reset_token(user))
    send_email(user.email, _("Anda sudah memiliki akun PST Perpustakaan"), "already_registered",
               user=user, login_link=external_url("accounts.login"), reset_link=reset_link,
               hours=_hours("reset-password"))


def verify_email(token: str) -> tuple[LinkState, User | None]:
    """Mark the address in a verification link as verified (idempotent)."""
    try:
        payload = tokens.read_token("verify-email", token)
    except tokens.TokenExpired:
        return LinkState.EXPIRED, None
    except tokens.TokenInvalid:
        return LinkState.INVALID, None
    user = db.session.get(User, payload.get("user")) if isinstance(payload.get("user"), int) else None
    # A link for an address the account no longer has is dead.
    if user is None or tokens.digest(user.email) != payload.get("email"):
        return LinkState.INVALID, None
    if user.verified_at is None:
        user.verified_at = clock.utcnow_naive()
        db.session.commit()
        log.info("Account %s verified its email", user.id)
    return LinkState.OK, user


def resend_verification(email: str) -> None:
    """Send a new verification link if the address has an unverified account.

    The lookup and the message happen in the background for every address alike.
    """
    run_in_background(_resend_job, User.normalise_email(email))


def _resend_job(email: str) -> None:
    user = find_by_email(email)
    if user is not None and not user.is_verified and not user.disabled:
        send_verification(user)


# ------------------------------------------------------------------ passwords


def reset_token(user: User) -> str:
    return tokens.make_token("reset-password", user=user.id, password=user.password_fingerprint())


def request_password_reset(email: str) -> None:
    """Send a reset link if the address has an account that may log in.

    The lookup and the message happen in the background for every address alike.
    """
    run_in_background(_reset_job, User.normalise_email(email))


def _reset_job(email: str) -> None:
    user = find_by_email(email)
    if user is not None and not user.disabled:
        send_email(user.email, _("Atur ulang kata sandi PST Perpustakaan"), "reset_password",
                   user=user, link=external_url("accounts.reset_password", token=reset_token(user)),
                   hours=_hours("reset-password"))


def user_for_reset(token: str) -> tuple[LinkState, User | None]:
    """The account a reset link is for, while the link is fresh and unused."""
    try:
        payload = tokens.read_token("reset-password", token)
    except tokens.TokenExpired:
        return LinkState.EXPIRED, None
    except tokens.TokenInvalid:
        return LinkState.INVALID, None
    user = db.session.get(User, payload.get("user")) if isinstance(payload.get("user"), int) else None
    # The fingerprint of the password it was made for: once used, the password changed.
    if user is None or user.disabled or payload.get("password") != user.password_fingerprint():
        return LinkState.INVALID, None
    return LinkState.OK, user


def set_new_password(user: User, password: str, *, via_email_link: bool = False) -> None:
    """Change the password, end every other session, and tell the owner by email.

    From the account page the current browser stays logged in; from a reset link every
    session ends (whoever knew the old password is out).
    """
    user.set_password(password)
    if via_email_link and user.verified_at is None:
        # The link reached the mailbox: that verifies the address too.
        user.verified_at = clock.utcnow_naive()
    db.session.commit()
    sessions.end_all(user, keep_current=not via_email_link)
    log.info("Account %s changed its password", user.id)
    send_email(user.email, _("Kata sandi PST Perpustakaan Anda telah diubah"), "password_changed",
               user=user, forgot_link=external_url("accounts.forgot_password"))


# ------------------------------------------------------------------ email change


def request_email_change(user: User, new_email: str) -> None:
    """Send a confirmation link to the new address; the account changes when it is opened.

    If another account already has the address, its owner is told instead. Either way
    the request shows as pending, so the page does not say which happened.
    """
    new_email = User.normalise_email(new_email)
    user.pending_email = new_email
    db.session.commit()
    other = find_by_email(new_email)
    if other is not None:
        send_email(new_email, _("Permintaan penggunaan alamat email Anda"), "email_in_use",
                   user=other, forgot_link=external_url("accounts.forgot_password"))
        return
    token = tokens.make_token("change-email", user=user.id, email=tokens.digest(new_email))
    send_email(new_email, _("Konfirmasi alamat email baru PST Perpustakaan"), "change_email",
               user=user, link=external_url("accounts.confirm_email_change", token=token),
               hours=_hours("change-email"))


def user_for_email_change(token: str) -> tuple[LinkState, User | None, str | None]:
    try:
        payload = tokens.read_token("change-email", token)
    except tokens.TokenExpired:
        return LinkState.EXPIRED, None, None
    except tokens.TokenInvalid:
        return LinkState.INVALID, None, None
    user = db.session.get(User, payload.get("user")) if isinstance(payload.get("user"), int) else None
    # Only the latest request counts; a confirmed or cancelled one is gone.
    if (user is None or user.disabled or not user.pending_email
            or tokens.digest(user.pending_email) != payload.get("email")):
        return LinkState.INVALID, None, None
    return LinkState.OK, user, user.pending_email


def confirm_email_change(user: User, new_email: str) -> bool:
    """Move the account to its confirmed new address; False if it was taken meanwhile."""
    old_email = user.email
    if find_by_email(new_email) is not None:
        return False
    user.email, user.pending_email = new_email, None
    user.verified_at = clock.utcnow_naive()
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    log.info("Account %s changed its email address", user.id)
    send_email(old_email, _("Alamat email akun PST Perpustakaan Anda telah diubah"), "email_changed",
               user=user, new_email=new_email)
    return True


def cancel_email_change(user: User) -> None:
    user.pending_email = None
    db.session.commit()


# ------------------------------------------------------------------ deletion


def is_last_admin(user: User) -> bool:
    if not user.is_admin:
        return False
    admins = db.session.scalar(select(func.count()).select_from(User)
                               .where(User.role == "admin", User.disabled.is_(False)))
    return admins <= 1


def delete_account(user: User) -> None:
    """Erase the account and its personal data, then say goodbye by email."""
    email, name, user_id = user.email, user.name, user.id
    personal_data.erase(personal_data.subject_for(user))
    db.session.commit()
    log.info("Account %s deleted by its owner", user_id)
    send_email(email, _("Akun PST Perpustakaan Anda telah dihapus"), "account_deleted", name=name,
               register_link=external_url("accounts.register"))


def purge_unverified(days: int) -> int:
    """Delete accounts never verified within ``days`` of registering; returns how many."""
    from app.accounts.personal_data import purge_unverified as purge

    count = purge(clock.now(), days)
    db.session.commit()
    return count
