"""``flask reach …``: keep the OAI-PMH records in step with the catalogue."""

from __future__ import annotations

import click
from flask.cli import AppGroup

reach = AppGroup("reach", help="OAI-PMH, sitemaps, feeds: how the catalogue is found elsewhere.")


@reach.command("sync")
def sync_command():
    """Repair the OAI-PMH records: write missing or stale ones, mark vanished ones deleted."""
    from app.reach.tracking import sync

    click.echo(sync())
