"""Time helpers: the database stores naive UTC; pages show the office's local time."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB",
                      "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}

MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
             "Agustus", "September", "Oktober", "November", "Desember")


def utcnow_naive() -> datetime:
    """Now in UTC without tzinfo, the form every DateTime column holds."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_local(moment: datetime, zone: str) -> datetime:
    """A stored (naive UTC) or aware datetime in an office's time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(ZoneInfo(zone))


def format_local(moment: datetime, zone: str, with_zone: bool = True) -> str:
    """E.g. '23-11-2026 14:05 WITA'."""
    local = to_local(moment, zone)
    text = local.strftime("%d-%m-%Y %H:%M")
    return f"{text} {ZONE_ABBREVIATIONS.get(zone, zone)}" if with_zone else text


def format_date_id(value) -> str:
    """A date the Indonesian way: 23 November 2026."""
    return f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"
