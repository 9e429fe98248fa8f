"""Account forms (labels and messages in the visitor's language; Indonesian is the source)."""

from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from app.accounts.models import OCCUPATIONS, ROLE_LABELS

PASSWORD_MIN = 8
PASSWORD_MAX = 128

#: Passwords too common to protect anything (checked lower-cased).
COMMON_PASSWORDS = frozenset({
    "12345678", "123456789", "1234567890", "87654321", "11111111", "00000000", "12341234",
    "password", "password1", "password123", "passw0rd", "qwertyui", "qwerty123", "qwerty12",
    "iloveyou", "abcd1234", "abc12345", "1q2w3e4r", "asdfghjk", "katasandi", "katasandi123",
    "sandi123", "rahasia1", "rahasia123", "indonesia", "indonesia1", "bismillah", "bismillah123",
    "perpustakaan", "statistik", "bpsbps123", "admin123", "administrator", "welcome1",
})


def _email_field(label: str = _l("Alamat email")) -> EmailField:
    return EmailField(label, filters=[lambda v: v.strip() if v else v], validators=[
        DataRequired(_l("Isi alamat email.")), Length(max=254, message=_l("Alamat email terlalu panjang.")),
        Email(_l("Alamat email tidak valid."), check_deliverability=False)])


def _name_field() -> StringField:
    return StringField(_l("Nama lengkap"), filters=[lambda v: " ".join(v.split()) if v else v],
                       validators=[DataRequired(_l("Isi nama lengkap.")),
                                   Length(max=120, message=_l("Nama paling panjang %(max)d karakter."))])


def _institution_field() -> StringField:
    return StringField(_l("Instansi/lembaga"), filters=[lambda v: " ".join(v.split()) if v else v],
                       description=_l("Sekolah, kampus, kantor, atau usaha Anda. "
                                      "Tulis \u201cPerorangan\u201d bila tidak mewakili lembaga."),
                       validators=[DataRequired(_l("Isi instansi atau lembaga.")),
                                   Length(max=160, message=_l("Paling panjang %(max)d karakter."))])


def _occupation_field() -> SelectField:
    # The stored value stays the Indonesian category (the guest book's); only its label is translated.
    return SelectField(_l("Pekerjaan"), choices=[SelectChoice("", _l("Pilih pekerjaan"))]
                       + [SelectChoice(o, _l(o)) for o in OCCUPATIONS],
                       validators=[DataRequired(_l("Pilih pekerjaan."))])


class _NewPasswordMixin:
    """A new password with its confirmation, refused when weak."""

    def validate_password(self, field) -> None:
        value = field.data or ""
        email = (getattr(self, "email", None) and self.email.data) or getattr(self, "account_email", "")
        local = (email or "").split("@")[0].lower()
        if value.lower() in COMMON_PASSWORDS or len(set(value)) < 4:
            raise ValidationError(_("Kata sandi ini terlalu mudah ditebak. Pilih kata sandi lain."))
        if local and len(local) >= 4 and local in value.lower():
            raise ValidationError(_("Kata sandi tidak boleh memuat alamat email Anda."))


def _new_password_fields(label: str = _l("Kata sandi")):
    password = PasswordField(label, description=_l("Paling sedikit %(num)d karakter.", num=PASSWORD_MIN),
                             validators=[InputRequired(_l("Isi kata sandi.")),
                                         Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                                                message=_l("Kata sandi %(min)d\u2013%(max)d karakter."))])
    confirm = PasswordField(_l("Ulangi kata sandi"), validators=[
        InputRequired(_l("Ulangi kata sandi.")), EqualTo("password", _l("Kedua kata sandi tidak sama."))])
    return password, confirm


def _current_password_field() -> PasswordField:
    return PasswordField(_l("Kata sandi saat ini"), validators=[
        InputRequired(_l("Isi kata sandi Anda saat ini.")), Length(max=PASSWORD_MAX)])


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(_l("Kata sandi"), validators=[InputRequired(_l("Isi kata sandi.")),
                                                           Length(max=PASSWORD_MAX)])
    remember = BooleanField(_l("Ingat saya di perangkat ini"))


class RegistrationForm(_NewPasswordMixin, FlaskForm):
    name = _name_field()
    email = _email_field()
    password, password_confirm = _new_password_fields()
    institution = _institution_field()
    occupation = _occupation_field()
    consent = BooleanField(
        _l("Saya telah membaca pemberitahuan pelindungan data pribadi dan menyetujui "
           "pemrosesan data pribadi saya untuk tujuan tersebut."),
        validators=[DataRequired(_l("Persetujuan diperlukan untuk membuat akun."))])


class EmailRequestForm(FlaskForm):
    """Just an address: resend the verification link, or ask for a reset link."""

    email = _email_field()


class ResetPasswordForm(_NewPasswordMixin, FlaskForm):
    password, password_confirm = _new_password_fields(_l("Kata sandi baru"))

    def __init__(self, *args, account_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email


class ProfileForm(FlaskForm):
    name = _name_field()
    institution = _institution_field()
    occupation = _occupation_field()


class ChangePasswordForm(_NewPasswordMixin, FlaskForm):
    current_password = _current_password_field()
    password, password_confirm = _new_password_fields(_l("Kata sandi baru"))

    def __init__(self, *args, account_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email


class ChangeEmailForm(FlaskForm):
    email = _email_field(_l("Alamat email baru"))
    current_password = _current_password_field()


class DeleteAccountForm(FlaskForm):
    current_password = _current_password_field()
    confirm = BooleanField(_l("Saya mengerti bahwa akun dan data pribadi saya dihapus dan tidak dapat "
                              "dikembalikan."), validators=[DataRequired(_l("Centang untuk menyatakan Anda mengerti."))])


class RoleForm(FlaskForm):
    """Administrators: set a user's role (staff need an office)."""

    role = SelectField(_l("Peran"), choices=[SelectChoice(value, label) for value, label in ROLE_LABELS.items()])
    office = SelectField(_l("Kantor (untuk staf)"), choices=[], validate_choice=False)

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.office.choices = [SelectChoice("", "\u2014")] + [SelectChoice(o.slug, o.name)
                                                              for o in (offices or {}).values()]
        self._office_slugs = set((offices or {}).keys())

    def validate_office(self, field) -> None:
        if self.role.data == "staff" and field.data not in self._office_slugs:
            raise ValidationError(_("Pilih kantor untuk staf."))
