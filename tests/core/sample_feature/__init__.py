"""A feature that exists only in tests: it plugs in as a new feature would, and nothing
outside this package knows it.  Used by tests/core/test_registry.py.

It keeps its notes in memory (a list on the app) rather than in a table, so importing it
leaves the application's database schema untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, current_app, g

bp = Blueprint("sample", __name__, template_folder="templates")


@dataclass
class Note:
    office: str
    text: str
    user_id: int | None = None
    email: str | None = None


def notes() -> list[Note]:
    return current_app.extensions["sample_notes"]


def notes_of(subject) -> list[Note]:
    """A person's notes: by account, or by a verified address when there is no account."""
    return [n for n in notes() if (subject.user_id is not None and n.user_id == subject.user_id)
            or (n.email is not None and n.email in subject.emails)]


@bp.get("/catatan")
def list_notes():
    return f"{sum(n.office == g.office.slug for n in notes())} catatan di {g.office.name}"


def init_app(app: Flask) -> None:
    from app import site
    from app.contrib import AccountPanel, Link, PersonalDataSection, Widget, registry
    from app.personal_data import subject_for

    app.extensions["sample_notes"] = []
    site.register_office_blueprint(app, bp)
    reg = registry(app)
    reg.nav(Link("sample.list_notes", "Catatan contoh", order=30))
    reg.staff_link(Link("sample.list_notes", "Catatan masuk", audience="staff", order=40,
                        badge=lambda office: sum(n.office == office.slug for n in notes()) or None))
    reg.account_panel(AccountPanel("sample", "Catatan saya", "sample/panel.html",
                                   lambda user: {"notes": notes_of(subject_for(user))}))
    reg.personal_data(PersonalDataSection(
        "sample_notes", tables=(),
        export=lambda subject: [n.text for n in notes_of(subject)],
        erase=lambda subject: [notes().remove(n) for n in notes_of(subject)] and None))
    reg.widget(Widget("publication_detail", "sample/widget.html",
                      lambda publication: {"title": publication.title}))
