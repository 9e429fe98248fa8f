"""Softcopy requests, consultations and complaints: one model, one lifecycle, one thread,
one inbox per office, one email path, and an answer back to whoever sent it."""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.catalogue.models import SoftcopyAccess
from app.extensions import db
from app.feedback.models import Case, CaseMessage
from tests import pdf_samples
from tests.helpers import OFFICES_DIR, csrf_from, read_page, squash, visible_text

MAJENE_2024 = "Kabupaten Majene Dalam Angka 2024"
TERNAK = "Statistik Peternakan Kabupaten Majene 2019"


def cases(app):
    with app.app_context():
        rows = db.session.scalars(select(Case).order_by(Case.id)).all()
        db.session.expunge_all()
        return rows


def case_id_from(response) -> int:
    return int(re.search(r"/(\d+)$", response.headers["Location"].split("#")[0]).group(1))


# ------------------------------------------------------------------ softcopy requests


def test_request_a_softcopy_staff_upload_it_the_user_downloads_it_stamped(app, catalogue, client_of, submit,
                                                                        smtp_server, clock):
    clock.set(2026, 3, 2, 9, 0, zone="Asia/Makassar")
    siti = client_of("pengguna@contoh.id")
    pid = catalogue[TERNAK]  # a hardcopy, no softcopy online
    detail = read_page(siti.get(f"/majenekab/katalog/{pid}").data)
    assert ("Minta softcopy ke petugas", f"/majenekab/permintaan-softcopy/baru?publikasi={pid}") in detail.links
    url = f"/majenekab/permintaan-softcopy/baru?publikasi={pid}"
    response = submit(siti, url, {"purpose": "Bahan skripsi tentang peternakan sapi."})
    assert response.status_code == 303
    case_id = case_id_from(response)
    assert response.headers["Location"] == f"/akun/permintaan/{case_id}"
    text = visible_text(siti.get(response.headers["Location"]).data)
    assert "Permintaan softcopy Anda telah dikirim ke petugas BPS Kabupaten Majene." in text and "Baru" in text
    receipt = smtp_server.last_to("pengguna@contoh.id")
    assert receipt["Subject"] == "Permintaan softcopy Anda telah diterima"
    notice = smtp_server.last_to("staf.majene@bps.go.id")
    assert notice["Subject"] == "Permintaan softcopy baru di BPS Kabupaten Majene"
    assert "Bahan skripsi tentang peternakan sapi." in smtp_server.text(notice)

    staff = client_of("staf.majene@bps.go.id")
    staff_url = smtp_server.link(notice, "/staf/permintaan/").split("://", 1)[1].split("/", 1)[1]
    assert f"/{staff_url}" == f"/majenekab/staf/permintaan/{case_id}"
    page = visible_text(staff.get(f"/majenekab/staf/permintaan/{case_id}").data)
    assert TERNAK in page and "Siti Rahmawati" in page and "Bahan skripsi" in page
    assert ("Permintaan dan pengaduan 1 terbuka" in visible_text(staff.get("/majenekab/staf/").data))

    # A file that is not a PDF is refused with the catalogue's message; then a real PDF is accepted.
    token = csrf_from(staff.get(f"/majenekab/staf/permintaan/{case_id}").data)
    bad = staff.post(f"/majenekab/staf/permintaan/{case_id}/penuhi", content_type="multipart/form-data",
                     data={"csrf_token": token, "pdf": (io.BytesIO(pdf_samples.not_pdf()), "ternak.pdf")})
    assert bad.status_code == 400 and "Berkas ini bukan PDF." in visible_text(bad.data)
    good = staff.post(f"/majenekab/staf/permintaan/{case_id}/penuhi", content_type="multipart/form-data",
                      data={"csrf_token": token, "note": "Hasil pindai dari arsip.",
                            "pdf": (io.BytesIO(pdf_samples.report_pdf(pages=2)), "../../etc/passwd.pdf")})
    assert good.status_code == 303
    assert "Dipenuhi" in visible_text(staff.get(f"/majenekab/staf/permintaan/{case_id}").data)
    [case] = cases(app)
    assert case.status == "fulfilled" and len(case.fulfilled_pdf_sha256) == 64 and case.fulfilled_pdf_pages == 2

    # The email carries a link; the download is stamped with the user's email on every page and logged.
    email = smtp_server.last_to("pengguna@contoh.id")
    assert email["Subject"] == "Softcopy yang Anda minta sudah tersedia"
    assert "Hasil pindai dari arsip." in smtp_server.text(email) and "09-03-2026 09:00 WITA" in smtp_server.text(email)
    link = smtp_server.link(email, "/unduh")
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert path == f"/akun/permintaan/{case_id}/unduh"
    assert app.test_client().get(path).status_code == 302  # log in first
    assert client_of("lain@contoh.id").get(path).status_code == 404  # someone else's
    served = siti.post(path, data={"csrf_token": csrf_from(siti.get(path).data)}, follow_redirects=True)
    assert served.status_code == 200 and served.mimetype == "application/pdf"
    assert served.headers["Cache-Control"] == "private, no-store"
    assert served.headers["Content-Security-Policy"].startswith("sandbox")  # like the catalogue's copies
    reader = PdfReader(io.BytesIO(served.data))
    assert len(reader.pages) == 2
    for page_ in reader.pages:
        assert "Siti Rahmawati <pengguna@contoh.id>" in squash(page_.extract_text())
    with app.app_context():
        access = db.session.scalars(select(SoftcopyAccess)).one()
        assert (access.kind, access.office, access.user_id is not None, access.publication_id) == (
            "download", "majenekab", True, None)
        assert access.token in squash(reader.pages[0].extract_text())
    # Staff see it among the office's downloads.
    assert access.token in visible_text(staff.get("/majenekab/staf/akses-softcopy").data)

    # After seven days (FEEDBACK_SOFTCOPY_LINK_DAYS) the link no longer works.
    clock.advance(days=7, seconds=1)
    siti = client_of("pengguna@contoh.id")
    expired = siti.get(path)
    assert expired.status_code == 410 and "sudah kedaluwarsa" in visible_text(expired.data)
    assert siti.post(path, data={"csrf_token": csrf_from(siti.get("/majenekab/pengaduan").data)}).status_code == 410


def test_fulfil_by_pointing_to_a_catalogue_item_and_a_title_not_in_the_catalogue(app, catalogue, client_of, submit,
                                                                               smtp_server):
    siti = client_of("pengguna@contoh.id")
    form = "/majenekab/permintaan-softcopy/baru"
    missing = submit(siti, form, {"title": "", "year": "abcd", "purpose": "x"})
    text = visible_text(missing.data)
    assert "Tulis judul publikasi yang Anda minta." in text
    assert "Tahun harus empat angka antara 1900 dan 2100, misalnya 2023." in text
    assert "Tujuan penggunaan 5–1.000 karakter." in text
    response = submit(siti, form, {"title": "Statistik Daerah Kecamatan Banggae 2015", "year": "2015",
                                   "purpose": "Perbandingan data kecamatan."})
    case_id = case_id_from(response)
    staff = client_of("staf.majene@bps.go.id")
    url = f"/majenekab/staf/permintaan/{case_id}"
    token = csrf_from(staff.get(url).data)
    for value, message in [("", "Unggah PDF softcopy-nya, atau tulis nomor publikasi di katalog."),
                           ("12abc", "Tulis nomor publikasi berupa angka, misalnya 12."),
                           ("99999999999999999999", "Tulis nomor publikasi berupa angka, misalnya 12."),
                           (str(catalogue["Kota Sawahlunto Dalam Angka 2024"]),
                            "Tidak ada publikasi dengan nomor itu di katalog kantor ini."),
                           (str(catalogue[TERNAK]), "Publikasi itu belum memiliki softcopy.")]:
        refused = staff.post(f"{url}/penuhi", data={"csrf_token": token, "publication_id": value})
        assert refused.status_code == 400 and message in visible_text(refused.data), value
    ok = staff.post(f"{url}/penuhi", data={"csrf_token": token, "publication_id": str(catalogue[MAJENE_2024])})
    assert ok.status_code == 303
    again = staff.post(f"{url}/penuhi", data={"csrf_token": token, "publication_id": str(catalogue[MAJENE_2024])})
    assert "sudah dipenuhi dengan berkas yang sama" in visible_text(staff.get(again.headers["Location"]).data)
    ready = [m for m in smtp_server.to("pengguna@contoh.id")
             if m["Subject"] == "Softcopy yang Anda minta sudah tersedia"]
    assert len(ready) == 1  # a double submit sends one email
    served = siti.post(f"/akun/permintaan/{case_id}/unduh",
                       data={"csrf_token": csrf_from(siti.get(f"/akun/permintaan/{case_id}/unduh").data)},
                       follow_redirects=True)
    reader = PdfReader(io.BytesIO(served.data))
    assert len(reader.pages) == 3 and "pengguna@contoh.id" in squash(reader.pages[2].extract_text())
    with app.app_context():
        assert db.session.scalars(select(SoftcopyAccess)).one().publication_id == catalogue[MAJENE_2024]


def test_a_softcopy_online_needs_no_request_and_unverified_users_are_asked_to_verify(app, catalogue, make_user,
                                                                                   client_of):
    siti = client_of("pengguna@contoh.id")
    response = siti.get(f"/majenekab/permintaan-softcopy/baru?publikasi={catalogue[MAJENE_2024]}")
    assert response.status_code == 303 and response.headers["Location"] == f"/majenekab/katalog/{catalogue[MAJENE_2024]}"
    assert siti.get("/majenekab/permintaan-softcopy/baru?publikasi=abc").status_code == 404
    assert siti.get(f"/sawahluntokota/permintaan-softcopy/baru?publikasi={catalogue[TERNAK]}").status_code == 404
    make_user(email="baru@contoh.id", verified=False)
    text = visible_text(client_of("baru@contoh.id").get("/majenekab/permintaan-softcopy/baru").data)
    assert "Verifikasi email Anda dahulu" in text


def test_decline_with_a_reason(app, catalogue, client_of, submit, smtp_server):
    siti = client_of("pengguna@contoh.id")
    case_id = case_id_from(submit(siti, "/majenekab/permintaan-softcopy/baru",
                                  {"title": "Rahasia Negara 1999", "purpose": "Ingin tahu saja."}))
    staff = client_of("staf.majene@bps.go.id")
    url = f"/majenekab/staf/permintaan/{case_id}"
    token = csrf_from(staff.get(url).data)
    assert "Tulis alasan penolakan." in visible_text(staff.post(f"{url}/tolak", data={"csrf_token": token}).data)
    staff.post(f"{url}/tolak", data={"csrf_token": token, "reason": "Publikasi ini tidak pernah terbit."})
    email = smtp_server.last_to("pengguna@contoh.id")
    assert email["Subject"] == "Permintaan softcopy Anda tidak dapat dipenuhi"
    assert "Publikasi ini tidak pernah terbit." in smtp_server.text(email)
    assert "Ditolak" in visible_text(siti.get(f"/akun/permintaan/{case_id}").data)


# ------------------------------------------------------------------ consultations


def test_a_consultation_from_a_search_that_found_nothing(app, catalogue, client_of, submit, smtp_server):
    siti = client_of("pengguna@contoh.id")
    page = siti.get("/majenekab/katalog?q=kapal+selam")
    text = visible_text(page.data)
    assert "Tidak ada hasil" in text and "mailto:" not in page.get_data(as_text=True)
    links = dict(read_page(page.data).links)
    assert links["Ajukan konsultasi ke BPS Kabupaten Majene"] == "/majenekab/konsultasi/baru?q=kapal+selam"
    form = siti.get(links["Ajukan konsultasi ke BPS Kabupaten Majene"])
    assert 'value="kapal selam"' in form.get_data(as_text=True)
    response = submit(siti, "/majenekab/konsultasi/baru", {
        "query": "kapal selam", "question": "Adakah data jumlah kapal nelayan per kecamatan 2020–2024?"},
        form_url="/majenekab/konsultasi/baru?q=kapal+selam")
    case_id = case_id_from(response)
    staff_mail = smtp_server.last_to("staf.majene@bps.go.id")
    assert staff_mail["Subject"] == "Konsultasi baru di BPS Kabupaten Majene"

    # Staff answer: the user is emailed, and replies; staff are emailed back.
    staff = client_of("staf.majene@bps.go.id")
    url = f"/majenekab/staf/permintaan/{case_id}"
    assert "Pencarian “kapal selam”" in visible_text(staff.get(url).data)
    submit(staff, url, {"body": "Data kapal ada di Statistik Perikanan, hal. 12.", "status": "answered"})
    mail = smtp_server.last_to("pengguna@contoh.id")
    assert mail["Subject"] == "Tanggapan atas konsultasi Anda"
    assert "Data kapal ada di Statistik Perikanan, hal. 12." in smtp_server.text(mail)
    assert smtp_server.link(mail, "/akun/permintaan/").endswith(f"/akun/permintaan/{case_id}")
    thread = visible_text(siti.get(f"/akun/permintaan/{case_id}").data)
    assert "Dijawab" in thread and "Data kapal ada di Statistik Perikanan" in thread
    submit(siti, f"/akun/permintaan/{case_id}", {"body": "Terima kasih, apakah ada per desa?"})
    reply = smtp_server.last_to("staf.majene@bps.go.id")
    assert reply["Subject"] == "Balasan baru pada konsultasi di BPS Kabupaten Majene"
    assert "apakah ada per desa?" in smtp_server.text(reply)
    assert [c.status for c in cases(app)] == ["in_progress"]  # back to staff
    # Close: the user is told, and cannot reply any more.
    staff.post(f"{url}/tutup", data={"csrf_token": csrf_from(staff.get(url).data)})
    assert smtp_server.last_to("pengguna@contoh.id")["Subject"] == "Konsultasi Anda telah selesai"
    page = visible_text(siti.get(f"/akun/permintaan/{case_id}").data)
    assert "Permintaan ini sudah selesai." in page and "Kirim pesan" not in page
    token = csrf_from(siti.get("/majenekab/pengaduan").data)
    siti.post(f"/akun/permintaan/{case_id}", data={"csrf_token": token, "body": "Masih ada?"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CaseMessage)
                                 .where(CaseMessage.body == "Masih ada?")) == 0


def test_a_consultation_from_the_search_of_every_office(app, catalogue, client_of):
    siti = client_of("pengguna@contoh.id")
    page = siti.get("/katalog?q=kapal+selam")
    assert 'action="/konsultasi"' in page.get_data(as_text=True)
    response = siti.get("/konsultasi?kantor=bengkulu&q=kapal+selam")
    assert response.headers["Location"] == "/bengkulu/konsultasi/baru?q=kapal+selam"
    assert siti.get("/konsultasi?kantor=../../etc").headers["Location"].startswith("/katalog")


def test_replies_and_requests_are_checked(app, catalogue, client_of, submit):
    siti = client_of("pengguna@contoh.id")
    for data, message in [({"question": ""}, "Tulis pertanyaan Anda."),
                          ({"question": "pendek"}, "Pertanyaan 10–5.000 karakter."),
                          ({"question": "x" * 5001}, "Pertanyaan 10–5.000 karakter."),
                          ({"question": "Cukup panjang ya", "query": "q" * 201}, "Kata kunci paling panjang 200 karakter.")]:
        response = submit(siti, "/majenekab/konsultasi/baru", data)
        assert response.status_code == 200 and message in visible_text(response.data)
    assert cases(app) == []


# ------------------------------------------------------------------ complaints


def test_an_anonymous_complaint_with_a_tracking_code(app, client, client_of, submit, smtp_server):
    page = visible_text(client.get("/majenekab/pengaduan").data)
    # The office's official channels beside the form.
    for channel in ("SP4N-LAPOR", "www.lapor.go.id", "bps7601@bps.go.id", "0822-1000-7601",
                    "Kotak saran dan pengaduan pada unit PST BPS Kabupaten Majene"):
        assert channel in page
    response = submit(client, "/majenekab/pengaduan", {
        "text": "Petugas tidak ada di meja layanan pukul 10.00.", "name": "Ahmad", "email": "Ahmad@Contoh.ID"})
    assert response.status_code == 303
    location = response.headers["Location"]
    code = location.rsplit("/", 1)[1]
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}", code)
    status = client.get(location)
    assert status.headers["Cache-Control"] == "private, no-store"
    text = visible_text(status.data)
    assert f"Kode pelacakan: {code}" in text and "Baru" in text and "Belum ada tanggapan" in text
    # No personal data on the status page: not the name, the address or the complaint itself.
    for private in ("Ahmad", "ahmad@contoh.id", "Petugas tidak ada di meja"):
        assert private not in visible_text(app.test_client().get(location).data)
    receipt = smtp_server.last_to("ahmad@contoh.id")
    assert receipt["Subject"] == "Pengaduan Anda telah diterima"
    assert code in smtp_server.text(receipt) and "Petugas tidak ada" not in smtp_server.text(receipt)

    staff = client_of("staf.majene@bps.go.id")
    [case] = cases(app)
    url = f"/majenekab/staf/permintaan/{case.id}"
    assert "Ahmad <ahmad@contoh.id> (tanpa akun)" in visible_text(staff.get(url).data)
    submit(staff, url, {"body": "Mohon maaf, petugas sedang rapat. Kami menambah petugas cadangan.",
                        "status": "closed"})
    answered = visible_text(app.test_client().get(location).data)
    assert "Selesai" in answered and "Kami menambah petugas cadangan." in answered
    mail = smtp_server.last_to("ahmad@contoh.id")
    assert mail["Subject"] == "Pengaduan Anda telah selesai" and "petugas cadangan" in smtp_server.text(mail)
    assert smtp_server.link(mail, "/pengaduan/").endswith(location)
    # The code works typed in lower case and with spaces; a wrong one is a clear 404.
    lookup = client.get("/majenekab/pengaduan/lacak", query_string={"kode": code.lower().replace("-", " ")})
    assert lookup.headers["Location"] == location
    wrong = client.get("/majenekab/pengaduan/AAAA-BBBB-CCCC-DDDD")
    assert wrong.status_code == 404 and "Kode pengaduan tidak ditemukan" in visible_text(wrong.data)
    assert client.get(location.replace("/majenekab/", "/sawahluntokota/")).status_code == 404
    bad = client.get("/majenekab/pengaduan/lacak", query_string={"kode": "<script>"})
    assert "Kode pelacakan terdiri dari 16 huruf dan angka" in visible_text(client.get(bad.headers["Location"]).data)


def test_a_complaint_without_contact_and_one_from_an_account(app, client, client_of, submit, smtp_server):
    submit(client, "/majenekab/pengaduan", {"text": "Toilet pengunjung rusak sejak minggu lalu."})
    siti = client_of("pengguna@contoh.id")
    submit(siti, "/majenekab/pengaduan", {"text": "Wi-Fi ruang baca sering putus."})
    submit(siti, "/majenekab/pengaduan", {"text": "Saya ingin anonim untuk keluhan ini.", "anonymous": "y"})
    first, mine, anonymous = cases(app)
    assert (first.user_id, first.contact_email) == (None, None)
    assert mine.user_id is not None and mine.contact_email is None
    assert anonymous.user_id is None
    # Only the complaint sent with the account is in Akun saya.
    account = visible_text(siti.get("/akun/").data)
    assert "Permintaan dan konsultasi" in account and "Wi-Fi ruang baca" in account and "ingin anonim" not in account
    assert smtp_server.last_to("pengguna@contoh.id")["Subject"] == "Pengaduan Anda telah diterima"


@pytest.mark.parametrize("data, message", [
    ({"text": ""}, "Tulis isi pengaduan Anda."),
    ({"text": "singkat"}, "Isi pengaduan 10–5.000 karakter."),
    ({"text": "y" * 5001}, "Isi pengaduan 10–5.000 karakter."),
    ({"text": "Keluhan yang cukup panjang", "email": "bukan-email"}, "Alamat email tidak valid."),
    ({"text": "Keluhan yang cukup panjang", "name": "n" * 121}, "Nama paling panjang 120 karakter."),
])
def test_complaint_input_is_checked_and_kept(app, client, submit, data, message):
    response = submit(client, "/majenekab/pengaduan", data)
    assert response.status_code == 200
    assert message in visible_text(response.data)
    if data.get("email"):
        assert 'value="bukan-email"' in response.get_data(as_text=True)
    assert cases(app) == []


def test_a_double_submit_creates_one_case_and_a_bot_none(app, client, submit):
    html = client.get("/majenekab/pengaduan").get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "text": "Antrean terlalu lama hari ini.",
            "form_token": re.search(r'name="form_token" type="hidden" value="([^"]*)"', html).group(1)}
    first, second = client.post("/majenekab/pengaduan", data=data), client.post("/majenekab/pengaduan", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(cases(app)) == 1
    bot = submit(app.test_client(), "/majenekab/pengaduan", {"text": "Beli obat murah di sini!!!", "website": "x"})
    assert bot.status_code == 303 and len(cases(app)) == 1


def test_status_lookups_are_rate_limited(make_app, mail_config):
    app = make_app(LIMIT_FEEDBACK_CODE_PER_IP="3 per minute", **mail_config)
    client = app.test_client()
    for _ in range(3):
        assert client.get("/majenekab/pengaduan/AAAA-BBBB-CCCC-DDDD").status_code == 404
    assert client.get("/majenekab/pengaduan/AAAA-BBBB-CCCC-EEEE").status_code == 429


# ------------------------------------------------------------------ the inbox


def test_one_inbox_with_filters_ages_counts_and_csv(app, catalogue, client_of, submit, clock):
    clock.set(2026, 3, 2, 9, 0, zone="Asia/Makassar")
    submit(client_of("pengguna@contoh.id"), "/majenekab/konsultasi/baru", {"question": "Data penduduk per desa 2023?"})
    clock.advance(days=2)
    siti = client_of("pengguna@contoh.id")  # a new login: sessions end after a while
    submit(app.test_client(), "/majenekab/pengaduan", {"text": "=cmd|' /C calc'!A0 keluhan"})
    submit(siti, "/majenekab/permintaan-softcopy/baru", {"title": "Majene Dalam Angka 2010", "purpose": "Riset."})
    submit(siti, "/sawahluntokota/pengaduan", {"text": "Keluhan untuk kantor lain."})
    clock.advance(days=3)
    staff = client_of("staf.majene@bps.go.id")
    text = visible_text(staff.get("/majenekab/staf/permintaan").data)
    assert "3 menunggu petugas" in text and "Keluhan untuk kantor lain" not in text
    assert text.index("Data penduduk per desa") < text.index("Majene Dalam Angka 2010")  # longest waiting first
    assert "5 hari" in text and "3 hari" in text
    only = visible_text(staff.get("/majenekab/staf/permintaan?jenis=complaint").data)
    assert "keluhan" in only and "Data penduduk" not in only
    old = visible_text(staff.get("/majenekab/staf/permintaan?umur=3").data)
    assert "Data penduduk" in old and "Majene Dalam Angka 2010" not in old
    for odd in ("?jenis=<script>", "?status=9999999999999999999", "?umur=-1", "?page=99999999999999999999"):
        assert staff.get("/majenekab/staf/permintaan" + odd).status_code == 200
    # CSV: every row of the filter, formulas neutralised, no email addresses.
    body = staff.get("/majenekab/staf/permintaan.csv?status=semua").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["kode", "jenis", "status"] and len(rows) == 4
    assert any(r[8].startswith("'=cmd") for r in rows[1:])
    assert "pengguna@contoh.id" not in body
    # The staff home shows the open count; the other office's count is its own.
    assert "Permintaan dan pengaduan 3 terbuka" in visible_text(staff.get("/majenekab/staf/").data)
    other = client_of("staf.sawahlunto@bps.go.id")
    assert "Permintaan dan pengaduan 1 terbuka" in visible_text(other.get("/sawahluntokota/staf/").data)


def test_ages_against_the_promise_an_office_profile_gives(make_app, mail_config, tmp_path, make_user, clock, submit):
    folder = tmp_path / "offices"
    shutil.copytree(OFFICES_DIR, folder)
    profile = folder / "majenekab.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + "requests:\n  promise_days: 3\n", encoding="utf-8")
    app = make_app(OFFICES_DIR=str(folder), **mail_config)
    clock.set(2026, 3, 2, 9, 0, zone="Asia/Makassar")
    submit(app.test_client(), "/majenekab/pengaduan", {"text": "Keluhan pertama yang lama."})
    clock.advance(days=4)
    submit(app.test_client(), "/majenekab/pengaduan", {"text": "Keluhan kedua yang baru."})
    with app.app_context():
        from app.accounts.models import User
        from app.clock import utcnow_naive

        staff = User(name="Staf", email="staf@bps.go.id", role="staff", office="majenekab", verified_at=utcnow_naive())
        staff.set_password("rahasia-123")
        db.session.add(staff)
        db.session.commit()
    client = app.test_client()
    from tests.helpers import login
    login(client, "staf@bps.go.id")
    text = visible_text(client.get("/majenekab/staf/permintaan").data)
    assert "Janji layanan: ditanggapi dalam 3 hari." in text
    assert text.count("lewat janji layanan") == 1
    late = visible_text(client.get("/majenekab/staf/permintaan?umur=janji").data)
    assert "Keluhan pertama" in late and "Keluhan kedua" not in late
