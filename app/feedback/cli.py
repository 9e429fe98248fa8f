"""``flask feedback …``: the satisfaction index from the command line."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from app import clock
from app.extensions import db
from app.feedback import ikm, periods


@click.group()
def feedback():
    """Satisfaction survey (SKM/IKM), requests and complaints."""


@feedback.command("ikm")
@click.argument("office")
@click.argument("period", required=False)
@with_appcontext
def ikm_command(office: str, period: str | None):
    """Print the IKM of OFFICE (a slug) for PERIOD (2026, 2026-S1, 2026-T1, 2026-03; default: now)."""
    offices = current_app.extensions["offices"]
    if office not in offices:
        raise click.BadParameter(f"no office profile {office!r} (known: {', '.join(sorted(offices))})")
    chosen = periods.parse(period) if period else periods.containing(
        clock.local_today(offices[office].timezone), current_app.config["FEEDBACK_SURVEY_PERIOD"])
    if chosen is None:
        raise click.BadParameter(f"{period!r} is not a period such as 2026, 2026-S1, 2026-T1 or 2026-03")
    summary = ikm.summary(db.session, office, chosen)
    result = summary.result
    with force_locale("id"):  # the regulation's names, as the office publishes them
        click.echo(f"{offices[office].name}, {chosen.label}")
        if result is None:
            click.echo("no respondents")
            return
        for score in result.elements:
            click.echo(f"  {score.element.code} {str(score.element.name):45s} NRR {score.nrr_rounded}  "
                       f"{score.converted}  {score.grade.letter}")
        click.echo(f"IKM {result.converted} ({result.grade.letter}, {result.grade.label}); "
                   f"{result.respondents} respondent(s), {result.suggestions} suggestion(s)")
