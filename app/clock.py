"""The one clock: every "now" in the application comes from here.

Link expiry, token ages, opening-hours status, timestamps written to the database, and
later the daily queue numbers and survey periods all read :func:`now`, which asks the
app's ``CLOCK`` setting (a callable returning an aware datetime).  Tests replace
``CLOCK`` with a clock they can move; outside an app (plain engines, scripts) it is the
system clock.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def system_now() -> datetime:
    """The system's time in UTC, timezone-aware (the default ``CLOCK``)."""
    return datetime.now(timezone.utc)


def now() -> datetime:
    """The current time, timezone-aware, from the app's ``CLOCK`` when there is an app."""
    if has_app_context():
        return current_app.config["CLOCK"]().astimezone(timezone.utc)
    return system_now()


def utcnow_naive() -> datetime:
    """Now in UTC without tzinfo, the form every DateTime column holds."""
    return now().replace(tzinfo=None)


def local_now(zone: str) -> datetime:
    """Now in an office's time zone (an IANA name such as Asia/Makassar)."""
    return now().astimezone(ZoneInfo(zone))


def local_today(zone: str) -> date:
    """Today's date in an office's time zone (queue numbers restart each local day)."""
    return local_now(zone).date()
