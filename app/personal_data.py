"""A person's own data (UU 27/2022): export, erasure and retention across every feature.

Each feature registers its share as a :class:`~app.contrib.PersonalDataSection` from its
``init_app``: a key, the tables it covers, a function that returns the subject's records
as plain JSON values, and optionally functions that erase or anonymise them and that
apply the feature's retention period.  This module only walks the registry; it knows
no feature.  Records that statistics need (a download, a rating, a survey answer) are
anonymised rather than deleted, so counts stay true.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timezone
from typing import Any

import click
from flask import Flask
from flask_babel import gettext
from flask.cli import with_appcontext

from app import clock
from app.contrib import DataSubject, registry
from app.extensions import db

log = logging.getLogger(__name__)

EXPORT_FORMAT = "pst-perpustakaan/data-pribadi/2"


def iso(value: datetime | date | None) -> str | None:
    """Stored naive UTC datetimes as ISO 8601 with an explicit zone."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc).isoformat() if value.tzinfo is None else value.isoformat()
    return value.isoformat()


def uncovered_tables(metadata, sections) -> list[str]:
    """Tables holding personal data that no section exports and erases.

    A table holds personal data when a column refers to the account table or is marked
    ``info={"personal": True}`` (``app.extensions.PERSONAL``).
    """
    covered = {table for section in sections for table in section.tables}
    missing = []
    for name, table in sorted(metadata.tables.items()):
        personal = any(column.info.get("personal") for column in table.columns) or any(
            fk.column.table.name == "user_account" for fk in table.foreign_keys)
        if personal and name not in covered:
            missing.append(name)
    return missing


def subject_for(user) -> DataSubject:
    """The data subject of an account: the account and its verified address."""
    emails = (user.email,) if getattr(user, "verified_at", None) is not None else ()
    return DataSubject(user=user, emails=emails)


def export(subject: DataSubject, now: datetime | None = None) -> dict[str, Any]:
    """Everything held about a subject, as JSON-ready values, one key per section."""
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "exported_at": iso(now or clock.now()),
        "note": gettext("Data pribadi Anda di PST Perpustakaan, sesuai hak subjek data "
                        "(UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi)."),
    }
    for section in registry().personal_data_sections:
        data[section.key] = section.export(subject)
    return data


def erase(subject: DataSubject) -> None:
    """Erase or anonymise the subject's data in every section (caller commits).

    Sections go in reverse order, so the account (order 0) goes after every feature
    that refers to it has let go.
    """
    for section in reversed(registry().personal_data_sections):
        if section.erase is not None:
            section.erase(subject)


def purge(now: datetime | None = None) -> dict[str, int]:
    """Apply every feature's retention period; returns how many records each changed."""
    now = now or clock.now()
    done = {}
    for section in registry().personal_data_sections:
        if section.purge is not None:
            done[section.key] = section.purge(now)
            db.session.commit()
    return done


@click.group("data")
def data_cli():
    """Personal data (UU 27/2022): retention."""


@data_cli.command("purge")
@with_appcontext
def purge_command():
    """Apply every feature's retention period (safe to run daily, e.g. from cron)."""
    for key, count in purge().items():
        click.echo(f"{key}: {count} record(s) purged")


def init_app(app: Flask) -> None:
    app.cli.add_command(data_cli)
