"""On a publication: 1–5 stars with a review, the average on results and detail, the sort by
rating, bookmarks in Akun saya, and "Laporkan masalah" reaching the office's staff."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.feedback.models import Bookmark, Case, PublicationRating, RatingSummary
from tests.helpers import csrf_from, read_page, visible_text

MAJENE_2024 = "Kabupaten Majene Dalam Angka 2024"
SAKERNAS = "Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023"
TERNAK = "Statistik Peternakan Kabupaten Majene 2019"


def rate(submit, client, publication_id, stars, review="", office="majenekab"):
    url = f"/{office}/katalog/{publication_id}/penilaian"
    return submit(client, url, {"stars": str(stars), "review": review})


def test_rate_review_edit_and_delete(app, catalogue, client_of, submit):
    pid = catalogue[MAJENE_2024]
    siti, budi = client_of("pengguna@contoh.id"), client_of("lain@contoh.id")
    detail = f"/majenekab/katalog/{pid}"
    assert "Belum ada penilaian untuk publikasi ini." in visible_text(siti.get(detail).data)

    response = rate(submit, siti, pid, 4, "<b>Sangat</b> membantu untuk skripsi 📊")
    assert response.status_code == 303 and response.headers["Location"] == f"{detail}#penilaian"
    page = siti.get(detail)
    text = visible_text(page.data)
    assert "Penilaian Anda tersimpan." in text and "(1 penilaian)" in text
    assert 'aria-label="Rata-rata 4,0 dari 5 bintang"' in page.get_data(as_text=True)
    public = app.test_client().get(detail)
    assert "Siti" in visible_text(public.data) and "Rahmawati" not in visible_text(public.data)  # first name only
    assert "&lt;b&gt;Sangat&lt;/b&gt; membantu untuk skripsi 📊" in public.get_data(as_text=True)

    # One rating per user: a second one changes it.
    rate(submit, siti, pid, 5, "Lengkap.")
    rate(submit, budi, pid, 2)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PublicationRating)) == 2
        summary = db.session.get(RatingSummary, pid)
        assert (summary.count, summary.total, summary.average) == (2, 7, 3.5)
    text = visible_text(app.test_client().get(detail).data)
    assert "3,5" in text and "(2 penilaian)" in text
    # The form shows the user's own rating for editing.
    assert 'name="stars" value="5" checked' in siti.get(f"{detail}/penilaian").get_data(as_text=True)

    token = csrf_from(siti.get(f"{detail}/penilaian").data)
    assert siti.post(f"{detail}/penilaian/hapus", data={"csrf_token": token}).status_code == 303
    with app.app_context():
        summary = db.session.get(RatingSummary, pid)
        assert (summary.count, summary.average) == (1, 2.0)
    # My ratings in Akun saya.
    assert "Penilaian saya" not in visible_text(siti.get("/akun/").data)
    assert "Penilaian saya" in visible_text(budi.get("/akun/").data)
    assert MAJENE_2024 in visible_text(budi.get("/akun/penilaian").data)


def test_average_and_count_on_search_results_and_the_sort_by_rating(app, catalogue, client_of, submit):
    siti, budi = client_of("pengguna@contoh.id"), client_of("lain@contoh.id")
    rate(submit, siti, catalogue[TERNAK], 5)
    rate(submit, budi, catalogue[TERNAK], 4)
    rate(submit, siti, catalogue[SAKERNAS], 5)
    visitor = app.test_client()
    page = visitor.get("/majenekab/katalog")
    text = visible_text(page.data)
    assert "(2 penilaian)" in text and "(1 penilaian)" in text
    assert ("Penilaian tertinggi", "/majenekab/katalog?sort=rating") in read_page(page.data).links
    # Rated first, best average first (5.0, then 4.5), then the rest newest first.
    text = visible_text(visitor.get("/majenekab/katalog?sort=rating").data)
    assert text.index(SAKERNAS) < text.index(TERNAK) < text.index(MAJENE_2024)
    assert "Penilaian tertinggi" in text
    # The sort works with a query, and across every office.
    text = visible_text(visitor.get("/katalog", query_string={"sort": "rating", "q": "majene"}).data)
    assert text.index(SAKERNAS) < text.index(TERNAK) < text.index(MAJENE_2024)
    text = visible_text(visitor.get("/katalog", query_string={"sort": "rating"}).data)
    assert text.index(TERNAK) < text.index("Kota Sawahlunto Dalam Angka 2024")


@pytest.mark.parametrize("stars, review, message", [
    ("6", "", "Pilih 1 sampai 5 bintang."), ("0", "", "Pilih 1 sampai 5 bintang."),
    ("lima", "", "Pilih 1 sampai 5 bintang."), ("9" * 50, "", "Pilih 1 sampai 5 bintang."),
    ("", "tanpa bintang", "Pilih 1 sampai 5 bintang."),
    ("4", "x" * 2001, "Ulasan paling panjang 2.000 karakter."),
])
def test_bad_ratings_get_a_clear_message(app, catalogue, client_of, submit, stars, review, message):
    siti = client_of("pengguna@contoh.id")
    data = {"review": review} | ({"stars": stars} if stars else {})
    response = submit(siti, f"/majenekab/katalog/{catalogue[MAJENE_2024]}/penilaian", data)
    assert response.status_code == 200 and message in visible_text(response.data)
    if review and len(review) < 100:
        assert review in visible_text(response.data)  # what was typed stays
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PublicationRating)) == 0


def test_only_verified_users_rate_and_only_on_the_office_of_the_publication(app, catalogue, make_user, client_of,
                                                                           submit):
    make_user(email="baru@contoh.id", verified=False)
    pid = catalogue[MAJENE_2024]
    assert app.test_client().get(f"/majenekab/katalog/{pid}/penilaian").status_code == 302  # to log in
    new = client_of("baru@contoh.id")
    assert "Verifikasi email Anda dahulu" in visible_text(new.get(f"/majenekab/katalog/{pid}/penilaian").data)
    siti = client_of("pengguna@contoh.id")
    token = csrf_from(siti.get(f"/majenekab/katalog/{pid}/penilaian").data)
    assert siti.post(f"/sawahluntokota/katalog/{pid}/penilaian", data={"csrf_token": token, "stars": "5"}).status_code == 404
    assert siti.get("/majenekab/katalog/999999/penilaian").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PublicationRating)) == 0


def test_bookmarks_are_listed_in_my_account(app, catalogue, client_of):
    siti = client_of("pengguna@contoh.id")
    pid = catalogue[SAKERNAS]
    detail = f"/majenekab/katalog/{pid}"
    assert "Markah publikasi" not in visible_text(siti.get("/akun/").data)  # nothing marked yet
    token = csrf_from(siti.get(detail).data)
    for _ in range(2):  # twice is the same as once
        response = siti.post(f"{detail}/tandai", data={"csrf_token": token})
        assert response.status_code == 303
    page = visible_text(siti.get(detail).data)
    assert "Publikasi ditandai." in page and "Hapus tanda" in page
    assert siti.get(f"{detail}/tandai").status_code == 405  # no state change on GET
    account = read_page(siti.get("/akun/").data)
    assert "Markah publikasi" in " ".join(account.text)
    assert (SAKERNAS, detail) in account.links
    assert SAKERNAS in visible_text(siti.get("/akun/markah").data)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Bookmark)) == 1
    # Removing it from the list stays on the list.
    response = siti.post(f"{detail}/tandai/hapus", data={"csrf_token": token, "next": "/akun/markah"})
    assert response.headers["Location"] == "/akun/markah"
    assert "Belum ada publikasi yang Anda tandai." in visible_text(siti.get("/akun/markah").data)
    # An outside address is never followed.
    response = siti.post(f"{detail}/tandai", data={"csrf_token": token, "next": "https://evil.example/"})
    assert response.headers["Location"] == f"{detail}#markah"


def test_report_a_problem_reaches_the_office_staff(app, catalogue, client_of, submit, smtp_server):
    siti = client_of("pengguna@contoh.id")
    pid = catalogue[MAJENE_2024]
    url = f"/majenekab/katalog/{pid}/laporkan"
    assert ("Laporkan masalah", url) in read_page(siti.get(f"/majenekab/katalog/{pid}").data).links
    empty_other = submit(siti, url, {"problem": "other", "text": ""})
    assert "Jelaskan masalahnya." in visible_text(empty_other.data)
    bad = submit(siti, url, {"problem": "gone", "text": "halaman 12"})
    assert "Pilih jenis masalahnya." in visible_text(bad.data) and "halaman 12" in visible_text(bad.data)
    response = submit(siti, url, {"problem": "pages", "text": "Halaman 45–48 kosong."})
    assert response.status_code == 303
    assert "laporan Anda sudah diteruskan ke petugas" in visible_text(siti.get(response.headers["Location"]).data)
    staff = client_of("staf.majene@bps.go.id")
    inbox = visible_text(staff.get("/majenekab/staf/permintaan").data)
    assert f"Ada halaman yang hilang: {MAJENE_2024}" in inbox and "Laporan masalah publikasi" in inbox
    message = smtp_server.last_to("staf.majene@bps.go.id")
    assert message["Subject"] == "Laporan masalah publikasi baru di BPS Kabupaten Majene"
    assert "Halaman 45–48 kosong." in smtp_server.text(message)
    assert "/majenekab/staf/permintaan/" in smtp_server.link(message, "/staf/permintaan/")
    assert "Ada halaman yang hilang" not in visible_text(
        client_of("staf.sawahlunto@bps.go.id").get("/sawahluntokota/staf/permintaan").data)
    with app.app_context():
        case = db.session.scalars(select(Case)).one()
        assert (case.kind, case.problem_type, case.publication_id, case.office) == ("problem", "pages", pid, "majenekab")
