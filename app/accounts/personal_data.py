"""The account's own share of a person's data: the profile, and its erasure and retention."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from app.accounts import sessions
from app.accounts.models import LoginSession, User
from app.contrib import DataSubject, PersonalDataSection, Registry
from app.extensions import db
from app.personal_data import erase, iso, subject_for


def export_account(subject: DataSubject) -> dict | None:
    user = subject.user
    if user is None:
        return None
    return {
        "name": user.name,
        "email": user.email,
        "pending_email": user.pending_email,
        "institution": user.institution,
        "occupation": user.occupation,
        "role": user.role,
        "office": user.office,
        "verified_at": iso(user.verified_at),
        "disabled": user.disabled,
        "consent_at": iso(user.consent_at),
        "consent_version": user.consent_version,
        "created_at": iso(user.created_at),
        "password_changed_at": iso(user.password_changed_at),
        "last_login_at": iso(user.last_login_at),
        "sessions": [{"started_at": iso(row.created_at), "last_seen_at": iso(row.last_seen_at),
                      "remembered": row.remember} for row in sessions.active(user)],
    }


def erase_account(subject: DataSubject) -> None:
    """The account row goes last, after every feature has let go of it."""
    if subject.user is not None:
        db.session.execute(delete(LoginSession).where(LoginSession.user_id == subject.user.id))
        db.session.delete(subject.user)


def purge_unverified(now: datetime, days: int | None = None) -> int:
    """Erase accounts never verified within the retention the privacy statement promises."""
    days = days or current_app.config["UNVERIFIED_ACCOUNT_DAYS"]
    cutoff = now.replace(tzinfo=None) - timedelta(days=days)
    stale = db.session.scalars(select(User).where(User.verified_at.is_(None), User.role == "user",
                                                  User.created_at < cutoff)).all()
    for user in stale:
        erase(subject_for(user))
    return len(stale)


def purge(now: datetime) -> int:
    """Retention: unverified accounts, and session rows nobody can use any more."""
    return purge_unverified(now) + sessions.purge_expired(now)


def register(reg: Registry) -> None:
    reg.personal_data(PersonalDataSection(
        "account", tables=("user_account", "login_session"), export=export_account, erase=erase_account,
        purge=purge, order=0))
