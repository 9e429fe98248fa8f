"""The feedback feature's share of a person's data: all of it in the export; on erasure the
ratings and survey answers stay anonymous for statistics, bookmarks go, and requests and
complaints are anonymised so the office's counts stay true."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from app.extensions import db
from app.feedback.models import Bookmark, Case, CaseMessage, PublicationRating, RatingSummary, SurveyResponse
from tests.helpers import csrf_from, visible_text

MAJENE_2024 = "Kabupaten Majene Dalam Angka 2024"


def test_export_then_erase(app, catalogue, client_of, submit, answers, clock):
    clock.set(2026, 2, 10, 9, 0, zone="Asia/Makassar")
    pid = catalogue[MAJENE_2024]
    siti = client_of("pengguna@contoh.id")
    submit(siti, "/majenekab/survei", {**answers(3), "suggestion": "Perbanyak kursi."})
    submit(siti, f"/majenekab/katalog/{pid}/penilaian", {"stars": "5", "review": "Datanya lengkap sekali."})
    submit(client_of("lain@contoh.id"), f"/majenekab/katalog/{pid}/penilaian", {"stars": "3"})
    siti.post(f"/majenekab/katalog/{pid}/tandai", data={"csrf_token": csrf_from(siti.get("/majenekab/pengaduan").data)})
    consultation = submit(siti, "/majenekab/konsultasi/baru", {"question": "Data nelayan Kecamatan Banggae?"})
    case_id = int(consultation.headers["Location"].rsplit("/", 1)[1])
    submit(siti, "/majenekab/pengaduan", {"text": "Parkir motor penuh setiap pagi."})
    # A complaint sent without the account but with her verified address is hers too.
    submit(app.test_client(), "/majenekab/pengaduan", {"text": "Saya Siti, nomor HP 0812xxxx.",
                                                      "name": "Siti R.", "email": "pengguna@contoh.id"})
    staff = client_of("staf.majene@bps.go.id")
    submit(staff, f"/majenekab/staf/permintaan/{case_id}", {"body": "Ada di Statistik Perikanan.", "status": "answered"})

    data = json.loads(siti.get("/akun/data-saya.json").data)
    [survey] = data["satisfaction_survey"]
    assert survey["answers"] == [3] * 9 and survey["suggestion"] == "Perbanyak kursi." and survey["office"] == "majenekab"
    [rating] = data["publication_ratings"]
    assert (rating["stars"], rating["review"], rating["publication_title"]) == (5, "Datanya lengkap sekali.", MAJENE_2024)
    assert [b["publication_title"] for b in data["bookmarks"]] == [MAJENE_2024]
    cases = data["requests_and_complaints"]["cases"]
    assert [c["kind"] for c in cases] == ["consultation", "complaint", "complaint"]
    assert cases[0]["messages"][1]["text"] == "Ada di Statistik Perikanan."
    assert cases[2]["contact_email"] == "pengguna@contoh.id"
    staff_data = json.loads(staff.get("/akun/data-saya.json").data)
    assert [m["text"] for m in staff_data["requests_and_complaints"]["written_as_staff"]] == ["Ada di Statistik Perikanan."]

    response = submit(siti, "/akun/hapus", {"current_password": "rahasia-123", "confirm": "y"})
    assert response.status_code == 303
    with app.app_context():
        # Survey answers stay, linked to nobody; the index counts them still.
        [row] = db.session.scalars(select(SurveyResponse)).all()
        assert row.respondent_key is None and row.answers() == (3,) * 9
        # The stars stay in the average, without the person or the review.
        ratings = db.session.scalars(select(PublicationRating).order_by(PublicationRating.stars)).all()
        assert [(r.stars, r.user_id is None, r.review) for r in ratings] == [(3, False, None), (5, True, None)]
        assert db.session.get(RatingSummary, pid).average == 4.0
        assert db.session.scalar(select(func.count()).select_from(Bookmark)) == 0
        # Every case stays (the office's counts), with nothing that names her.
        rows = db.session.scalars(select(Case).order_by(Case.id)).all()
        assert len(rows) == 3
        for case in rows:
            assert (case.user_id, case.contact_name, case.contact_email) == (None, None, None)
            assert case.anonymised_at is not None and case.subject == case.kind_label
            for message in case.messages:
                if message.author == "requester":
                    assert message.body == "(dihapus atas permintaan pemilik data)"
        assert rows[0].messages[1].body == "Ada di Statistik Perikanan."  # the office's answer stays
    # Staff still count three cases, and the IKM its respondent.
    assert "Siti" not in visible_text(staff.get("/majenekab/staf/permintaan?status=semua").data)
    assert "Jumlah responden 1 orang" in visible_text(app.test_client().get("/majenekab/ikm").data)


def test_a_staff_members_erasure_keeps_the_offices_answers(app, catalogue, client_of, submit, make_user):
    make_user(email="staf2@bps.go.id", name="Staf Kedua", role="staff", office="majenekab")
    siti = client_of("pengguna@contoh.id")
    case_id = int(submit(siti, "/majenekab/konsultasi/baru", {"question": "Ada data curah hujan?"})
                  .headers["Location"].rsplit("/", 1)[1])
    staff = client_of("staf2@bps.go.id")
    submit(staff, f"/majenekab/staf/permintaan/{case_id}", {"body": "Ada di publikasi Dalam Angka."})
    submit(staff, "/akun/hapus", {"current_password": "rahasia-123", "confirm": "y"})
    with app.app_context():
        message = db.session.scalars(select(CaseMessage).where(CaseMessage.author == "staff")).one()
        assert message.staff_user_id is None and message.body == "Ada di publikasi Dalam Angka."
    assert "Ada di publikasi Dalam Angka." in visible_text(siti.get(f"/akun/permintaan/{case_id}").data)
