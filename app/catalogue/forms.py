"""Staff catalogue forms (labels and messages in the visitor's language; Indonesian is the source).

The rules for a publication's fields live in one place, ``parse_row`` of the CSV
importer; this form only collects the values and turns the importer's (English)
reasons into messages for staff on the right field.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileSize
from wtforms import SelectChoice, SelectField, StringField, TextAreaField

from app.catalogue.importing import RowError, parse_row
from app.catalogue.models import FORMAT_LABELS, Publication

#: Largest softcopy a staff member may upload (MAX_CONTENT_LENGTH bounds the request too).
PDF_MAX_BYTES = 64 * 1024 * 1024

#: The publication fields the form edits, in the importer's column names.
FIELDS = ("title", "year", "catalogue_number", "publication_number", "issn", "isbn", "release_date",
          "subjects", "language", "abstract", "pages", "format", "shelf_location")

#: What to tell staff when ``parse_row`` refuses a field.
FIELD_MESSAGES = {
    "title": _l("Judul paling panjang 500 karakter."),
    "year": _l("Tahun harus empat angka antara 1900 dan 2100, misalnya 2024."),
    "catalogue_number": _l("No. katalog paling panjang 40 karakter."),
    "publication_number": _l("No. publikasi paling panjang 40 karakter."),
    "issn": _l("ISSN tidak valid. Tulis 8 karakter seperti 2087-4235 dan periksa angka terakhirnya (angka kontrol)."),
    "isbn": _l("ISBN tidak valid. Periksa kembali angkanya, terutama angka terakhir (angka kontrol)."),
    "release_date": _l("Tanggal rilis harus berbentuk TTTT-BB-HH, misalnya 2024-02-28."),
    "subjects": _l("Setiap subjek paling panjang 80 karakter."),
    "language": _l("Tulis bahasa sebagai kode (id, en, ind, eng, id-en) atau nama (Indonesia, Inggris, English)."),
    "abstract": _l("Abstrak paling panjang 10.000 karakter."),
    "pages": _l("Jumlah halaman harus bilangan bulat antara 1 dan 100.000."),
    "format": _l("Pilih salah satu format."),
    "shelf_location": _l("Lokasi rak paling panjang 60 karakter."),
}
REQUIRED_MESSAGES = {"title": _l("Isi judul publikasi."), "format": _l("Pilih format publikasi.")}
#: Stand-ins for required fields while looking for further errors in the other fields.
_STAND_INS = {"title": "-", "format": "both"}

#: Why an uploaded file cannot be the softcopy, by ``PdfError.code``.
PDF_MESSAGES = {
    "empty": _l("Berkas yang diunggah kosong (0 byte). Pilih berkas PDF softcopy-nya."),
    "not_pdf": _l("Berkas ini bukan PDF. Unggah softcopy dalam format PDF."),
    "encrypted": _l("PDF ini dikunci dengan kata sandi atau enkripsi. Unggah PDF tanpa kata sandi."),
    "truncated": _l("PDF ini terpotong (tidak lengkap), mungkin unduhan atau salinannya terputus. "
                    "Unggah berkas yang lengkap."),
    "corrupt": _l("PDF ini rusak dan tidak dapat dibaca. Simpan ulang atau ekspor ulang PDF-nya, lalu unggah lagi."),
    "no_pages": _l("PDF ini tidak memiliki halaman sama sekali."),
    "too_many_pages": _l("PDF ini terlalu banyak halamannya (lebih dari batas yang diizinkan). Pecah menjadi "
                         "beberapa berkas, lalu unggah lagi."),
    "too_complex": _l("PDF ini terlalu rumit untuk diperiksa. Simpan ulang atau ekspor ulang PDF-nya, lalu unggah lagi."),
}
#: Said after saving when the PDF was stored but its text could not be read for the index.
TEXT_PROBLEM = _l("Softcopy tersimpan, tetapi teksnya tidak dapat dibaca untuk pencarian (pemrosesan terlalu "
                  "lama atau terlalu berat), sehingga isinya tidak ikut dicari. Judul, abstrak dan subjek tetap dicari.")
#: Said after saving when active content was removed from the PDF (``%(items)s``: what went).
CONTENT_REMOVED = _l("Konten aktif (%(items)s) telah dihapus dari PDF sebelum disimpan, demi keamanan pembaca.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PublicationForm(FlaskForm):
    """A publication's metadata and an optional softcopy, checked by the importer's rules."""

    title = TextAreaField(_l("Judul"), filters=[_strip], render_kw={"rows": 2, "required": True})
    year = StringField(_l("Tahun"), filters=[_strip], render_kw={"inputmode": "numeric"},
                       description=_l("Empat angka, misalnya 2024."))
    catalogue_number = StringField(_l("No. katalog"), filters=[_strip])
    publication_number = StringField(_l("No. publikasi"), filters=[_strip],
                                     description=_l("Unik di kantor ini."))
    issn = StringField("ISSN", filters=[_strip], description=_l("Misalnya 2087-4235."))
    isbn = StringField("ISBN", filters=[_strip], description=_l("ISBN-13 atau ISBN-10, misalnya 978-602-438-123-3."))
    release_date = StringField(_l("Tanggal rilis"), filters=[_strip], render_kw={"type": "date"},
                               description=_l("TTTT-BB-HH, misalnya 2024-02-28."))
    subjects = StringField(_l("Subjek"), filters=[_strip],
                           description=_l("Pisahkan dengan titik koma, misalnya: Statistik Dasar; Kependudukan."))
    language = StringField(_l("Bahasa"), default="id", filters=[_strip],
                           description=_l("Kode bahasa: id (Indonesia), en (Inggris), id-en (dwibahasa)."))
    abstract = TextAreaField(_l("Abstrak"), filters=[_strip], render_kw={"rows": 6})
    pages = StringField(_l("Jumlah halaman (tercetak)"), filters=[_strip], render_kw={"inputmode": "numeric"})
    format = SelectField(_l("Format"), default="both", choices=[SelectChoice(value, label) for value, label in FORMAT_LABELS.items()], validate_choice=False)
    shelf_location = StringField(_l("Lokasi rak"), filters=[_strip], description=_l("Untuk hardcopy, misalnya Rak A-01."))
    pdf = FileField(_l("Softcopy (PDF)"), render_kw={"accept": ".pdf,application/pdf"}, validators=[
        FileAllowed(["pdf"], _l("Pilih berkas berakhiran .pdf.")),
        FileSize(PDF_MAX_BYTES, message=_l("Berkas PDF paling besar %(size)d MB.", size=PDF_MAX_BYTES // 1024 // 1024))])

    def fill_from(self, publication: Publication) -> None:
        """Show a stored publication's values (for a GET of the edit page)."""
        for name in FIELDS:
            value = getattr(publication, name)
            if name == "subjects":
                value = "; ".join(value or ())
            getattr(self, name).data = "" if value is None else str(value)

    def row(self) -> dict:
        """The entered values as an importer row (importer column names, text values)."""
        return {name: getattr(self, name).data or "" for name in FIELDS}

    def publication_fields(self, office: str) -> dict | None:
        """The publication's fields by the importer's rules, or None with errors on the form.

        ``parse_row`` stops at the first bad field, so a refused field is swapped for a
        harmless value and the row checked again, to report every bad field at once.
        """
        row = dict(self.row(), office=office)
        failed: set[str] = set()
        while True:
            try:
                fields = parse_row(row, [office])
            except RowError as exc:
                name, _colon, reason = str(exc).partition(":")
                if name not in FIELD_MESSAGES or name in failed:
                    raise
                failed.add(name)
                message = REQUIRED_MESSAGES.get(name) if "is required" in reason else None
                getattr(self, name).errors.append(message or FIELD_MESSAGES[name])
                row[name] = _STAND_INS.get(name, "")
                continue
            return None if failed else fields

