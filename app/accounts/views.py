"""Log in and log out (registration, verification and reset come with the accounts issue)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from app.accounts.forms import LoginForm
from app.accounts.models import User
from app.extensions import db, login_manager
from app.site import home_url

bp = Blueprint("accounts", __name__, url_prefix="/akun")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def safe_next(target: str | None) -> str | None:
    """Only a local path (no scheme, no host, no '//' or backslash tricks) may be followed."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.route("/masuk", methods=["GET", "POST"])
def login():
    """Log in with email and password."""
    next_url = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or home_url())
    form = LoginForm()
    if form.validate_on_submit():
        email = User.normalise_email(form.email.data)
        user = db.session.scalars(select(User).where(User.email == email)).first()
        if user is not None and user.check_password(form.password.data) and user.is_active:
            login_user(user, remember=form.remember.data)
            flash(f"Selamat datang, {user.name}.", "success")
            return redirect(next_url or home_url())
        flash("Email atau kata sandi salah.", "error")
    return render_template("accounts/login.html", form=form, next_url=next_url)


@bp.post("/keluar")
def logout():
    """Log out (a POST with CSRF, so no link can log a user out)."""
    logout_user()
    flash("Anda telah keluar.", "success")
    return redirect(home_url())
