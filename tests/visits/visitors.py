"""Plain test data and page helpers for the visits tests (fixtures live in conftest.py)."""

from __future__ import annotations

import re

from tests.helpers import csrf_from

#: What a visitor taps and types at the kiosk (valid at every office).
VISITOR = dict(name="Siti Rahmawati", email="siti@contoh.id", phone="0812 3456 7890", gender="P",
               age_group="26-35", education="s1", occupation="Peneliti/Dosen",
               institution="Universitas Sulawesi Barat", purpose="perpustakaan", id_kind="ktp", consent="y")


def hidden_fields(html: str) -> dict:
    """The hidden inputs of the guest-book form (CSRF token and the form's own token)."""
    fields = {"csrf_token": csrf_from(html)}
    match = re.search(r'name="form_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="form_token"', html)
    if match:
        fields["form_token"] = match.group(1)
    return fields
