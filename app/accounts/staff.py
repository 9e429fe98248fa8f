"""Administrators: list, search, verify, disable and change the role of user accounts."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select

from app import clock
from app.access import admin_required
from app.accounts import staff_bp as bp
from app.accounts.forms import RoleForm
from app.accounts.models import ROLE_LABELS, User
from app.extensions import db
from app.site import offices
from app.web import ConfirmForm, like_pattern, page_arg, safe_next, text_arg

log = logging.getLogger(__name__)

PER_PAGE = 50
STATUSES = {"unverified": _l("Belum terverifikasi"), "disabled": _l("Dinonaktifkan")}


@bp.before_request
@admin_required
def only_admins():
    """Every page of this blueprint is for administrators only."""


@bp.get("")
def index():
    """All accounts, searchable by name or email, filtered by role and status."""
    q = text_arg(request.args, "q", 120)
    role = request.args.get("role", "")
    status = request.args.get("status", "")
    query = select(User)
    if q:
        pattern = like_pattern(q.lower())
        query = query.where(or_(db.func.lower(User.name).like(pattern, escape="\\"),
                                User.email.like(pattern, escape="\\")))
    if role in ROLE_LABELS:
        query = query.where(User.role == role)
    if status == "unverified":
        query = query.where(User.verified_at.is_(None))
    elif status == "disabled":
        query = query.where(User.disabled.is_(True))
    users = db.paginate(query.order_by(User.created_at.desc(), User.id.desc()),
                        page=page_arg(request.args), per_page=PER_PAGE, error_out=False)
    return render_template("accounts/staff/users.html", users=users, q=q, role=role, status=status,
                           roles=ROLE_LABELS, statuses=STATUSES, offices=offices())


def _target(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _back():
    return redirect(safe_next(request.form.get("next")) or url_for(".index"), code=303)


def _refuse_self(user: User, message: str) -> bool:
    """Administrators may not lock themselves out: say so (``message``) and refuse."""
    if user.id == current_user.id:
        flash(message, "error")
        return True
    return False


@bp.post("/<int:user_id>/verifikasi")
def verify(user_id: int):
    """Mark an account's email as verified (e.g. confirmed at the counter)."""
    user = _target(user_id)
    if ConfirmForm().validate_on_submit() and user.verified_at is None:
        user.verified_at = clock.utcnow_naive()
        db.session.commit()
        log.info("Administrator %s verified account %s", current_user.id, user.id)
        flash(_("Email %(email)s ditandai terverifikasi.", email=user.email), "success")
    return _back()


@bp.post("/<int:user_id>/<any(nonaktifkan, aktifkan):action>")
def set_disabled(user_id: int, action: str):
    """Disable an account (it is logged out at once) or enable it again."""
    user = _target(user_id)
    disable = action == "nonaktifkan"
    if ConfirmForm().validate_on_submit() and not (
            disable and _refuse_self(user, _("Anda tidak dapat menonaktifkan akun Anda sendiri."))):
        user.disabled = disable
        db.session.commit()
        log.info("Administrator %s %s account %s", current_user.id,
                 "disabled" if disable else "enabled", user.id)
        flash(_("Akun %(email)s dinonaktifkan.", email=user.email) if disable
              else _("Akun %(email)s diaktifkan kembali.", email=user.email), "success")
    return _back()


@bp.post("/<int:user_id>/peran")
def set_role(user_id: int):
    """Make an account a user, staff of one office, or an administrator."""
    user = _target(user_id)
    form = RoleForm(offices=offices())
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(error) for error in errors), "error")
        return _back()
    if form.role.data != "admin" and _refuse_self(
            user, _("Anda tidak dapat menurunkan peran akun Anda sendiri.")):
        return _back()
    user.role = form.role.data
    user.office = form.office.data if form.role.data == "staff" else None
    db.session.commit()
    log.info("Administrator %s set account %s to %s %s", current_user.id, user.id, user.role,
             user.office or "")
    office = offices().get(user.office or "")
    if office:
        flash(_("Peran %(email)s sekarang %(role)s %(office)s.", email=user.email, role=user.role_label,
                office=office.name), "success")
    else:
        flash(_("Peran %(email)s sekarang %(role)s.", email=user.email, role=user.role_label), "success")
    return _back()
