"""A person's own data (UU 27/2022): everything we hold about them, to export or erase.

Each feature that stores personal data adds a section here: a name, a function that
returns the user's records as plain JSON values, and optionally a function that erases
or anonymises them before the account row goes. Records that statistics need (a read
or download of a publication, later ratings and survey answers) keep no link to the
person: their foreign key is ``ON DELETE SET NULL``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db


@dataclass(frozen=True)
class Section:
    key: str
    export: Callable[[User], Any]
    erase: Callable[[User], None] | None = None


SECTIONS: list[Section] = []


def section(key: str, erase: Callable[[User], None] | None = None):
    """Register a function returning one section of a user's data export."""
    def register(export: Callable[[User], Any]):
        SECTIONS.append(Section(key, export, erase))
        return export
    return register


def iso(value: datetime | date | None) -> str | None:
    """Stored naive UTC datetimes as ISO 8601 with an explicit zone."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc).isoformat() if value.tzinfo is None else value.isoformat()
    return value.isoformat()


@section("account")
def _account(user: User) -> dict:
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
    }


@section("softcopy_accesses")
def _softcopy_accesses(user: User) -> list[dict]:
    from app.catalogue.models import SoftcopyAccess

    rows = db.session.scalars(select(SoftcopyAccess).where(SoftcopyAccess.user_id == user.id)
                              .order_by(SoftcopyAccess.created_at.desc(), SoftcopyAccess.id.desc()))
    return [{
        "download_id": access.token,
        "kind": access.kind,
        "office": access.office,
        "publication_id": access.publication_id,
        "publication_title": access.publication.title if access.publication else None,
        "at": iso(access.created_at),
    } for access in rows]


def export(user: User, now: datetime) -> dict:
    """Everything held about a user, as JSON-ready values."""
    data: dict[str, Any] = {
        "format": "pst-perpustakaan/data-pribadi/1",
        "exported_at": iso(now),
        "note": ("Data pribadi Anda di PST Perpustakaan, sesuai hak subjek data "
                 "(UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi)."),
    }
    for part in SECTIONS:
        data[part.key] = part.export(user)
    return data


def erase(user: User) -> None:
    """Remove a user and their personal data; anonymised statistics stay (caller commits)."""
    for part in SECTIONS:
        if part.erase is not None:
            part.erase(user)
    db.session.delete(user)
