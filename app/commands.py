"""``flask offices …``: commands that must work even when the app cannot start.

They are registered as a Flask plugin (entry point ``flask.commands`` in
pyproject.toml), so ``flask offices check`` still runs when a broken profile makes
:func:`app.create_app` refuse to start: that is when it is needed most.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from app.config import PROJECT_ROOT
from app.offices import check_folder


@click.group()
def offices():
    """Office profiles (offices/*.yaml)."""


@offices.command("check")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of profiles (default: OFFICES_DIR or ./offices).")
def check(folder: Path | None):
    """Validate every office profile; exit non-zero on any problem."""
    folder = folder or Path(os.environ.get("OFFICES_DIR") or PROJECT_ROOT / "offices")
    found, problems = check_folder(folder)
    for office in sorted(found.values(), key=lambda o: o.slug):
        click.echo(f"ok    {office.source}: {office.name} ({office.bps_code}, {office.timezone})")
    for problem in problems:
        click.echo(f"error {problem}", err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo(f"{len(found)} office profile(s) valid.")
