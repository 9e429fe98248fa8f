"""Login sessions kept on the server, so logging out really ends them.

Flask's session cookie and Flask-Login's remember-me cookie are signed but live in the
browser: without a server-side record, a copied cookie works after logout.  Each login
therefore creates a :class:`LoginSession` row named by a random token that both cookies
carry (``User.get_id()``); every request checks the row.  Logging out deletes the row,
"Keluar dari semua perangkat" deletes all of a user's rows, and a new password deletes
every other one.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, select

from app import clock
from app.accounts.models import LoginSession, User
from app.extensions import db
from app.text import parse_int

#: How often a session's "last seen" time is written (not on every request).
TOUCH_EVERY = timedelta(minutes=10)
#: A session that is not remembered ends this long after it was last used.
IDLE_LIFETIME = timedelta(hours=12)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, remember: bool = False) -> None:
    """Log a user in on this browser: a new session row, then Flask-Login's cookies."""
    token = secrets.token_urlsafe(24)
    db.session.add(LoginSession(user_id=user.id, token_hash=_hash(token), remember=remember))
    user.last_login_at = clock.utcnow_naive()
    db.session.commit()
    user.session_token = token
    login_user(user, remember=remember)


def _lifetime(row: LoginSession) -> timedelta:
    return current_app.config["REMEMBER_COOKIE_DURATION"] if row.remember else IDLE_LIFETIME


def load(session_id: str) -> User | None:
    """The user of a session id from a cookie, while its session row lives."""
    user_id, _, token = (session_id or "").partition(":")
    user_id = parse_int(user_id, minimum=1, maximum=2**63 - 1)
    if user_id is None or not token or len(token) > 64:
        return None
    row = db.session.scalars(select(LoginSession).where(LoginSession.token_hash == _hash(token))).first()
    if row is None or row.user_id != user_id:
        return None
    now = clock.utcnow_naive()
    if now - row.last_seen_at > _lifetime(row):
        db.session.delete(row)
        db.session.commit()
        return None
    user = db.session.get(User, user_id)
    if user is None or user.disabled:
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    user.session_token = token
    return user


def end_current() -> None:
    """Log out this browser: its session row goes, so a copied cookie stops working too."""
    token = getattr(current_user, "session_token", None) if current_user.is_authenticated else None
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == _hash(token)))
        db.session.commit()
    logout_user()


def end_all(user: User, keep_current: bool = False) -> int:
    """End a user's sessions on every device (or every other one); returns how many ended."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep_current and user.session_token:
        query = query.where(LoginSession.token_hash != _hash(user.session_token))
    ended = db.session.execute(query).rowcount
    db.session.commit()
    return ended


def active(user: User) -> list[LoginSession]:
    """The user's sessions, newest first (for "Akun saya")."""
    return list(db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)
                                   .order_by(LoginSession.last_seen_at.desc())))


def purge_expired(now) -> int:
    """Delete session rows nobody can use any more (retention; `flask data purge`)."""
    now = now.replace(tzinfo=None)
    remembered = now - current_app.config["REMEMBER_COOKIE_DURATION"]
    idle = now - IDLE_LIFETIME
    query = delete(LoginSession).where(
        ((LoginSession.remember.is_(True)) & (LoginSession.last_seen_at < remembered))
        | ((LoginSession.remember.is_(False)) & (LoginSession.last_seen_at < idle)))
    return db.session.execute(query).rowcount
