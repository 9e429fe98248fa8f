"""``flask visits …``: the guest book's retention."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app import clock
from app.extensions import db
from app.visits.personal_data import purge_counts


@click.group()
def visits():
    """Walk-in visits: guest book, queue, lockers."""


@visits.command("purge")
@with_appcontext
def purge():
    """Anonymise guest-book entries older than each office's retention (safe to run daily)."""
    entries, codes = purge_counts(clock.now())
    db.session.commit()
    click.echo(f"{entries} guest-book entr{'y' if entries == 1 else 'ies'} anonymised "
               f"(name, email, phone, institution cleared; counts kept), "
               f"{codes} expired one-time code(s) deleted.")
