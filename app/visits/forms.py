"""Forms of the guest-book kiosk and the desk (labels and messages in the page's language).

Every choice is checked on the server against the office's own list, and every message
says what to do; what was typed is kept when a form comes back.  There is deliberately no
field for an identity number: the standard asks only that a visitor holds a card.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, StopValidation, ValidationError

from app.accounts.models import OCCUPATIONS
from app.offices import Office
from app.lang import _, _l
from app.visits.models import AGE_GROUPS, EDUCATION, GENDERS, ID_KINDS, occupation_label, service_labels

PHONE_RE = re.compile(r"^\+?[0-9][0-9 ().-]{5,20}[0-9]$")


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _values(field) -> set[str]:
    return {choice.value for choice in field.choices}


def clean_text(value):
    """Whitespace collapsed and control characters dropped (they cannot be seen or printed)."""
    if not value:
        return value
    value = "".join(ch for ch in str(value) if unicodedata.category(ch) != "Cc" or ch in "\t\n\r")
    return " ".join(value.split())


def clean_email(value):
    return value.strip().lower() if value else value


class Choice(RadioField):
    """Big touch tiles at the kiosk: one of a fixed list, with its own message."""

    def __init__(self, label=None, message=_l("Pilih salah satu."), **kwargs):
        super().__init__(label, **kwargs)
        self.message = message

    def pre_validate(self, form):
        if self.data not in _values(self):
            raise StopValidation(self.message)


class ChoiceSelect(SelectField):
    """A select list whose wrong or missing choice gets its own message."""

    def __init__(self, label=None, message=_l("Pilih salah satu."), **kwargs):
        super().__init__(label, **kwargs)
        self.message = message

    def pre_validate(self, form):
        if not self.data or self.data not in _values(self):
            raise StopValidation(self.message)


def _has_letter(form, field):
    if field.data and not any(ch.isalpha() for ch in field.data):
        raise ValidationError(_("Nama harus memuat huruf."))


def _phone_digits(form, field):
    if field.data:
        digits = sum(ch.isdigit() for ch in field.data)
        if not PHONE_RE.match(field.data) or not 8 <= digits <= 15:
            raise ValidationError(_("Nomor telepon tidak valid. Tulis hanya angka, misalnya 0812 3456 7890."))


def _email_field(label=_l("Alamat email"), description="", id: str | None = None) -> EmailField:
    return EmailField(label, id=id, description=description, filters=[clean_email], validators=[
        DataRequired(_l("Isi alamat email.")), Length(max=254, message=_l("Alamat email terlalu panjang.")),
        Email(_l("Alamat email tidak valid. Contoh: nama@contoh.id"), check_deliverability=False)])


class GuestBookForm(FlaskForm):
    """The electronic guest book at the entrance."""

    name = StringField(_l("Nama lengkap"), filters=[clean_text], validators=[
        DataRequired(_l("Isi nama lengkap.")), Length(max=120, message=_l("Nama paling panjang 120 karakter.")),
        _has_letter])
    email = _email_field(description=_l("Email yang masih aktif (persyaratan layanan)."))
    phone = StringField(_l("Nomor telepon/WhatsApp (boleh dikosongkan)"), filters=[clean_text], validators=[
        Optional(), Length(max=20, message=_l("Nomor telepon paling panjang 20 karakter.")), _phone_digits])
    gender = Choice(_l("Jenis kelamin"), choices=choices(GENDERS.items()), message=_l("Pilih jenis kelamin."))
    age_group = Choice(_l("Kelompok umur"), choices=choices(AGE_GROUPS.items()), message=_l("Pilih kelompok umur."))
    education = Choice(_l("Pendidikan terakhir"), choices=choices(EDUCATION.items()),
                       message=_l("Pilih pendidikan terakhir."))
    occupation = Choice(_l("Pekerjaan"), choices=choices((o, occupation_label(o)) for o in OCCUPATIONS),
                        message=_l("Pilih pekerjaan."))
    institution = StringField(_l("Instansi/lembaga"), filters=[clean_text],
                              description=_l("Sekolah, kampus, kantor, atau usaha Anda. Tulis "
                                             "\u201cPerorangan\u201d bila tidak mewakili lembaga."),
                              validators=[DataRequired(_l("Isi instansi atau lembaga.")),
                                          Length(max=160, message=_l("Instansi paling panjang 160 karakter."))])
    purpose = Choice(_l("Tujuan kunjungan"), message=_l("Pilih tujuan kunjungan."))
    id_kind = Choice(_l("Kartu identitas yang Anda bawa"), choices=choices(ID_KINDS.items()),
                     description=_l("Cukup jenisnya. Nomor kartu tidak dicatat."),
                     message=_l("Pilih jenis kartu identitas yang Anda bawa."))
    #: One per form shown (see GuestBookEntry.form_token); a new form gets a new one.
    form_token = HiddenField(_l("Formulir"), validators=[
        DataRequired(_l("Muat ulang formulir lalu isi kembali.")),
        Regexp(r"^[A-Za-z0-9_-]{16,32}$", message=_l("Muat ulang formulir lalu isi kembali."))])
    consent = BooleanField(
        _l("Saya telah membaca pemberitahuan pelindungan data pribadi di atas dan menyetujui "
           "pemrosesan data saya untuk tujuan tersebut."),
        validators=[DataRequired(_l("Centang persetujuan untuk melanjutkan: buku tamu hanya dapat "
                                    "diisi dengan persetujuan Anda."))])

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.purpose.choices = choices(service_labels(office).items())
        if not self.form_token.data:
            self.form_token.data = secrets.token_urlsafe(18)

    def entry_fields(self) -> dict:
        """The columns of the guest-book entry, from the validated form."""
        return {"name": self.name.data, "email": self.email.data, "phone": self.phone.data or None,
                "gender": self.gender.data, "age_group": self.age_group.data,
                "education": self.education.data, "occupation": self.occupation.data,
                "institution": self.institution.data, "purpose": self.purpose.data,
                "id_kind": self.id_kind.data, "form_token": self.form_token.data}


class CodeRequestForm(FlaskForm):
    """A returning visitor asks for a one-time code to fill the form from their last visit."""

    #: Its own id: the guest-book form on the same page has an "email" field too.
    email = _email_field(_l("Alamat email yang pernah Anda pakai"), id="kode-email")


class CodeCheckForm(FlaskForm):
    email = HiddenField(filters=[clean_email], validators=[
        DataRequired(_l("Mulai lagi dengan mengisi alamat email.")), Length(max=254),
        Email(_l("Mulai lagi dengan mengisi alamat email."), check_deliverability=False)])
    code = StringField(_l("Kode dari email (6 angka)"), filters=[lambda v: re.sub(r"\s", "", v) if v else v],
                       validators=[DataRequired(_l("Isi kode dari email.")),
                                   Regexp(r"^\d{6}$", message=_l("Kode terdiri atas 6 angka. Periksa email Anda."))])


class CallNumberForm(FlaskForm):
    """Staff: call a given number, as typed (P-007)."""

    code = StringField(_l("Nomor antrean"), filters=[clean_text], validators=[
        DataRequired(_l("Isi nomor antrean, misalnya P-007.")),
        Length(max=12, message=_l("Nomor antrean tidak valid. Contoh: P-007."))])


class LockerForm(FlaskForm):
    """Staff: lend a free locker to an open ticket and note whether the identity card is held."""

    ticket = ChoiceSelect(_l("Nomor antrean"), message=_l("Pilih nomor antrean yang masih dilayani atau menunggu."))
    locker = ChoiceSelect(_l("Loker"), message=_l("Pilih loker yang masih kosong."))
    id_card_held = BooleanField(_l("Kartu identitas dititipkan"), default=True)

    def __init__(self, *args, free: list[str], tickets: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.locker.choices = choices([("", _("Pilih loker"))] + [(n, _("Loker %(number)s", number=n)) for n in free])
        self.ticket.choices = choices([("", _("Pilih nomor"))] + [(str(t.id), t.code) for t in tickets])
