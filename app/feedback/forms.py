"""Feedback forms (labels and messages in the page's language, Indonesian by default).

Every value is checked on the server: lengths, choices and numbers, with a message that
says what to do.  Choices are kept as text and checked against the known values, so an
odd value ("5", "abc", a huge number) gets the same clear message as an empty one.
Forms that create something carry a one-time token (``form_token``) so that sending
them twice creates one record, and the anonymous ones a honeypot field (``website``)
that people never see and bots fill in.  Labels and messages are made when shown
(app/lang.py), so a form defined once speaks the language of each request.
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileSize
from wtforms import (BooleanField, EmailField, HiddenField, RadioField, SelectChoice, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import AnyOf, DataRequired, Email, InputRequired, Length, Optional, ValidationError

from app.catalogue.forms import PDF_MAX_BYTES
from app.feedback import tokens
from app.lang import _, _l, format_number, lazy, ngettext
from app.feedback.models import PROBLEMS
from app.feedback.questionnaire import ELEMENTS, PROFILE, SUGGESTION_MAX
from app.text import parse_int

TEXT_MAX = 5000
REVIEW_MAX = 2000
TITLE_MAX = 500
PURPOSE_MAX = 1000


#: Control characters a person never types (NUL, escapes, bidi overrides); line breaks and tabs stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _strip(value):
    """Text as kept: control characters out (PostgreSQL refuses NUL), ends trimmed."""
    return _CONTROL.sub("", value).strip() if isinstance(value, str) else value


def _one_line(value):
    return " ".join(_CONTROL.sub("", value).split()) if isinstance(value, str) else value


def _length(message, maximum: int, minimum: int = 0):
    """A length check; ``message(min, max)`` says it in words, the numbers written for the page."""
    return Length(min=minimum, max=maximum,
                  message=lazy(lambda: message(format_number(minimum), format_number(maximum))))


def _form_token() -> HiddenField:
    return HiddenField(default=tokens.new_form_token, validators=[Optional(), Length(max=64)])


def _honeypot() -> StringField:
    # Hidden from people (CSS, aria-hidden, tabindex -1); a value means a bot filled the form.
    return StringField(_l("Biarkan kosong"), validators=[Optional()])


class SurveyForm(FlaskForm):
    """The nine SKM questions, the optional profile and suggestion."""

    respondent = HiddenField(validators=[Optional(), Length(max=500)])
    suggestion = TextAreaField(_l("Saran dan masukan (opsional)"), filters=[_strip],
                               description=_l("Tulis saran Anda untuk perbaikan layanan perpustakaan. "
                                              "Jangan menuliskan data pribadi."),
                               validators=[Optional(), _length(
                                   lambda low, high: _("Saran paling panjang %(max)s karakter.", max=high),
                                   SUGGESTION_MAX)],
                               render_kw={"rows": 4, "maxlength": SUGGESTION_MAX})
    website = _honeypot()


def _answer_message(element):
    return lazy(lambda: _("Pilih salah satu jawaban untuk pertanyaan %(number)s (%(name)s).",
                          number=element.code[1:], name=str(element.name).lower()))


for _element in ELEMENTS:
    _message = _answer_message(_element)
    setattr(SurveyForm, _element.column, RadioField(
        _element.question, choices=[SelectChoice(str(i), text) for i, text in enumerate(_element.answers, start=1)],
        validate_choice=False, validators=[InputRequired(_message), AnyOf(["1", "2", "3", "4"], message=_message)]))


def _profile_texts(label):
    """The label of an optional profile question and its message, in the page's language."""
    return (lazy(lambda: _("%(label)s (opsional)", label=label)),
            lazy(lambda: _("Pilih salah satu isian %(label)s, atau kosongkan.", label=str(label).lower())))


for _column, _label, _choices in PROFILE:
    _text, _message = _profile_texts(_label)
    setattr(SurveyForm, _column, SelectField(
        _text, choices=[SelectChoice("", _l("Tidak ingin mengisi"))] + [SelectChoice(k, v) for k, v in _choices.items()],
        default="", validate_choice=False, validators=[Optional(), AnyOf(list(_choices), message=_message)]))


def survey_values(form: SurveyForm) -> tuple[dict[str, int], dict[str, str | None]]:
    """The checked answers (as numbers) and profile (None when not given) of a valid form."""
    answers = {e.column: int(getattr(form, e.column).data) for e in ELEMENTS}
    profile = {column: getattr(form, column).data or None for column, _, _ in PROFILE}
    return answers, profile


class ComplaintForm(FlaskForm):
    """A complaint, with an optional contact; anonymous allowed."""

    text = TextAreaField(_l("Isi pengaduan"), filters=[_strip], render_kw={"rows": 7, "maxlength": TEXT_MAX},
                         description=_l("Ceritakan apa yang terjadi, kapan, dan layanan apa yang Anda terima."),
                         validators=[DataRequired(_l("Tulis isi pengaduan Anda.")), _length(
                             lambda low, high: _("Isi pengaduan %(min)s\u2013%(max)s karakter.", min=low, max=high),
                             TEXT_MAX, 10)])
    name = StringField(_l("Nama (opsional)"), filters=[_one_line],
                       validators=[Optional(), _length(
                           lambda low, high: _("Nama paling panjang %(max)s karakter.", max=high), 120)])
    email = EmailField(_l("Email (opsional)"), filters=[_strip],
                       description=_l("Bila diisi, kode pelacakan dan tanggapan petugas kami kirim ke alamat ini."),
                       validators=[Optional(), Length(max=254, message=_l("Alamat email terlalu panjang.")),
                                   Email(_l("Alamat email tidak valid."), check_deliverability=False)])
    anonymous = BooleanField(_l("Kirim tanpa identitas akun saya (anonim)"))
    website = _honeypot()
    form_token = _form_token()


class ConsultationForm(FlaskForm):
    """A question to the office's staff, e.g. when a search found nothing."""

    query = StringField(_l("Kata kunci yang sudah dicari (opsional)"), filters=[_one_line],
                        validators=[Optional(), _length(
                            lambda low, high: _("Kata kunci paling panjang %(max)s karakter.", max=high), 200)])
    question = TextAreaField(_l("Pertanyaan atau kebutuhan data Anda"), filters=[_strip],
                             render_kw={"rows": 6, "maxlength": TEXT_MAX},
                             description=_l("Sebutkan data atau publikasi yang Anda cari, wilayah, dan tahunnya."),
                             validators=[DataRequired(_l("Tulis pertanyaan Anda.")), _length(
                                 lambda low, high: _("Pertanyaan %(min)s\u2013%(max)s karakter.", min=low, max=high),
                                 TEXT_MAX, 10)])
    form_token = _form_token()


class SoftcopyRequestForm(FlaskForm):
    """A softcopy asked for: a catalogue item without one online, or a title not in the catalogue."""

    title = StringField(_l("Judul publikasi"), filters=[_one_line], validators=[_length(
        lambda low, high: _("Judul paling panjang %(max)s karakter.", max=high), TITLE_MAX)])
    year = StringField(_l("Tahun terbit (opsional)"), filters=[_strip], render_kw={"inputmode": "numeric"},
                       description=_l("Empat angka, misalnya 2023."))
    purpose = TextAreaField(_l("Tujuan penggunaan"), filters=[_strip], render_kw={"rows": 4, "maxlength": PURPOSE_MAX},
                            description=_l("Misalnya bahan skripsi, perencanaan daerah, atau laporan kantor."),
                            validators=[DataRequired(_l("Tulis tujuan penggunaan softcopy.")), _length(
                                lambda low, high: _("Tujuan penggunaan %(min)s\u2013%(max)s karakter.",
                                                    min=low, max=high),
                                PURPOSE_MAX, 5)])
    form_token = _form_token()

    def __init__(self, *args, needs_title: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_title = needs_title

    def validate_title(self, field) -> None:
        if self.needs_title and not field.data:
            raise ValidationError(_("Tulis judul publikasi yang Anda minta."))

    def validate_year(self, field) -> None:
        if field.data and parse_int(field.data, minimum=1900, maximum=2100) is None:
            raise ValidationError(_("Tahun harus empat angka antara 1900 dan 2100, misalnya 2023."))

    @property
    def year_value(self) -> int | None:
        return parse_int(self.year.data, minimum=1900, maximum=2100) if self.year.data else None


class ReportForm(FlaskForm):
    """"Laporkan masalah" on a publication."""

    problem = RadioField(_l("Masalah apa yang Anda temukan?"),
                         choices=[SelectChoice(k, v) for k, v in PROBLEMS.items()], validate_choice=False,
                         validators=[InputRequired(_l("Pilih jenis masalahnya.")),
                                     AnyOf(list(PROBLEMS), message=_l("Pilih jenis masalahnya."))])
    text = TextAreaField(_l("Keterangan"), filters=[_strip], render_kw={"rows": 4, "maxlength": REVIEW_MAX},
                         description=_l("Misalnya halaman berapa yang hilang atau keterangan mana yang salah. "
                                        "Wajib diisi untuk \u201cLainnya\u201d."),
                         validators=[_length(
                             lambda low, high: _("Keterangan paling panjang %(max)s karakter.", max=high),
                             REVIEW_MAX)])
    form_token = _form_token()

    def validate_text(self, field) -> None:
        if self.problem.data == "other" and not field.data:
            raise ValidationError(_("Jelaskan masalahnya."))


def _stars(count: int):
    return lazy(lambda: ngettext("%(num)d bintang", "%(num)d bintang", count))


class RatingForm(FlaskForm):
    """1–5 stars and an optional review of a publication."""

    stars = RadioField(_l("Penilaian Anda"), choices=[SelectChoice(str(i), _stars(i)) for i in range(5, 0, -1)],
                       validate_choice=False,
                       validators=[InputRequired(_l("Pilih 1 sampai 5 bintang.")),
                                   AnyOf(["1", "2", "3", "4", "5"], message=_l("Pilih 1 sampai 5 bintang."))])
    review = TextAreaField(_l("Ulasan (opsional)"), filters=[_strip], render_kw={"rows": 3, "maxlength": REVIEW_MAX},
                           description=_l("Ditampilkan dengan nama depan Anda saja."),
                           validators=[Optional(), _length(
                               lambda low, high: _("Ulasan paling panjang %(max)s karakter.", max=high), REVIEW_MAX)])


class ReplyForm(FlaskForm):
    """A message in a case's thread (the sender's, or staff's with a status)."""

    body = TextAreaField(_l("Pesan"), filters=[_strip], render_kw={"rows": 5, "maxlength": TEXT_MAX},
                         validators=[DataRequired(_l("Tulis pesan Anda.")), _length(
                             lambda low, high: _("Pesan paling panjang %(max)s karakter.", max=high), TEXT_MAX)])
    status = SelectField(_l("Status setelah pesan ini"), default="", validate_choice=False)
    form_token = _form_token()

    def set_statuses(self, choices: list[tuple[str, str]]) -> None:
        self.status.choices = [SelectChoice(value, label) for value, label in choices]
        self.status.validators = [Optional(), AnyOf([value for value, _label in choices],
                                                    message=_l("Pilih status yang tersedia."))]


class FulfilForm(FlaskForm):
    """Staff fulfil a softcopy request: upload a PDF, or point to a catalogue item."""

    pdf = FileField(_l("Unggah softcopy (PDF)"), render_kw={"accept": ".pdf,application/pdf"}, validators=[
        FileAllowed(["pdf"], _l("Pilih berkas berakhiran .pdf.")),
        FileSize(PDF_MAX_BYTES, message=lazy(lambda: _("Berkas PDF paling besar %(size)s MB.",
                                                        size=format_number(PDF_MAX_BYTES // 1024 // 1024))))])
    publication_id = StringField(_l("atau nomor publikasi di katalog"), filters=[_strip],
                                 render_kw={"inputmode": "numeric"},
                                 description=_l("Nomor di alamat halaman publikasi, misalnya 12 untuk /katalog/12. "
                                                "Publikasi itu harus punya softcopy."))
    note = TextAreaField(_l("Pesan untuk pemohon (opsional)"), filters=[_strip], render_kw={"rows": 3},
                         validators=[Optional(), _length(
                             lambda low, high: _("Pesan paling panjang %(max)s karakter.", max=high), REVIEW_MAX)])

    def validate_publication_id(self, field) -> None:
        if field.data and parse_int(field.data, minimum=1, maximum=2**31 - 1) is None:
            raise ValidationError(_("Tulis nomor publikasi berupa angka, misalnya 12."))
        if not field.data and not self.pdf.data:
            raise ValidationError(_("Unggah PDF softcopy-nya, atau tulis nomor publikasi di katalog."))
        if field.data and self.pdf.data:
            raise ValidationError(_("Pilih salah satu: unggah PDF, atau nomor publikasi di katalog."))


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Alasan"), filters=[_strip], render_kw={"rows": 3, "maxlength": REVIEW_MAX},
                           description=_l("Pemohon menerima alasan ini lewat email."),
                           validators=[DataRequired(_l("Tulis alasan penolakan.")), _length(
                               lambda low, high: _("Alasan %(min)s\u2013%(max)s karakter.", min=low, max=high),
                               REVIEW_MAX, 5)])
