"""Who may open what: staff of one office can neither see nor act on another office's items,
users see only their own, every route is covered, GET changes nothing, and hostile input
gets an answer, never a 500."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.feedback.models import Bookmark, Case, CaseMessage, PublicationRating, SurveyResponse
from tests.helpers import csrf_from

MAJENE_2024 = "Kabupaten Majene Dalam Angka 2024"
TERNAK = "Statistik Peternakan Kabupaten Majene 2019"


@pytest.fixture
def items(app, catalogue, client_of, submit):
    """A softcopy request of Siti to Majene and a complaint to Sawahlunto, fulfilled / open."""
    siti = client_of("pengguna@contoh.id")
    response = submit(siti, f"/majenekab/permintaan-softcopy/baru?publikasi={catalogue[TERNAK]}",
                      {"purpose": "Untuk penelitian pakan ternak."})
    majene_case = int(response.headers["Location"].rsplit("/", 1)[1])
    staff = client_of("staf.majene@bps.go.id")
    url = f"/majenekab/staf/permintaan/{majene_case}"
    staff.post(f"{url}/penuhi", data={"csrf_token": csrf_from(staff.get(url).data),
                                     "publication_id": str(catalogue[MAJENE_2024])})
    location = submit(siti, "/sawahluntokota/pengaduan", {"text": "Ruang baca Sawahlunto terlalu panas."}).headers["Location"]
    with app.app_context():
        other_case = db.session.scalars(select(Case).where(Case.office == "sawahluntokota")).one().id
    return {"majene_case": majene_case, "sawahlunto_case": other_case, "code": location.rsplit("/", 1)[1],
            "publication": catalogue[MAJENE_2024]}


def rules(app, blueprint):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith(blueprint + ".")]


def fill(rule, values) -> str:
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(value), path)
    assert "<" not in path, path
    return path


def test_every_staff_route_refuses_staff_of_another_office_and_users(app, items, client_of):
    values = {"office_slug": "majenekab", "case_id": items["majene_case"]}
    foreign, user, visitor = (client_of("staf.sawahlunto@bps.go.id"), client_of("pengguna@contoh.id"),
                              app.test_client())
    tokens = {client: csrf_from(client.get("/majenekab/pengaduan").data) for client in (foreign, user, visitor)}
    staff_rules = rules(app, "feedback_staff")
    assert len(staff_rules) == 9
    for rule in staff_rules:
        url = fill(rule, values)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            for client, status in ((foreign, 403), (user, 403), (visitor, 302)):
                data = ({"csrf_token": tokens[client], "body": "x" * 20, "reason": "x" * 20}
                        if method == "POST" else None)
                assert client.open(url, method=method, data=data).status_code == status, (method, url)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CaseMessage)
                                 .where(CaseMessage.body == "x" * 20)) == 0


def test_a_case_of_another_office_is_not_found_from_ones_own(app, items, client_of):
    majene = client_of("staf.majene@bps.go.id")
    token = csrf_from(majene.get("/majenekab/staf/permintaan").data)
    other = items["sawahlunto_case"]
    for suffix, method in (("", "GET"), ("", "POST"), ("/penuhi", "POST"), ("/tolak", "POST"), ("/tutup", "POST")):
        url = f"/majenekab/staf/permintaan/{other}{suffix}"
        response = majene.open(url, method=method, data={"csrf_token": token, "body": "Bukan urusan kami",
                                                         "reason": "Bukan urusan kami"})
        assert response.status_code == 404, (method, url)
    assert "Ruang baca Sawahlunto" not in majene.get("/majenekab/staf/permintaan?status=semua").get_data(as_text=True)
    assert "Ruang baca Sawahlunto" not in majene.get("/majenekab/staf/permintaan.csv?status=semua").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Case, other).status == "open"
    # An administrator sees every office, each from its own pages.
    admin = client_of("admin@bps.go.id")
    assert admin.get(f"/sawahluntokota/staf/permintaan/{other}").status_code == 200
    assert admin.get(f"/majenekab/staf/permintaan/{other}").status_code == 404


def test_users_see_only_their_own_cases(app, items, client_of):
    budi = client_of("lain@contoh.id")
    case_id = items["majene_case"]
    token = csrf_from(budi.get("/majenekab/pengaduan").data)
    account_rules = rules(app, "feedback_account")
    assert len(account_rules) == 6
    for rule in account_rules:
        url = fill(rule, {"case_id": case_id, "token": "AAAAAAAAAA"})
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = budi.open(url, method=method, data={"csrf_token": token, "body": "Saya ikut membalas"})
            if "<" in rule.rule:
                assert response.status_code == 404, (method, url)
            else:
                assert response.status_code == 200 and "Untuk penelitian" not in response.get_data(as_text=True)
    assert app.test_client().get(f"/akun/permintaan/{case_id}").status_code == 302
    # A complaint's status page is by code only, in its own office, without the complaint's text.
    assert app.test_client().get(f"/majenekab/pengaduan/{items['code']}").status_code == 404
    public = app.test_client().get(f"/sawahluntokota/pengaduan/{items['code']}")
    assert public.status_code == 200 and "Ruang baca" not in public.get_data(as_text=True)


def test_get_changes_nothing(app, items, client_of):
    def counts():
        with app.app_context():
            return [db.session.scalar(select(func.count()).select_from(m))
                    for m in (Case, CaseMessage, SurveyResponse, PublicationRating, Bookmark)]

    before = counts()
    staff, user = client_of("staf.majene@bps.go.id"), client_of("pengguna@contoh.id")
    args = {"body": "GET bukan POST", "text": "GET bukan POST", "stars": "5", "q1": "4", "status": "closed",
            "reason": "x", "publication_id": "1", "purpose": "tidak", "question": "tidak sama sekali"}
    for blueprint, client in (("feedback", user), ("feedback_staff", staff), ("feedback_account", user),
                              ("feedback_site", user)):
        for rule in rules(app, blueprint):
            if "GET" in rule.methods:
                url = fill(rule, {"office_slug": "majenekab", "case_id": items["majene_case"],
                                  "publication_id": items["publication"], "code": items["code"],
                                  "token": "AAAAAAAAAA"})
                assert client.get(url, query_string=args).status_code < 500, url
    assert counts() == before
    with app.app_context():
        assert db.session.get(Case, items["majene_case"]).status == "fulfilled"


HOSTILE = ["", " ", "x" * 100_000, "<script>alert(1)</script>", "' OR 1=1 --", "\u202e\u0000\ufffd😀",
           "9" * 400, "-1", "1e309", "../../etc/passwd", "%00", "Ω≈ç√∫˜µ≤≥÷",
           "Teks yang cukup panjang dengan \x00 NUL dan \x1b[31m escape di tengahnya"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_input_never_breaks_a_form(app, items, client_of, value):
    user, staff, visitor = client_of("pengguna@contoh.id"), client_of("staf.majene@bps.go.id"), app.test_client()
    case = items["majene_case"]
    fields = ("text", "name", "email", "question", "query", "title", "year", "purpose", "problem", "stars",
              "review", "body", "status", "reason", "publication_id", "note", "suggestion", "gender", "age_group",
              "education", "occupation", "respondent", "form_token", "website", "anonymous", "next",
              *[f"q{i}" for i in range(1, 10)])
    targets = [
        (visitor, "/majenekab/survei"), (visitor, "/majenekab/pengaduan"), (user, "/majenekab/survei"),
        (user, "/majenekab/konsultasi/baru"), (user, "/majenekab/permintaan-softcopy/baru"),
        (user, f"/majenekab/katalog/{items['publication']}/laporkan"),
        (user, f"/majenekab/katalog/{items['publication']}/penilaian"),
        (user, f"/majenekab/katalog/{items['publication']}/tandai"),
        (user, f"/akun/permintaan/{case}"), (user, f"/akun/permintaan/{case}/unduh"),
        (staff, f"/majenekab/staf/permintaan/{case}"), (staff, f"/majenekab/staf/permintaan/{case}/penuhi"),
        (staff, f"/majenekab/staf/permintaan/{case}/tolak"),
    ]
    for client, url in targets:
        token = csrf_from(client.get("/majenekab/pengaduan").data)
        response = client.post(url, data={"csrf_token": token, **{f: value for f in fields}})
        assert response.status_code in (200, 303, 400, 404, 410, 429), (url, response.status_code)
        if response.status_code == 200:
            assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    for url in ("/majenekab/ikm", "/majenekab/ikm/cetak", "/majenekab/staf/survei", "/majenekab/staf/permintaan",
                "/majenekab/pengaduan/lacak", "/konsultasi", "/majenekab/staf/survei/jawaban.csv"):
        response = staff.get(url, query_string={"periode": value, "page": value, "jenis": value, "status": value,
                                                "umur": value, "kode": value, "kantor": value, "q": value})
        assert response.status_code < 500, url
    assert staff.get(f"/majenekab/pengaduan/{value[:200] or 'x'}").status_code in (404, 429)


def test_a_publication_is_only_reached_through_its_own_office(app, items, client_of):
    user = client_of("pengguna@contoh.id")
    token = csrf_from(user.get("/majenekab/pengaduan").data)
    publication_rules = [r for r in rules(app, "feedback") if "publication_id" in r.arguments]
    assert len(publication_rules) >= 5
    for rule in publication_rules:
        url = fill(rule, {"office_slug": "sawahluntokota", "publication_id": items["publication"]})
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = user.open(url, method=method, data={"csrf_token": token, "stars": "5", "problem": "file"})
            assert response.status_code == 404, (method, url)
    assert user.get(f"/sawahluntokota/permintaan-softcopy/baru?publikasi={items['publication']}").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PublicationRating)) == 0
        assert db.session.scalar(select(func.count()).select_from(Bookmark)) == 0


def test_control_characters_are_dropped_not_stored(app, client, submit):
    response = submit(client, "/majenekab/pengaduan", {"text": "Lampu \x00ruang baca\u202e mati\x07 sejak Senin.\nTolong."})
    assert response.status_code == 303
    with app.app_context():
        [case] = db.session.scalars(select(Case)).all()
        assert case.messages[0].body == "Lampu ruang baca mati sejak Senin.\nTolong."
