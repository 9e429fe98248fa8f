"""Service-standard fixtures: office folders with hours, to show the open/closed line."""

from __future__ import annotations

import shutil

import pytest

from tests.helpers import OFFICES_DIR


@pytest.fixture
def wita_office_dir(tmp_path):
    """Majene (WITA) given the weekday hours of Musi Banyuasin, to show the status line."""
    folder = tmp_path / "offices"
    folder.mkdir()
    text = (OFFICES_DIR / "majenekab.yaml").read_text(encoding="utf-8")
    hours = ('hours:\n'
             '  monday: {open: "08:00", close: "15:30", breaks: [{start: "12:30", end: "14:00"}]}\n'
             '  friday: {open: "08:00", close: "16:00"}\n')
    (folder / "majenekab.yaml").write_text(text.replace("timezone: Asia/Makassar\n",
                                                        "timezone: Asia/Makassar\n" + hours))
    shutil.copy(OFFICES_DIR / "bengkulu.yaml", folder / "bengkulu.yaml")
    return folder
