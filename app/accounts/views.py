"""Account pages: register, verify, log in and out, reset a password, and "Akun saya".

Messages never say whether an address has an account: registering, resending a link and
asking for a reset answer the same page either way, and the email tells the owner more.
"""

from __future__ import annotations

import json

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required, logout_user

from app import clock, personal_data
from app.accounts import bp, limits, operations, sessions
from app.accounts.forms import (ChangeEmailForm, ChangePasswordForm, DeleteAccountForm,
                                EmailRequestForm, LoginForm, ProfileForm, RegistrationForm,
                                ResetPasswordForm)
from app.accounts.models import CONSENT_VERSION, OCCUPATIONS, User
from app.accounts.operations import LinkState
from app.contrib import account_panels
from app.extensions import db, login_manager
from app.site import home_url, offices
from app.web import ConfirmForm, safe_next


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session: its server-side session row must still exist."""
    return sessions.load(session_id)


# ------------------------------------------------------------------ log in / out


def login_next() -> str | None:
    """Where "Masuk" should come back to: this page, when it is a page worth returning to."""
    if request.method != "GET" or not request.endpoint or request.endpoint.startswith("accounts."):
        return None
    return request.full_path.rstrip("?")


@bp.route("/masuk", methods=["GET", "POST"])
@limits.login_per_ip
@limits.login_per_address_and_client
@limits.login_per_address
def login():
    """Log in with email and password."""
    next_url = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or home_url())
    form = LoginForm()
    if form.validate_on_submit():
        user = operations.find_by_email(form.email.data)
        matches = (user.check_password(form.password.data) if user is not None
                   else User.check_no_password(form.password.data))
        if not matches:
            limits.mark_failed_login()
            flash(_("Email atau kata sandi salah."), "error")
        elif user.disabled:
            # Said only to someone who knows the password.
            flash(_("Akun ini dinonaktifkan. Hubungi petugas PST bila menurut Anda ini keliru."), "error")
        else:
            sessions.start(user, remember=form.remember.data)
            flash(_("Selamat datang, %(name)s.", name=user.name), "success")
            if not user.is_verified:
                flash(_("Alamat email Anda belum diverifikasi: buka tautan yang kami kirim untuk "
                        "membaca dan mengunduh softcopy."), "info")
            return limits.remember_device(redirect(next_url or home_url()), user.email)
    return render_template("accounts/login.html", form=form, next_url=next_url)


@bp.post("/keluar")
def logout():
    """Log out (a POST with CSRF, so no link can log a user out); the session ends on the server."""
    sessions.end_current()
    flash(_("Anda telah keluar."), "success")
    return redirect(home_url())


@bp.post("/keluar-semua")
@login_required
def logout_everywhere():
    """End every session of this account, on every device (e.g. after using a shared computer)."""
    if ConfirmForm().validate_on_submit():
        user = current_user._get_current_object()
        count = sessions.end_all(user)
        logout_user()
        flash(ngettext("Anda telah keluar dari semua perangkat (%(num)d sesi diakhiri).",
                       "Anda telah keluar dari semua perangkat (%(num)d sesi diakhiri).", count), "success")
        return redirect(url_for(".login"), code=303)
    return redirect(url_for(".account"), code=303)


# ------------------------------------------------------------------ registration


@bp.route("/daftar", methods=["GET", "POST"])
@limits.register_per_ip
@limits.email_per_ip
@limits.email_per_address_and_client
@limits.email_per_address
def register():
    """Create an account; the same answer whether or not the address is registered."""
    if current_user.is_authenticated:
        return redirect(url_for(".account"))
    form = RegistrationForm()
    if form.validate_on_submit():
        limits.mark_email_requested()
        operations.register(name=form.name.data, email=form.email.data, password=form.password.data,
                            institution=form.institution.data, occupation=form.occupation.data)
        return redirect(url_for(".sent", kind="pendaftaran"), code=303)
    return render_template("accounts/register.html", form=form)


@bp.get("/terkirim/<any(pendaftaran, verifikasi, 'atur-ulang'):kind>")
def sent(kind: str):
    """'Check your mailbox', worded the same for registered and unknown addresses."""
    return render_template("accounts/sent.html", kind=kind)


@bp.get("/verifikasi/<token>")
def verify_email(token: str):
    """Follow the link from the verification email (idempotent: a second visit is fine)."""
    state, user = operations.verify_email(token)
    return (render_template("accounts/verified.html", state=state.value, verified_user=user,
                            form=EmailRequestForm()),
            200 if state is LinkState.OK else 400)


@bp.route("/verifikasi/kirim-ulang", methods=["GET", "POST"])
@limits.email_per_ip
@limits.email_per_address_and_client
@limits.email_per_address
def resend_verification():
    """Send a new verification link: to the logged-in user, or to an address typed in."""
    if current_user.is_authenticated:
        if current_user.is_verified:
            flash(_("Alamat email Anda sudah terverifikasi."), "success")
            return redirect(url_for(".account"))
        form = ConfirmForm()
        if form.validate_on_submit():
            limits.mark_email_requested()
            operations.send_verification(current_user)
            flash(_("Tautan verifikasi baru telah dikirim ke %(email)s.", email=current_user.email), "success")
            return redirect(url_for(".account"))
        return render_template("accounts/resend.html", form=form)
    form = EmailRequestForm()
    if form.validate_on_submit():
        limits.mark_email_requested()
        operations.resend_verification(form.email.data)
        return redirect(url_for(".sent", kind="verifikasi"), code=303)
    return render_template("accounts/resend.html", form=form)


@bp.get("/privasi")
def privacy():
    """The personal data statement (UU 27/2022) agreed to when registering."""
    return render_template("accounts/privacy.html", consent_version=CONSENT_VERSION)


# ------------------------------------------------------------------ forgotten password


@bp.route("/lupa-kata-sandi", methods=["GET", "POST"])
@limits.email_per_ip
@limits.email_per_address_and_client
@limits.email_per_address
def forgot_password():
    """Ask for a reset link; the same answer whether or not the address is registered."""
    form = EmailRequestForm()
    if form.validate_on_submit():
        limits.mark_email_requested()
        operations.request_password_reset(form.email.data)
        return redirect(url_for(".sent", kind="atur-ulang"), code=303)
    return render_template("accounts/forgot.html", form=form)


@bp.route("/atur-ulang/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """The reset link: a form for the new password (the POST changes it, once)."""
    state, user = operations.user_for_reset(token)
    if state is not LinkState.OK:
        return render_template("accounts/reset_invalid.html", state=state.value), 400
    form = ResetPasswordForm(account_email=user.email)
    if form.validate_on_submit():
        operations.set_new_password(user, form.password.data, via_email_link=True)
        logout_user()
        flash(_("Kata sandi baru telah disimpan. Silakan masuk dengan kata sandi tersebut."), "success")
        return redirect(url_for(".login"), code=303)
    return render_template("accounts/reset.html", form=form)


# ------------------------------------------------------------------ my account


@bp.get("/")
@login_required
def account():
    """My account: profile, what each feature keeps for me, and my data rights."""
    return render_template("accounts/account.html", panels=account_panels(current_user),
                           sessions=sessions.active(current_user),
                           staff_office=offices().get(current_user.office or ""))


@bp.route("/profil", methods=["GET", "POST"])
@login_required
def edit_profile():
    """Change name, institution and occupation."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.name = form.name.data
        current_user.institution = form.institution.data
        current_user.occupation = form.occupation.data
        db.session.commit()
        flash(_("Profil Anda telah disimpan."), "success")
        return redirect(url_for(".account"), code=303)
    return render_template("accounts/profile.html", form=form, occupations=OCCUPATIONS)


@bp.route("/kata-sandi", methods=["GET", "POST"])
@login_required
@limits.password_per_account
def change_password():
    """Change the password, after the current one; other sessions end."""
    form = ChangePasswordForm(account_email=current_user.email)
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            limits.mark_failed_password()
            form.current_password.errors.append(_("Kata sandi saat ini salah."))
        else:
            operations.set_new_password(current_user._get_current_object(), form.password.data)
            flash(_("Kata sandi Anda telah diubah. Sesi di perangkat lain telah diakhiri."), "success")
            return redirect(url_for(".account"), code=303)
    return render_template("accounts/change_password.html", form=form)


@bp.route("/email", methods=["GET", "POST"])
@login_required
@limits.password_per_account
@limits.email_per_ip
@limits.email_per_address_and_client
@limits.email_per_address
def change_email():
    """Ask to move the account to a new address; it changes once the link is opened."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        new_email = User.normalise_email(form.email.data)
        if not current_user.check_password(form.current_password.data):
            limits.mark_failed_password()
            form.current_password.errors.append(_("Kata sandi saat ini salah."))
        elif new_email == current_user.email:
            form.email.errors.append(_("Ini alamat email Anda saat ini."))
        else:
            limits.mark_email_requested()
            operations.request_email_change(current_user, new_email)
            flash(_("Kami telah mengirim tautan konfirmasi ke %(email)s. Alamat email akun Anda "
                    "berubah setelah tautan itu dibuka.", email=new_email), "success")
            return redirect(url_for(".account"), code=303)
    return render_template("accounts/change_email.html", form=form)


@bp.post("/email/batal")
@login_required
def cancel_email_change():
    """Withdraw a pending change of address (its link stops working)."""
    if ConfirmForm().validate_on_submit():
        operations.cancel_email_change(current_user)
        flash(_("Permintaan perubahan alamat email dibatalkan."), "success")
    return redirect(url_for(".account"), code=303)


@bp.route("/email/konfirmasi/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    """The link sent to a new address: a button to confirm (the POST changes it)."""
    state, user, new_email = operations.user_for_email_change(token)
    if state is not LinkState.OK:
        return render_template("accounts/email_change_invalid.html", state=state.value), 400
    form = ConfirmForm()
    if form.validate_on_submit():
        if not operations.confirm_email_change(user, new_email):
            flash(_("Alamat email ini sudah dipakai akun lain, jadi tidak dapat digunakan."), "error")
            return render_template("accounts/email_change_invalid.html", state="taken"), 409
        flash(_("Alamat email akun Anda sekarang %(email)s.", email=new_email), "success")
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(url_for(".account"), code=303)
        return redirect(url_for(".login"), code=303)
    return render_template("accounts/confirm_email_change.html", form=form, new_email=new_email)


@bp.get("/data-saya.json")
@login_required
def export_data():
    """Everything held about me, as a JSON file (the right of access, UU 27/2022)."""
    now = clock.now()
    data = personal_data.export(personal_data.subject_for(current_user), now)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    name = f"data-pribadi-pst-{now.strftime('%Y%m%d')}.json"
    return current_app.response_class(
        body, mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/hapus", methods=["GET", "POST"])
@login_required
@limits.password_per_account
def delete_account():
    """Delete my account after the password; anonymised statistics stay."""
    form = DeleteAccountForm()
    if operations.is_last_admin(current_user):
        flash(_("Anda satu-satunya administrator. Jadikan pengguna lain administrator sebelum "
                "menghapus akun ini."), "error")
        return redirect(url_for(".account"))
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            limits.mark_failed_password()
            form.current_password.errors.append(_("Kata sandi salah."))
        else:
            user = current_user._get_current_object()
            logout_user()
            operations.delete_account(user)
            flash(_("Akun Anda dan data pribadinya telah dihapus. Terima kasih telah menggunakan "
                    "PST Perpustakaan."), "success")
            return redirect(home_url(), code=303)
    return render_template("accounts/delete.html", form=form)

