"""One clock: every "now" of the app comes from its CLOCK, which tests can move."""

from __future__ import annotations

from datetime import datetime, timezone

from app import clock as app_clock
from app.accounts.models import User
from app.extensions import db


def test_now_follows_the_apps_clock(app, clock):
    clock.set(2026, 3, 2, 8, 30, zone="Asia/Makassar")
    with app.app_context():
        assert app_clock.now() == datetime(2026, 3, 2, 0, 30, tzinfo=timezone.utc)
        assert app_clock.utcnow_naive() == datetime(2026, 3, 2, 0, 30)
        assert app_clock.local_today("Asia/Jakarta").isoformat() == "2026-03-02"
        clock.advance(hours=16)  # 00:30 WITA the next day, still 23:30 WIB on the 2nd
        assert app_clock.local_today("Asia/Makassar").isoformat() == "2026-03-03"
        assert app_clock.local_today("Asia/Jakarta").isoformat() == "2026-03-02"


def test_outside_an_app_it_is_the_system_clock():
    before = datetime.now(timezone.utc)
    assert before <= app_clock.now() <= datetime.now(timezone.utc)


def test_timestamps_in_the_database_come_from_the_clock(app, clock):
    clock.set(2025, 12, 31, 23, 59, zone="Asia/Jakarta")
    with app.app_context():
        user = User(name="Siti", email="siti@contoh.id")
        user.set_password("rahasia-123")
        db.session.add(user)
        db.session.commit()
        assert user.created_at == datetime(2025, 12, 31, 16, 59)
        assert user.password_changed_at == datetime(2025, 12, 31, 16, 59)
