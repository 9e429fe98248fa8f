"""A visitor without an account asks staff for their guest-book data, or its erasure."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.extensions import db
from app.visits.models import GuestBookEntry
from tests.helpers import captured_log, flash_text, post_form, visible_text
from tests.visits.visitors import VISITOR


def entries(app):
    with app.app_context():
        return [(e.office, e.name, e.email) for e in db.session.scalars(select(GuestBookEntry).order_by(GuestBookEntry.id))]


def test_staff_find_export_and_erase_a_visitors_entries_at_their_office(app, visit, staff_of):
    visit()
    visit(name="Orang Lain", email="lain@contoh.id")
    visit(slug="bengkulu")  # the same visitor at another office
    staff = staff_of("majenekab")
    page = visible_text(staff.get(f"/majenekab/staf/bukutamu/data?email={VISITOR['email'].upper()}").data)
    assert "1 isian buku tamu di kantor ini" in page and VISITOR["name"] in page and "Orang Lain" not in page

    exported = staff.get(f"/majenekab/staf/bukutamu/data.json?email={VISITOR['email']}")
    assert exported.headers["Cache-Control"] == "private, no-store"
    data = json.loads(exported.data)
    assert [e["name"] for e in data["entries"]] == [VISITOR["name"]] and data["office"] == "majenekab"

    assert staff.get(f"/majenekab/staf/bukutamu/data/anonimkan?email={VISITOR['email']}").status_code == 405
    with captured_log("app") as lines:
        response = post_form(staff, "/majenekab/staf/bukutamu/data/anonimkan", {"email": VISITOR["email"]},
                             form_url=f"/majenekab/staf/bukutamu/data?email={VISITOR['email']}")
    assert "Data pribadi pada 1 isian buku tamu telah dihapus" in flash_text(staff, response)
    assert not any(VISITOR["email"] in line for line in lines)
    assert entries(app) == [("majenekab", None, None), ("majenekab", "Orang Lain", "lain@contoh.id"),
                            ("bengkulu", VISITOR["name"], VISITOR["email"])]


def test_other_offices_and_bad_input(app, visit, staff_of):
    visit()
    other = staff_of("bengkulu")
    assert other.get(f"/majenekab/staf/bukutamu/data?email={VISITOR['email']}").status_code == 403
    assert "Tidak ada isian" in visible_text(other.get("/bengkulu/staf/bukutamu/data?email=x@y.id").data)
    staff = staff_of("majenekab")
    for typed in ("bukan-email", "%", "<script>", "a" * 400, "x@y"):
        page = staff.get("/majenekab/staf/bukutamu/data", query_string={"email": typed})
        assert page.status_code == 200 and "Tulis alamat email lengkap" in visible_text(page.data)
    assert staff.get("/majenekab/staf/bukutamu/data.json?email=bukan").status_code == 404
    assert app.test_client().get("/majenekab/staf/bukutamu/data").status_code == 302
