"""``flask users …``: administrators, staff and the demo accounts."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.clock import utcnow_naive

#: Accounts `make run` creates so a new developer can log in at once.
DEMO_PASSWORD = "demo-pst-2026"
DEMO_ACCOUNTS = (
    ("pengguna@contoh.id", "Siti Rahmawati", "user", None),
    ("staf.majene@contoh.id", "Andi Petugas Majene", "staff", "majenekab"),
    ("admin@contoh.id", "Admin PST", "admin", None),
)


@click.group()
def users():
    """User accounts."""


def _get_or_create(email: str, name: str | None, password: str | None = None) -> tuple[User, bool]:
    """The account with this address, or a new verified one with a password typed at a prompt.

    Passwords are never taken from the command line, where shell history and the
    process list would keep them.
    """
    email = User.normalise_email(email)
    user = db.session.scalars(select(User).where(User.email == email)).first()
    if user is not None:
        return user, False
    if not password:
        password = click.prompt("Password for the new account", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        click.echo("error: the password must have at least 8 characters", err=True)
        sys.exit(1)
    user = User(email=email, name=name or email.split("@")[0], verified_at=utcnow_naive())
    user.set_password(password)
    db.session.add(user)
    return user, True


@users.command("create-admin")
@click.argument("email")
@click.option("--name", help="Display name.")
@with_appcontext
def create_admin(email: str, name: str | None):
    """Make EMAIL an administrator (creating the account if needed; the password is asked for)."""
    user, created = _get_or_create(email, name)
    user.role, user.office = "admin", None
    db.session.commit()
    click.echo(f"{'Created' if created else 'Updated'} administrator {user.email}.")


@users.command("add-staff")
@click.argument("email")
@click.option("--office", "office_slug", required=True, help="Slug of the office.")
@click.option("--name", help="Display name.")
@with_appcontext
def add_staff(email: str, office_slug: str, name: str | None):
    """Make EMAIL staff of an office (creating the account if needed; the password is asked for)."""
    if office_slug not in current_app.extensions["offices"]:
        click.echo(f"error: {office_slug!r} is not an office slug", err=True)
        sys.exit(1)
    user, created = _get_or_create(email, name)
    user.role, user.office = "staff", office_slug
    db.session.commit()
    click.echo(f"{'Created' if created else 'Updated'} {user.email}: staff of {office_slug}.")


@users.command("list")
@with_appcontext
def list_users():
    """List accounts: email, role, office, verified."""
    for user in db.session.scalars(select(User).order_by(User.role.desc(), User.email)):
        verified = "verified" if user.is_verified else "unverified"
        state = " disabled" if user.disabled else ""
        click.echo(f"{user.email:40} {user.role:6} {user.office or '-':18} {verified}{state}")


@users.command("purge-unverified")
@click.option("--days", default=30, show_default=True, type=click.IntRange(min=1),
              help="Delete user accounts registered longer ago than this and never verified.")
@with_appcontext
def purge_unverified(days: int):
    """Delete accounts never verified (the retention the privacy statement promises)."""
    from app.accounts.operations import purge_unverified as purge

    click.echo(f"Deleted {purge(days)} unverified account(s) older than {days} days.")


@users.command("demo")
@with_appcontext
def demo_accounts():
    """Create the demo accounts (development only)."""
    if current_app.config["APP_ENV"] == "production":
        click.echo("error: demo accounts are not created in production", err=True)
        sys.exit(1)
    for email, name, role, office in DEMO_ACCOUNTS:
        user, created = _get_or_create(email, name, DEMO_PASSWORD)
        user.role, user.office = role, office
        if created:
            click.echo(f"Demo account {email} ({role}{', ' + office if office else ''}), password {DEMO_PASSWORD}")
    db.session.commit()
