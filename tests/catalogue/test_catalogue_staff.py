"""Staff catalogue editor: list, add, edit and delete an office's publications."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.catalogue.models import Publication, SoftcopyAccess
from app.extensions import db
from tests import pdf_samples
from tests.helpers import csrf_from, login, read_page, visible_text
from tests.factories import ROWS

NEW = "/majenekab/staf/katalog/baru"
LIST = "/majenekab/staf/katalog"


def form_data(**changes) -> dict:
    """A valid form for a new Majene publication, with some fields changed."""
    data = dict(title="Statistik Kesejahteraan Rakyat Kabupaten Majene 2024", year="2024",
                catalogue_number="4101002.7601", publication_number="76010.2415", issn="2087-4235",
                isbn="978-602-438-123-3", release_date="2024-12-20",
                subjects="Kesejahteraan;  Kemiskinan ; Kesejahteraan", language="id",
                abstract="Indikator kesejahteraan rakyat: pendidikan, kesehatan dan perumahan.",
                pages="120", format="both", shelf_location="Rak B-02")
    data.update(changes)
    return data


def submit(client, url, data, pdf: bytes | None = None, filename="laporan.pdf"):
    """Post the form on ``url`` with its CSRF token and an optional file."""
    data = dict(data, csrf_token=csrf_from(client.get(url).data))
    if pdf is not None:
        data["pdf"] = (io.BytesIO(pdf), filename)
    return client.post(url, data=data, content_type="multipart/form-data")


def publication_by_title(app, title) -> Publication | None:
    with app.app_context():
        return db.session.scalars(select(Publication).where(Publication.title == title)).first()


def search_titles(client, q) -> list[str]:
    """The titles a search of the Majene catalogue links to."""
    page = read_page(client.get(f"/majenekab/katalog?q={q}").data)
    return [text for text, href in page.links if href.startswith("/majenekab/katalog/") and "?" not in href]


@pytest.fixture
def staff(app, make_user):
    make_user(email="staf@majene.id", role="staff", office="majenekab")
    client = app.test_client()
    login(client, "staf@majene.id")
    return client


@pytest.fixture
def majene_id(app, publication):
    return publication_by_title(app, publication).id


# ------------------------------------------------------------------ access


def test_only_staff_of_the_office_and_admins_see_the_editor(app, client, make_user, majene_id):
    urls = [LIST, NEW, f"{LIST}/{majene_id}/ubah", f"{LIST}/{majene_id}/hapus"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/akun/masuk" in response.headers["Location"]
    make_user(email="pembaca@contoh.id")
    make_user(email="staf@sawahlunto.id", role="staff", office="sawahluntokota")
    make_user(email="admin@bps.id", role="admin")
    for email in ("pembaca@contoh.id", "staf@sawahlunto.id"):
        other = app.test_client()
        login(other, email)
        assert [other.get(url).status_code for url in urls] == [403] * 4
    admin = app.test_client()
    login(admin, "admin@bps.id")
    assert [admin.get(url).status_code for url in urls] == [200] * 4


def test_another_offices_publication_is_not_found(app, make_user, majene_id):
    make_user(email="staf@sawahlunto.id", role="staff", office="sawahluntokota")
    other = app.test_client()
    login(other, "staf@sawahlunto.id")
    assert other.get(f"/sawahluntokota/staf/katalog/{majene_id}/ubah").status_code == 404
    assert other.get(f"/sawahluntokota/staf/katalog/{majene_id}/hapus").status_code == 404
    token = csrf_from(other.get("/sawahluntokota/staf/katalog/baru").data)
    response = other.post(f"/sawahluntokota/staf/katalog/{majene_id}/hapus", data={"csrf_token": token})
    assert response.status_code == 404
    assert publication_by_title(app, ROWS[0]["title"]) is not None
    assert "Ubah (staf)" not in visible_text(other.get(f"/majenekab/katalog/{majene_id}").data)


def test_list_filters_by_title_and_links_the_editor(app, staff, majene_id, make_user):
    page = read_page(staff.get(LIST).data)
    text = visible_text(staff.get(LIST).data)
    assert ROWS[0]["title"] in text and "Softcopy dan hardcopy" in text and "Ada" in text
    assert ("Tambah publikasi", NEW) in page.links
    assert ("Staf", "/majenekab/staf/") in page.links  # the nav item, to the staff home
    assert ("Katalog", LIST) in read_page(staff.get("/majenekab/staf/").data).links
    assert "Tidak ada publikasi dengan judul" in visible_text(staff.get(f"{LIST}?q=sawahlunto").data)
    assert ROWS[0]["title"] in visible_text(staff.get(f"{LIST}?q=dalam+ANGKA").data)
    assert "Tidak ada publikasi" in visible_text(staff.get(f"{LIST}?q=%25").data)
    detail = read_page(staff.get(f"/majenekab/katalog/{majene_id}").data)
    assert ("Ubah (staf)", f"{LIST}/{majene_id}/ubah") in detail.links
    accesses = read_page(staff.get("/majenekab/staf/akses-softcopy").data)
    assert any(href == LIST for _, href in accesses.links)
    make_user(email="pembaca@contoh.id")
    reader = app.test_client()
    login(reader, "pembaca@contoh.id")
    assert "Ubah (staf)" not in visible_text(reader.get(f"/majenekab/katalog/{majene_id}").data)


def test_list_pages_newest_change_first(app, staff):
    with app.app_context():
        db.session.add_all(Publication(office="majenekab", title=f"Laporan Bulanan {i:02d}", format="hardcopy")
                           for i in range(55))
        db.session.commit()
    first = visible_text(staff.get(LIST).data)
    assert "55 publikasi" in first and "1 / 2" in first
    second = staff.get(f"{LIST}?page=2")
    assert second.status_code == 200 and "Laporan Bulanan" in visible_text(second.data)


# ------------------------------------------------------------------ create


def test_create_without_pdf(app, staff):
    response = submit(staff, NEW, form_data(format="hardcopy"))
    assert response.status_code == 303 and response.headers["Location"] == LIST
    assert "ditambahkan" in visible_text(staff.get(LIST).data)
    pub = publication_by_title(app, form_data()["title"])
    assert pub.office == "majenekab" and pub.year == 2024 and pub.issn == "2087-4235"
    assert pub.subjects == ["Kesejahteraan", "Kemiskinan"] and str(pub.release_date) == "2024-12-20"
    assert pub.pages == 120 and pub.format == "hardcopy" and pub.pdf_sha256 is None
    assert form_data()["title"] in search_titles(staff, "kesejahteraan")


def test_create_with_pdf_stores_it_by_content(app, staff):
    data = pdf_samples.report_pdf(pages=2)
    response = submit(staff, NEW, form_data(), pdf=data, filename="../../rahasia laporan.pdf")
    assert response.status_code == 303
    pub = publication_by_title(app, form_data()["title"])
    assert pub.pdf_pages == 2 and pub.pdf_size == len(data)
    stored = app.extensions["pdf_store"].path(pub.pdf_sha256)
    assert stored.name == f"{pub.pdf_sha256}.pdf" and "rahasia" not in str(stored)
    assert stored.read_bytes() == data
    # The PDF's own text is searchable at once.
    assert form_data()["title"] in search_titles(staff, "Kecamatan")


# ------------------------------------------------------------------ validation


def test_metadata_errors_are_shown_in_indonesian_and_values_kept(app, staff):
    response = submit(staff, NEW, form_data(issn="2087-4234", year="20x4", pages="0",
                                            release_date="28/02/2024", language="Klingon"))
    assert response.status_code == 200
    text = visible_text(response.data)
    assert "ISSN tidak valid" in text and "Tahun harus empat angka" in text
    assert "Jumlah halaman harus" in text and "Tanggal rilis harus" in text and "Tulis bahasa sebagai kode" in text
    html = response.data.decode()
    assert 'value="2087-4234"' in html and 'value="4101002.7601"' in html and "Statistik Kesejahteraan Rakyat" in html
    assert publication_by_title(app, form_data()["title"]) is None


def test_title_is_required(app, staff):
    response = submit(staff, NEW, form_data(title="   "))
    assert response.status_code == 200 and "Isi judul publikasi." in visible_text(response.data)


@pytest.mark.parametrize("sample, message", [
    (pdf_samples.not_pdf(), "Berkas ini bukan PDF"),
    (pdf_samples.encrypted_pdf(), "dikunci dengan kata sandi"),
    (pdf_samples.truncated_pdf(), "PDF ini terpotong"),
    (pdf_samples.corrupt_pdf(), "PDF ini rusak"),
    (pdf_samples.zero_page_pdf(), "tidak memiliki halaman"),
    (b"", "kosong (0 byte)"),
])
def test_bad_pdf_is_refused_with_its_reason_and_values_kept(app, staff, sample, message):
    response = submit(staff, NEW, form_data(), pdf=sample)
    assert response.status_code == 200
    assert message in visible_text(response.data)
    html = response.data.decode()
    assert 'value="76010.2415"' in html and "Indikator kesejahteraan rakyat" in html
    assert publication_by_title(app, form_data()["title"]) is None


def test_a_file_not_named_pdf_is_refused(app, staff):
    response = submit(staff, NEW, form_data(), pdf=pdf_samples.report_pdf(1), filename="laporan.docx")
    assert "berakhiran .pdf" in visible_text(response.data)


def test_duplicate_publication_number_is_a_form_error(app, staff, majene_id):
    response = submit(staff, NEW, form_data(publication_number=ROWS[0]["publication_number"]))
    assert response.status_code == 200
    assert "sudah dipakai" in visible_text(response.data)
    # Another office may use the same number.
    with app.app_context():
        db.session.add(Publication(office="sawahluntokota", title="Lain", format="hardcopy",
                                   publication_number="76010.2415"))
        db.session.commit()
    assert submit(staff, NEW, form_data()).status_code == 303


def test_missing_csrf_token_is_refused(app, staff, majene_id):
    assert staff.post(NEW, data=form_data()).status_code == 400
    assert staff.post(f"{LIST}/{majene_id}/ubah", data=form_data()).status_code == 400
    assert staff.post(f"{LIST}/{majene_id}/hapus").status_code == 400
    assert publication_by_title(app, ROWS[0]["title"]) is not None


# ------------------------------------------------------------------ edit


def test_edit_shows_values_and_saves_changes_searchable_at_once(app, staff, majene_id):
    url = f"{LIST}/{majene_id}/ubah"
    html = staff.get(url).data.decode()
    assert ROWS[0]["title"] in html and 'value="Statistik Dasar; Kependudukan"' in html
    before = publication_by_title(app, ROWS[0]["title"])
    data = form_data(title="Majene Dalam Angka Edisi Revisi Kuartal", publication_number="76010.2401",
                     subjects="Statistik Dasar")
    response = submit(staff, url, data)
    assert response.status_code == 303 and response.headers["Location"] == LIST
    after = publication_by_title(app, "Majene Dalam Angka Edisi Revisi Kuartal")
    assert after.id == majene_id and after.subjects == ["Statistik Dasar"]
    assert after.pdf_sha256 == before.pdf_sha256  # no upload keeps the softcopy
    assert search_titles(staff, "revisi+kuartal") == ["Majene Dalam Angka Edisi Revisi Kuartal"]
    assert search_titles(staff, "dalam+angka") == ["Majene Dalam Angka Edisi Revisi Kuartal"]


def test_edit_replaces_the_softcopy(app, staff, majene_id):
    url = f"{LIST}/{majene_id}/ubah"
    new_pdf = pdf_samples.report_pdf(pages=5)
    response = submit(staff, url, form_data(publication_number="76010.2401"), pdf=new_pdf)
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Publication, majene_id).pdf_pages == 5


def test_edit_to_a_number_already_taken_is_a_form_error(app, staff, majene_id):
    assert submit(staff, NEW, form_data()).status_code == 303
    response = submit(staff, f"{LIST}/{majene_id}/ubah", form_data(publication_number="76010.2415"))
    assert response.status_code == 200 and "sudah dipakai" in visible_text(response.data)


# ------------------------------------------------------------------ delete


def test_delete_keeps_the_access_history(app, staff, make_user, majene_id):
    reader_id = make_user(email="pembaca@contoh.id")
    with app.app_context():
        db.session.add(SoftcopyAccess(token="TOKEN00001", kind="download", user_id=reader_id,
                                      publication_id=majene_id, office="majenekab"))
        db.session.commit()
    assert search_titles(staff, "dalam+angka") == [ROWS[0]["title"]]
    url = f"{LIST}/{majene_id}/hapus"
    confirm = staff.get(url)
    assert "akan dihapus" in visible_text(confirm.data)
    response = staff.post(url, data={"csrf_token": csrf_from(confirm.data)})
    assert response.status_code == 303 and response.headers["Location"] == LIST
    assert "dihapus dari katalog" in visible_text(staff.get(LIST).data)
    with app.app_context():
        assert db.session.get(Publication, majene_id) is None
        access = db.session.scalars(select(SoftcopyAccess)).one()
        assert access.publication_id is None and access.token == "TOKEN00001"
    assert "(publikasi dihapus)" in visible_text(staff.get("/majenekab/staf/akses-softcopy").data)
    assert staff.get(f"/majenekab/katalog/{majene_id}").status_code == 404
    assert search_titles(staff, "dalam+angka") == []


def test_a_pdf_over_the_size_limit_gets_a_friendly_message(app, staff, monkeypatch):
    from flask_wtf.file import FileSize

    from app.catalogue.forms import PublicationForm

    size_check = next(v for v in PublicationForm.pdf.kwargs["validators"] if isinstance(v, FileSize))
    monkeypatch.setattr(size_check, "max_size", 1000)
    response = submit(staff, NEW, form_data(), pdf=pdf_samples.report_pdf(1))
    assert response.status_code == 200 and "Berkas PDF paling besar" in visible_text(response.data)
    assert publication_by_title(app, form_data()["title"]) is None
