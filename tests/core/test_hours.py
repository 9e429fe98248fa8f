"""The open/closed line, computed in the office's own time zone with a fixed clock."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from app.hours import status_at
from app.offices import parse_profile
from tests.helpers import OFFICES_DIR

UTC = ZoneInfo("UTC")


def office_in(zone: str):
    """Musi Banyuasin's published hours (Mon-Thu 08-15.30, Fri 08-16, break 12.30-14) in a zone."""
    data = yaml.safe_load((OFFICES_DIR / "musibanyuasinkab.yaml").read_text(encoding="utf-8"))
    data["timezone"] = zone
    office, problems = parse_profile(data, "musibanyuasinkab.yaml")
    assert not problems
    return office


def local(zone, *args):
    return datetime(*args, tzinfo=ZoneInfo(zone))


# 2026-11-23 is a Monday; 2026-11-27 a Friday; 2026-11-28 a Saturday.
CASES = [
    ((2026, 11, 23, 7, 59), "closed", "Tutup, buka hari ini pukul 08.00"),
    ((2026, 11, 23, 8, 0), "open", "Buka sekarang, tutup pukul 15.30"),
    ((2026, 11, 23, 12, 29), "open", "Buka sekarang"),
    ((2026, 11, 23, 12, 30), "break", "Istirahat, buka lagi pukul 14.00"),
    ((2026, 11, 23, 13, 59), "break", "Istirahat, buka lagi pukul 14.00"),
    ((2026, 11, 23, 14, 0), "open", "Buka sekarang"),
    ((2026, 11, 23, 15, 30), "closed", "Tutup, buka besok pukul 08.00"),
    ((2026, 11, 26, 15, 45), "closed", "Tutup, buka besok pukul 08.00"),   # Thursday after closing
    ((2026, 11, 27, 15, 45), "open", "Buka sekarang, tutup pukul 16.00"),  # Friday's longer hours
    ((2026, 11, 27, 16, 0), "closed", "Tutup, buka Senin pukul 08.00"),
    ((2026, 11, 28, 10, 0), "closed", "Tutup, buka Senin pukul 08.00"),    # Saturday
    ((2026, 11, 29, 10, 0), "closed", "Tutup, buka besok pukul 08.00"),    # Sunday
]


@pytest.mark.parametrize("zone, abbreviation", [("Asia/Jakarta", "WIB"), ("Asia/Makassar", "WITA")])
@pytest.mark.parametrize("when, state, message", CASES)
def test_status_in_office_time(zone, abbreviation, when, state, message):
    status = status_at(office_in(zone), local(zone, *when))
    assert status.state == state
    assert status.message.startswith(message)
    assert status.message.endswith(abbreviation)


def test_the_same_instant_differs_between_wib_and_wita():
    # 00:30 UTC on Monday is 07:30 WIB (before opening) and 08:30 WITA (open).
    instant = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
    assert status_at(office_in("Asia/Jakarta"), instant).message == "Tutup, buka hari ini pukul 08.00 WIB"
    assert status_at(office_in("Asia/Makassar"), instant).message == "Buka sekarang, tutup pukul 15.30 WITA"


def test_no_published_hours_gives_no_status():
    data = yaml.safe_load((OFFICES_DIR / "bengkulu.yaml").read_text(encoding="utf-8"))
    office, _ = parse_profile(data, "bengkulu.yaml")
    assert status_at(office, datetime(2026, 11, 23, 3, 0, tzinfo=UTC)) is None


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        status_at(office_in("Asia/Jakarta"), datetime(2026, 11, 23, 9, 0))
