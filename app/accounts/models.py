"""The user account."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.timeutil import utcnow_naive

ROLES = ("user", "staff", "admin")


class User(UserMixin, db.Model):
    """A person using the service online; staff also run one office's consoles."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("role IN ('user', 'staff', 'admin')", name="role"),
        CheckConstraint("role != 'staff' OR office IS NOT NULL", name="staff_office"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    #: Stored lower-cased, so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    role: Mapped[str] = mapped_column(String(10), default="user")
    #: The office a staff member works for (slug of an office profile).
    office: Mapped[str | None] = mapped_column(String(40))
    institution: Mapped[str | None] = mapped_column(String(160))
    occupation: Mapped[str | None] = mapped_column(String(80))
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow_naive)

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # flask-login refuses to log in inactive users
        return not self.disabled

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def is_staff_of(self, office_slug: str) -> bool:
        """Whether this account may use the staff pages of an office."""
        return self.role == "admin" or (self.role == "staff" and self.office == office_slug)

    def __repr__(self) -> str:
        return f"<User {self.id}>"
