"""A stand-in for the feedback feature in tests: it fills the ``visit_served`` slot of the
ticket page the way the satisfaction survey will, and nothing outside tests knows it."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("served_widget", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    from app.contrib import Widget, registry

    app.register_blueprint(bp)
    registry(app).widget(Widget("visit_served", "served/widget.html",
                                lambda office, ticket: {"code": ticket.code, "slug": ticket.office,
                                                        "ticket_id": ticket.id}))
