"""Account forms (labels and messages in Indonesian)."""

from __future__ import annotations

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


def _email_field(label: str = "Alamat email") -> EmailField:
    return EmailField(label, filters=[lambda v: v.strip() if v else v], validators=[
        DataRequired("Isi alamat email."), Length(max=254, message="Alamat email terlalu panjang."),
        Email("Alamat email tidak valid.", check_deliverability=False)])


def _name_field() -> StringField:
    return StringField("Nama lengkap", filters=[lambda v: " ".join(v.split()) if v else v],
                       validators=[DataRequired("Isi nama lengkap."),
                                   Length(max=120, message="Nama paling panjang 120 karakter.")])


def _institution_field() -> StringField:
    return StringField("Instansi/lembaga", filters=[lambda v: " ".join(v.split()) if v else v],
                       description="Sekolah, kampus, kantor, atau usaha Anda. "
                                   "Tulis \u201cPerorangan\u201d bila tidak mewakili lembaga.",
                       validators=[DataRequired("Isi instansi atau lembaga."),
                                   Length(max=160, message="Paling panjang 160 karakter.")])


def _occupation_field() -> SelectField:
    return SelectField("Pekerjaan", choices=[SelectChoice("", "Pilih pekerjaan")] + [SelectChoice(o) for o in OCCUPATIONS],
                       validators=[DataRequired("Pilih pekerjaan.")])


class _NewPasswordMixin:
    """A new password with its confirmation, refused when weak."""

    def validate_password(self, field) -> None:
        value = field.data or ""
        email = (getattr(self, "email", None) and self.email.data) or getattr(self, "account_email", "")
        local = (email or "").split("@")[0].lower()
        if value.lower() in COMMON_PASSWORDS or len(set(value)) < 4:
            raise ValidationError("Kata sandi ini terlalu mudah ditebak. Pilih kata sandi lain.")
        if local and len(local) >= 4 and local in value.lower():
            raise ValidationError("Kata sandi tidak boleh memuat alamat email Anda.")


def _new_password_fields(label: str = "Kata sandi"):
    password = PasswordField(label, description=f"Paling sedikit {PASSWORD_MIN} karakter.",
                             validators=[InputRequired("Isi kata sandi."),
                                         Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                                                message=f"Kata sandi {PASSWORD_MIN}\u2013{PASSWORD_MAX} karakter.")])
    confirm = PasswordField("Ulangi kata sandi", validators=[
        InputRequired("Ulangi kata sandi."), EqualTo("password", "Kedua kata sandi tidak sama.")])
    return password, confirm


def _current_password_field() -> PasswordField:
    return PasswordField("Kata sandi saat ini", validators=[
        InputRequired("Isi kata sandi Anda saat ini."), Length(max=PASSWORD_MAX)])


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField("Kata sandi", validators=[InputRequired("Isi kata sandi."),
                                                       Length(max=PASSWORD_MAX)])
    remember = BooleanField("Ingat saya di perangkat ini")


class RegistrationForm(_NewPasswordMixin, FlaskForm):
    name = _name_field()
    email = _email_field()
    password, password_confirm = _new_password_fields()
    institution = _institution_field()
    occupation = _occupation_field()
    consent = BooleanField(
        "Saya telah membaca pemberitahuan pelindungan data pribadi dan menyetujui "
        "pemrosesan data pribadi saya untuk tujuan tersebut.",
        validators=[DataRequired("Persetujuan diperlukan untuk membuat akun.")])


class EmailRequestForm(FlaskForm):
    """Just an address: resend the verification link, or ask for a reset link."""

    email = _email_field()


class ResetPasswordForm(_NewPasswordMixin, FlaskForm):
    password, password_confirm = _new_password_fields("Kata sandi baru")

    def __init__(self, *args, account_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email


class ProfileForm(FlaskForm):
    name = _name_field()
    institution = _institution_field()
    occupation = _occupation_field()


class ChangePasswordForm(_NewPasswordMixin, FlaskForm):
    current_password = _current_password_field()
    password, password_confirm = _new_password_fields("Kata sandi baru")

    def __init__(self, *args, account_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email


class ChangeEmailForm(FlaskForm):
    email = _email_field("Alamat email baru")
    current_password = _current_password_field()


class DeleteAccountForm(FlaskForm):
    current_password = _current_password_field()
    confirm = BooleanField("Saya mengerti bahwa akun dan data pribadi saya dihapus dan tidak dapat "
                           "dikembalikan.", validators=[DataRequired("Centang untuk menyatakan Anda mengerti.")])


class RoleForm(FlaskForm):
    """Administrators: set a user's role (staff need an office)."""

    role = SelectField("Peran", choices=[SelectChoice(value, label) for value, label in ROLE_LABELS.items()])
    office = SelectField("Kantor (untuk staf)", choices=[], validate_choice=False)

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.office.choices = [SelectChoice("", "\u2014")] + [SelectChoice(o.slug, o.name)
                                                              for o in (offices or {}).values()]
        self._office_slugs = set((offices or {}).keys())

    def validate_office(self, field) -> None:
        if self.role.data == "staff" and field.data not in self._office_slugs:
            raise ValidationError("Pilih kantor untuk staf.")
