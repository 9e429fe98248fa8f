"""Accounts fixtures: every app here sends its email to the loopback SMTP server."""

from __future__ import annotations

import pytest


@pytest.fixture
def app(make_app, mail_config):
    """The app of these tests: mail to the loopback SMTP server, the shared movable clock."""
    return make_app(**mail_config)
