"""Demo-data fixtures: the default demo records, generated once for the module."""

from __future__ import annotations

import pytest

from app.demo import demo_records


@pytest.fixture(scope="module")
def default_records():
    """The default demo catalogue's records (deterministic for the default seed)."""
    return demo_records()
