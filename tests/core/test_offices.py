"""Office profiles: the five seed offices load, and every kind of error is reported."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from app import ConfigurationError, create_app
from app.commands import offices as offices_cli
from app.offices import ProfileError, check_folder, load_offices, parse_profile
from tests.helpers import OFFICES_DIR

SEED_OFFICES = {
    "majenekab": ("7601", "Asia/Makassar"),
    "musibanyuasinkab": ("1606", "Asia/Jakarta"),
    "sawahluntokota": ("1373", "Asia/Jakarta"),
    "bengkulu": ("1700", "Asia/Jakarta"),
    "pasamankab": ("1309", "Asia/Jakarta"),
}


@pytest.fixture
def profile():
    """A valid profile as parsed YAML, to break in each test."""
    data = yaml.safe_load((OFFICES_DIR / "musibanyuasinkab.yaml").read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def problems_of(data, file_name="musibanyuasinkab.yaml"):
    office, problems = parse_profile(data, file_name)
    assert office is None, "expected the profile to be rejected"
    return [(p.path, p.message) for p in problems]


def test_the_five_seed_offices_load():
    offices = load_offices(OFFICES_DIR)
    assert set(offices) == set(SEED_OFFICES)
    for slug, (code, zone) in SEED_OFFICES.items():
        assert offices[slug].bps_code == code
        assert offices[slug].timezone == zone


def test_profiles_keep_the_seed_facts():
    offices = load_offices(OFFICES_DIR)
    majene = offices["majenekab"]
    assert majene.standard.sk_number == "014a/KGP TAHUN 2023"
    assert majene.hierarchy[-1] == "Pelayanan Statistik Terpadu BPS Kabupaten Majene"
    assert majene.postcode == "91415" and majene.phone == "082210007601"
    assert [c.kind for c in majene.standard.complaints] == ["box", "web", "email", "sms_whatsapp", "lapor"]
    walk_in = majene.standard.procedure[0]
    assert walk_in.channel == "walk_in"
    nested = walk_in.steps[4]
    assert [s.text for s in nested.steps] == ["Layanan Perpustakaan Tercetak", "Layanan Perpustakaan Digital"]
    assert len(nested.steps[1].steps) == 2
    assert majene.walk_in_promise_minutes == 5

    musi = offices["musibanyuasinkab"]
    assert musi.standard.completion_headline == "20 Menit"
    # Majene's and Sawahlunto's seeds print a stray "0" where the headline would be.
    assert offices["majenekab"].standard.completion_headline is None
    assert offices["sawahluntokota"].standard.completion_headline is None
    assert [o.city for o in offices.values()] == ["Bengkulu", "Majene", "Sekayu", "Lubuk Sikaping", "Sawahlunto"]
    assert [d.name for d in musi.hours] == ["Senin", "Selasa", "Rabu", "Kamis", "Jumat"]
    assert str(musi.hours_for(4).close) == "16:00:00"
    assert musi.hierarchy[-1] == "Pelayanan Statistik Terbaru BPS Kabupaten Musi Banyuasin"
    # 4.b has six sub-steps numbered 1) to 6) in the seed.
    assert len(musi.standard.procedure[0].steps[3].steps[1].steps) == 6

    bengkulu = offices["bengkulu"]
    assert bengkulu.hours == ()  # the seed gives no hours: none invented
    assert bengkulu.walk_in_promise_minutes == 10
    assert bengkulu.email == "bengkulu@bps.go.id" and bengkulu.website is None

    pasaman = offices["pasamankab"]
    assert pasaman.standard.sk_number is None
    assert len(pasaman.standard.procedure[0].steps) == 6
    assert len(pasaman.standard.procedure[1].steps) == 7

    sawahlunto = offices["sawahluntokota"]
    assert len(sawahlunto.standard.requirements[0].steps) == 5
    assert len(sawahlunto.standard.procedure[1].steps) == 8


@pytest.mark.parametrize("mutate, path, message", [
    (lambda d: d.pop("address"), "address", "is required"),
    (lambda d: d["standard"].pop("fees"), "standard.fees", "is required"),
    (lambda d: d.update(name=["a", "b"]), "name", "must be text, got a list"),
    (lambda d: d.update(hierarchy="one line"), "hierarchy", "must be a list"),
    (lambda d: d.update(hierarchy=[]), "hierarchy", "must not be empty"),
    (lambda d: d.update(timezone="Asia/Atlantis"), "timezone", "is not an IANA time zone"),
    (lambda d: d.update(timezone="WIB"), "timezone", "is not an IANA time zone"),
    (lambda d: d["hours"]["friday"].update(open="8.00"), "hours.friday.open", "is not a time HH:MM"),
    (lambda d: d["hours"]["friday"].update(open="25:00"), "hours.friday.open", "is not a time HH:MM"),
    (lambda d: d["hours"]["friday"].update(open=480), "hours.friday.open", "must be a quoted time"),
    (lambda d: d["hours"]["friday"].update(open="17:00"), "hours.friday.close", "must be later than open (17:00)"),
    (lambda d: d["hours"].update(friday={"open": "08:00", "close": "16:00",
                                         "breaks": [{"start": "07:00", "end": "09:00"}]}),
     "hours.friday.breaks[0]", "must lie inside opening hours 08:00-16:00"),
    (lambda d: d["hours"].update(friday={"open": "08:00", "close": "16:00",
                                         "breaks": [{"start": "12:00", "end": "11:00"}]}),
     "hours.friday.breaks[0].end", "must be later than start (12:00)"),
    (lambda d: d["hours"].update(friday={"open": "08:00", "close": "16:00",
                                         "breaks": [{"start": "11:00", "end": "13:00"},
                                                    {"start": "12:00", "end": "14:00"}]}),
     "hours.friday.breaks[1]", "must not overlap"),
    (lambda d: d["hours"].update(funday={"open": "08:00", "close": "16:00"}), "hours.funday", "unknown field"),
    (lambda d: d.update(website="musibanyuasinkab.bps.go.id"), "website", "is not a web address"),
    (lambda d: d.update(website="ftp://example.org"), "website", "is not a web address"),
    (lambda d: d.update(email="pst1606(at)bps.go.id"), "email", "is not an email address"),
    (lambda d: d.update(phone="call us"), "phone", "is not a phone number"),
    (lambda d: d.update(phone="12"), "phone", "is not a phone number"),
    (lambda d: d["standard"]["complaints"][2].update(value="not-an-email"),
     "standard.complaints[2].value", "is not an email address"),
    (lambda d: d["standard"]["complaints"][3].update(value="WA kami"),
     "standard.complaints[3].value", "is not a phone number"),
    (lambda d: d["standard"]["complaints"][0].update(kind="pigeon"),
     "standard.complaints[0].kind", "is not one of"),
    (lambda d: d["standard"]["complaints"][1].update(links=[{"label": "x", "url": "javascript:alert(1)"}]),
     "standard.complaints[1].links[0].url", "is not a web address"),
    (lambda d: d.update(colour="blue"), "colour", "unknown field"),
    (lambda d: d["standard"].update(sk="1"), "standard.sk", "unknown field"),
    (lambda d: d["standard"]["procedure"].update(walk_in=[{"text": "a", "stepz": ["b"]}]),
     "standard.procedure.walk_in[0].stepz", "unknown field"),
    (lambda d: d["standard"]["procedure"].update(walk_in=[{"text": "a", "steps": [["b"]]}]),
     "standard.procedure.walk_in[0].steps[0]", "must be text"),
    (lambda d: d["standard"].update(requirements={}), "standard.requirements", "needs steps for at least one channel"),
    (lambda d: d["standard"]["completion"].update(headline="0"),
     "standard.completion.headline", "'0' is not a duration such as '20 Menit'"),
    (lambda d: d["standard"]["completion"].update(headline="segera"),
     "standard.completion.headline", "is not a duration"),
    (lambda d: d.pop("city"), "city", "is required"),
    (lambda d: d["standard"]["completion"]["walk_in"][0].update(minutes="five"),
     "standard.completion.walk_in[0].minutes", "must be a whole number"),
    (lambda d: d.update(slug="majenekab"), "slug", "must equal the file name 'musibanyuasinkab'"),
    (lambda d: d.update(slug="Musi Banyuasin"), "slug", "is not a slug"),
    (lambda d: d.update(bps_code="16O6"), "bps_code", "is not a four-digit BPS code"),
    (lambda d: d.update(postcode="3071"), "postcode", "is not a five-digit postcode"),
    (lambda d: d.update(level="desa"), "level", "is not one of"),
    (lambda d: d.update(standard="Perpustakaan"), "standard", "must be a mapping"),
])
def test_each_kind_of_error_names_field_and_problem(profile, mutate, path, message):
    mutate(profile)
    problems = problems_of(profile)
    assert any(p == path and message in m for p, m in problems), problems


@pytest.mark.parametrize("slug", ["static", "staf", "akun", "katalog"])
def test_an_office_named_like_a_page_of_the_site_stops_the_app(tmp_path, profile, slug):
    """Reserved words come from the URL map, so a feature's new paths are reserved at once."""
    profile["slug"] = slug
    folder = tmp_path / "offices"
    folder.mkdir()
    (folder / f"{slug}.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        create_app({"APP_ENV": "testing", "OFFICES_DIR": str(folder), "INSTANCE_PATH": tmp_path / "instance",
                    "SEARCH_SYNC_ON_START": False})
    assert f"{slug}.yaml: slug: '{slug}' is a path of the site's own pages" in str(caught.value)


def test_all_problems_of_a_file_are_reported_at_once(profile):
    profile.pop("address")
    profile["timezone"] = "Mars/Olympus"
    paths = {p for p, _ in problems_of(profile)}
    assert {"address", "timezone"} <= paths


def write_folder(tmp_path, files: dict[str, str | bytes]) -> Path:
    folder = tmp_path / "offices"
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    return folder


def test_folder_errors_name_the_file(tmp_path, profile):
    good = (OFFICES_DIR / "majenekab.yaml").read_text(encoding="utf-8")
    twin = good.replace("slug: majenekab", "slug: majene-kembar")
    folder = write_folder(tmp_path, {
        "majenekab.yaml": good,
        "majene-kembar.yaml": twin,  # same BPS code as majenekab
        "rusak.yaml": "slug: rusak\nname: [unclosed\n",
        "latin1.yaml": "name: Caf\xe9".encode("latin-1"),
    })
    offices, problems = check_folder(folder)
    text = "\n".join(map(str, problems))
    assert "offices/rusak.yaml: line 3, column 1: is not valid YAML" in text
    assert "offices/latin1.yaml: is not UTF-8 text" in text
    assert "offices/majenekab.yaml: bps_code: 7601 is already used by offices/majene-kembar.yaml" in text
    assert list(offices) == ["majene-kembar"]


def test_empty_folder_is_an_error(tmp_path):
    with pytest.raises(ProfileError, match="holds no office profiles"):
        load_offices(write_folder(tmp_path, {}))


def broken_folder(tmp_path) -> Path:
    text = (OFFICES_DIR / "bengkulu.yaml").read_text(encoding="utf-8")
    return write_folder(tmp_path, {
        "bengkulu.yaml": text.replace("timezone: Asia/Jakarta", "timezone: Asia/Bengkulu"),
        "majenekab.yaml": (OFFICES_DIR / "majenekab.yaml").read_text(encoding="utf-8"),
    })


def test_create_app_stops_on_a_broken_profile(tmp_path):
    folder = broken_folder(tmp_path)
    with pytest.raises(ProfileError) as caught:
        create_app({"APP_ENV": "testing", "OFFICES_DIR": str(folder),
                    "INSTANCE_PATH": tmp_path / "instance"})
    assert str(caught.value) == (
        "offices/bengkulu.yaml: timezone: 'Asia/Bengkulu' is not an IANA time zone (e.g. Asia/Jakarta)")


def test_offices_check_command(tmp_path):
    from click.testing import CliRunner

    result = CliRunner().invoke(offices_cli, ["check", "--dir", str(OFFICES_DIR)])
    assert result.exit_code == 0, result.output
    assert "5 office profile(s) valid." in result.output
    assert "ok    offices/majenekab.yaml: BPS Kabupaten Majene (7601, Asia/Makassar)" in result.output

    result = CliRunner().invoke(offices_cli, ["check", "--dir", str(broken_folder(tmp_path))])
    assert result.exit_code == 1
    assert "error offices/bengkulu.yaml: timezone: 'Asia/Bengkulu' is not an IANA time zone" in result.output
    assert "ok    offices/majenekab.yaml" in result.output


def test_flask_offices_check_works_when_the_app_cannot_start(tmp_path):
    """The real `flask` command, with a profile broken enough to stop create_app."""
    flask = Path(sys.executable).with_name("flask")
    env = {**os.environ, "OFFICES_DIR": str(broken_folder(tmp_path)), "FLASK_APP": "wsgi",
           "APP_ENV": "testing", "INSTANCE_PATH": str(tmp_path / "instance")}
    done = subprocess.run([str(flask), "offices", "check"], env=env, capture_output=True, text=True,
                          cwd=OFFICES_DIR.parent, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "error offices/bengkulu.yaml: timezone: 'Asia/Bengkulu'" in done.stderr
    assert "Traceback" not in done.stderr


# ---- visits: the office's own walk-in desk settings (app/visits) ------------------------


def test_the_walk_in_desk_settings_of_the_five_offices():
    offices = load_offices(OFFICES_DIR)
    for office in offices.values():
        visits = office.visits
        assert [s.prefix for s in visits.services][0] == "P" and visits.services[0].key == "perpustakaan"
        assert visits.retention_days == 365 and visits.lockers
    assert [lk.number for lk in offices["bengkulu"].visits.lockers][-1] == "12"
    assert offices["majenekab"].visits.lockers[-1].note == "loker besar, untuk tas laptop"
    # Bengkulu's standard: "Lama layanan maksimal 2 jam"; the others promise no maximum.
    assert offices["bengkulu"].visits.max_service_minutes == 120
    assert offices["majenekab"].visits.max_service_minutes is None
    # The waiting-time promise is the standard's own, not repeated in visits.
    assert offices["bengkulu"].walk_in_promise_minutes == 10


def test_the_visits_section_is_optional(profile):
    profile.pop("visits")
    office, problems = parse_profile(profile, "musibanyuasinkab.yaml")
    assert problems == []
    assert [(s.key, s.prefix) for s in office.visits.services] == [("perpustakaan", "P")]
    assert office.visits.lockers == () and office.visits.retention_days == 365


@pytest.mark.parametrize("mutate, path, message", [
    (lambda v: v.update(retention_days=0), "visits.retention_days", "0 must be between 1 and 3650 days"),
    (lambda v: v.update(retention_days=5000), "visits.retention_days", "must be between 1 and 3650 days"),
    (lambda v: v.update(retention_days="setahun"), "visits.retention_days", "must be a whole number"),
    (lambda v: v.update(max_service_minutes=0), "visits.max_service_minutes", "must be at least 1 minute"),
    (lambda v: v.update(max_service_minutes=-5), "visits.max_service_minutes", "must not be negative"),
    (lambda v: v["services"][0].update(prefix="p"), "visits.services[0].prefix", "is not a queue prefix"),
    (lambda v: v["services"][0].update(prefix="PST"), "visits.services[0].prefix", "is not a queue prefix"),
    (lambda v: v["services"][1].update(prefix="P"), "visits.services[1].prefix",
     "'P' is already used by visits.services[0]"),
    (lambda v: v["services"][2].update(key="konsultasi"), "visits.services[2].key",
     "'konsultasi' is already used by visits.services[1]"),
    (lambda v: v["services"].reverse(), "visits.services[0].key",
     "the first service must be 'perpustakaan' (the library comes first)"),
    (lambda v: v["services"][1].pop("label"), "visits.services[1].label", "is required"),
    (lambda v: v["services"][1].update(key="Konsultasi Statistik"), "visits.services[1].key", "is not a service key"),
    (lambda v: v.update(services=[]), "visits.services", "must not be empty"),
    (lambda v: v["lockers"][1].update(number="01"), "visits.lockers[1].number",
     "'01' is already used by visits.lockers[0]"),
    (lambda v: v["lockers"][0].update(number="loker satu"), "visits.lockers[0].number", "is not a locker number"),
    (lambda v: v["lockers"][0].update(colour="merah"), "visits.lockers[0].colour", "unknown field"),
    (lambda v: v.update(lockers="01-08"), "visits.lockers", "must be a list"),
    (lambda v: v.update(counters=2), "visits.counters", "unknown field"),
])
def test_each_kind_of_visits_error_names_field_and_problem(profile, mutate, path, message):
    mutate(profile["visits"])
    problems = problems_of(profile)
    assert any(p == path and message in m for p, m in problems), problems


def test_a_bare_locker_number_is_read_as_text(profile):
    profile["visits"]["lockers"] = [{"number": 1}, {"number": "A-2", "note": "dekat pintu"}]
    office, problems = parse_profile(profile, "musibanyuasinkab.yaml")
    assert problems == [] and [lk.number for lk in office.visits.lockers] == ["1", "A-2"]
