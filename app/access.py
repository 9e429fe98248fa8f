"""Who may see what: the one place that decides access to staff and administrator pages."""

from __future__ import annotations

from functools import wraps

from flask import abort, g
from flask_login import current_user

from app.extensions import login_manager


def staff_required(view):
    """Only staff of the current office (``g.office``) or administrators pass."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        office = g.get("office")
        if office is None or not current_user.is_staff_of(office.slug):
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def admin_required(view):
    """Only administrators pass."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role != "admin":
            abort(403)
        return view(*args, **kwargs)
    return wrapped
