"""The user account."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import PERSONAL, db
from app.clock import utcnow_naive
from app.text import N_

ROLES = ("user", "staff", "admin")
ROLE_LABELS = {"user": _l("Pengguna"), "staff": _l("Staf"), "admin": _l("Administrator")}

#: What PST asks its users about their occupation (the guest book's categories).  These
#: Indonesian words are what is stored and counted; pages translate them where they show
#: them (``N_`` marks them for the catalogue).
OCCUPATIONS = (
    N_("Pelajar/Mahasiswa"),
    N_("Peneliti/Dosen"),
    N_("ASN/TNI/Polri"),
    N_("Pegawai BUMN/BUMD"),
    N_("Karyawan Swasta"),
    N_("Wiraswasta"),
    N_("Lainnya"),
)

#: Version of the privacy statement a user agreed to (templates/accounts/_privacy.html).
CONSENT_VERSION = "2026-1"


@cache
def _dummy_hash() -> str:
    # A hash of a password nobody has, checked when an email is unknown, so a failed
    # login takes as long for an unregistered address as for a registered one.
    return generate_password_hash("not a real password, only for timing", method="scrypt")


class User(UserMixin, db.Model):
    """A person using the service online; staff also run one office's consoles."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("role IN ('user', 'staff', 'admin')", name="role"),
        CheckConstraint("role != 'staff' OR office IS NOT NULL", name="staff_office"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), info=PERSONAL)
    #: Stored lower-cased, so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True, info=PERSONAL)
    #: A new address waiting for its owner to follow the link sent to it.
    pending_email: Mapped[str | None] = mapped_column(String(254), info=PERSONAL)
    password_hash: Mapped[str] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    role: Mapped[str] = mapped_column(String(10), default="user")
    #: The office a staff member works for (slug of an office profile).
    office: Mapped[str | None] = mapped_column(String(40))
    institution: Mapped[str | None] = mapped_column(String(160), info=PERSONAL)
    occupation: Mapped[str | None] = mapped_column(String(80), info=PERSONAL)
    disabled: Mapped[bool] = mapped_column(default=False)
    #: When and to which version of the privacy statement the user agreed (UU 27/2022).
    consent_at: Mapped[datetime | None] = mapped_column(DateTime)
    consent_version: Mapped[str | None] = mapped_column(String(20))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive)

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.password_changed_at = utcnow_naive()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @staticmethod
    def check_no_password(password: str) -> bool:
        """Spend the time of a password check for an unknown account; always False."""
        check_password_hash(_dummy_hash(), password)
        return False

    def password_fingerprint(self) -> str:
        """A short keyed digest of the password hash: it changes whenever the password does.

        Reset links and login sessions carry it, so a used reset link and every session
        opened with the old password stop working once the password changes.
        """
        key = current_app.config["SECRET_KEY"].encode()
        return hmac.new(key, self.password_hash.encode(), hashlib.sha256).hexdigest()[:20]

    #: The login session this object was loaded for (set by app.accounts.sessions); not a column.
    session_token = None

    def get_id(self) -> str:
        """What the session and the remember-me cookie hold: the row id and a session token.

        The token names a row of :class:`LoginSession`; deleting the row (logging out,
        "keluar dari semua perangkat", a new password) ends that session everywhere,
        even in a copied cookie.
        """
        if not self.session_token:
            raise RuntimeError("log in through app.accounts.sessions.start(), not login_user()")
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # flask-login refuses to log in inactive users
        return not self.disabled

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def is_staff_of(self, office_slug: str) -> bool:
        """Whether this account may use the staff pages of an office."""
        return self.role == "admin" or (self.role == "staff" and self.office == office_slug)

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class LoginSession(db.Model):
    """One logged-in browser: the server's half of a session cookie.

    The cookie carries a random token; only its SHA-256 is stored, so a copy of the
    database cannot be turned into working cookies.
    """

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive)
