"""OAI-PMH 2.0 at /oai: every verb, every error, deletions, selective harvesting and
resumption tokens; every response validated against the official schemas."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from app.catalogue.models import Publication
from app.extensions import db
from app.reach.models import OaiRecord
from tests import factories
from tests.reach.conftest import PUBLIC_URL

NS = {"oai": "http://www.openarchives.org/OAI/2.0/", "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
      "dc": "http://purl.org/dc/elements/1.1/"}
HOST = "pst.example.go.id"


def oai_id(publication_id: int) -> str:
    return f"oai:{HOST}:publication/{publication_id}"


def texts(node, path: str) -> list[str]:
    return [str(v) for v in node.xpath(path, namespaces=NS)]


def errors(root) -> list[str]:
    return texts(root, "oai:error/@code")


def harvest(oai, verb="ListIdentifiers", **args) -> tuple[list, list]:
    """Follow resumption tokens to the end; returns (headers, responses' roots)."""
    root, _ = oai(verb=verb, **args)
    roots = [root]
    while True:
        token = texts(root, f"oai:{verb}/oai:resumptionToken/text()")
        if not token:
            break
        root, _ = oai(verb=verb, resumptionToken=token[0])
        roots.append(root)
    headers = [h for r in roots for h in r.xpath(f"oai:{verb}//oai:header", namespaces=NS)]
    return headers, roots


def test_identify_describes_the_repository(oai, catalogue):
    root, _ = oai(verb="Identify")
    assert texts(root, "oai:request/text()") == [f"{PUBLIC_URL}/oai"]
    assert texts(root, "oai:request/@verb") == ["Identify"]
    identify = root.find("oai:Identify", NS)
    assert texts(identify, "oai:baseURL/text()") == [f"{PUBLIC_URL}/oai"]
    assert texts(identify, "oai:protocolVersion/text()") == ["2.0"]
    assert texts(identify, "oai:deletedRecord/text()") == ["persistent"]
    assert texts(identify, "oai:granularity/text()") == ["YYYY-MM-DDThh:mm:ssZ"]
    assert texts(identify, "oai:earliestDatestamp/text()") == ["2026-03-02T09:00:00Z"]
    assert "bengkulu@bps.go.id" in texts(identify, "oai:adminEmail/text()")
    assert "PST Perpustakaan" in texts(identify, "oai:repositoryName/text()")[0]


def test_admin_email_is_a_setting(make_app, valid_oai):
    app = make_app(REACH_OAI_ADMIN_EMAIL="perpustakaan@bps.go.id, pst@bps.go.id")
    root = valid_oai(app.test_client().get("/oai?verb=Identify").data)
    assert texts(root, "//oai:adminEmail/text()") == ["perpustakaan@bps.go.id", "pst@bps.go.id"]


def test_metadata_formats(oai, catalogue):
    for args in ({}, {"identifier": oai_id(catalogue["Kota Sawahlunto Dalam Angka 2024"])}):
        root, _ = oai(verb="ListMetadataFormats", **args)
        assert texts(root, "//oai:metadataPrefix/text()") == ["oai_dc"]
        assert texts(root, "//oai:metadataNamespace/text()") == [NS["oai_dc"]]
    root, _ = oai(verb="ListMetadataFormats", identifier=oai_id(999))
    assert errors(root) == ["idDoesNotExist"]


def test_sets_per_office_and_subject(oai, catalogue):
    root, _ = oai(verb="ListSets")
    sets = dict(zip(texts(root, "//oai:setSpec/text()"), texts(root, "//oai:setName/text()")))
    assert sets["office"] == "Kantor BPS"
    assert sets["office:majenekab"] == "BPS Kabupaten Majene"
    assert sets["office:pasamankab"] == "BPS Kabupaten Pasaman"  # every office, even without records
    assert sets["subject:statistik-dasar"] == "Statistik Dasar"
    assert sets["subject:ketenagakerjaan"] == "Ketenagakerjaan"

    headers, _ = harvest(oai, metadataPrefix="oai_dc", set="office:sawahluntokota")
    assert [texts(h, "oai:identifier/text()")[0] for h in headers] == [
        oai_id(catalogue["Kota Sawahlunto Dalam Angka 2024"])]
    headers, _ = harvest(oai, metadataPrefix="oai_dc", set="subject:statistik-dasar")
    assert len(headers) == 2
    headers, _ = harvest(oai, metadataPrefix="oai_dc", set="office")
    assert len(headers) == 4
    root, _ = oai(verb="ListRecords", metadataPrefix="oai_dc", set="subject:tidak-ada")
    assert errors(root) == ["noRecordsMatch"]


def test_get_record_in_dublin_core(oai, catalogue):
    pid = catalogue["Kabupaten Majene Dalam Angka 2024"]
    root, _ = oai(verb="GetRecord", identifier=oai_id(pid), metadataPrefix="oai_dc")
    header = root.find("oai:GetRecord/oai:record/oai:header", NS)
    assert texts(header, "oai:identifier/text()") == [oai_id(pid)]
    assert texts(header, "oai:datestamp/text()") == ["2026-03-02T09:00:00Z"]
    assert {"office:majenekab", "subject:kependudukan"} <= set(texts(header, "oai:setSpec/text()"))
    dc = root.find(".//oai_dc:dc", NS)
    field = lambda name: texts(dc, f"dc:{name}/text()")  # noqa: E731
    assert field("title") == ["Kabupaten Majene Dalam Angka 2024"]
    assert field("creator") == ["Badan Pusat Statistik Kabupaten Majene"]
    assert field("publisher") == ["Badan Pusat Statistik Kabupaten Majene"]
    assert field("date") == ["2024-02-28"]
    assert field("type") == ["Text"]
    assert "application/pdf" in field("format")
    assert f"{PUBLIC_URL}/majenekab/katalog/{pid}" in field("identifier")
    assert field("language") == ["id"]
    assert field("subject") == ["Statistik Dasar", "Kependudukan"]
    assert field("description")[0].startswith("Publikasi tahunan berisi data kependudukan")
    assert field("relation") == ["urn:issn:2087-4235", "urn:isbn:978-602-438-123-3"]
    # The softcopy is for logged-in readers only: no address of it anywhere.
    assert "berkas" not in root.xpath("string(.)") and "/baca" not in root.xpath("string(.)")


def test_long_lists_come_in_pages_with_resumption_tokens(oai, catalogue):
    root, _ = oai(verb="ListRecords", metadataPrefix="oai_dc")
    assert len(root.findall("oai:ListRecords/oai:record", NS)) == 2
    token = root.find("oai:ListRecords/oai:resumptionToken", NS)
    assert token.get("cursor") == "0" and token.get("completeListSize") == "4"
    assert token.get("expirationDate") == "2026-03-03T09:00:00Z"
    root, _ = oai(verb="ListRecords", resumptionToken=token.text)
    assert texts(root, "oai:request/@resumptionToken") == [token.text]
    last = root.find("oai:ListRecords/oai:resumptionToken", NS)
    assert last.text is None and last.get("cursor") == "2" and last.get("completeListSize") == "4"
    headers, roots = harvest(oai, metadataPrefix="oai_dc")
    assert sorted(texts(h, "oai:identifier/text()")[0] for h in headers) == sorted(oai_id(i) for i in catalogue.values())
    assert len(roots) == 2


def test_tokens_stay_good_while_records_change(app, oai, catalogue, clock):
    """Records harvested in (datestamp, id) order: a change moves a record behind the
    harvester's position, so nothing is skipped while the harvest runs."""
    for step, title in enumerate(catalogue):  # distinct datestamps: one second apart
        clock.advance(seconds=1)
        with app.app_context():
            db.session.get(Publication, catalogue[title]).pages = 100 + step
            db.session.commit()
    root, _ = oai(verb="ListIdentifiers", metadataPrefix="oai_dc")
    first = texts(root, "//oai:header/oai:identifier/text()")
    started = texts(root, "oai:responseDate/text()")[0]
    token = texts(root, "//oai:resumptionToken/text()")[0]
    clock.advance(seconds=5)
    ids = {v: k for k, v in catalogue.items()}
    with app.app_context():  # one record already sent changes, one not yet sent is deleted
        sent = db.session.get(Publication, int(first[0].rsplit("/", 1)[1]))
        sent.shelf_location = "Rak Z-99"
        remaining = [i for i in catalogue.values() if oai_id(i) not in first]
        db.session.delete(db.session.get(Publication, remaining[0]))
        db.session.commit()
    root, _ = oai(verb="ListIdentifiers", resumptionToken=token)
    rest = texts(root, "//oai:header/oai:identifier/text()")
    # The list ends where it stood at the first page: nothing is sent twice, and what
    # changed meanwhile comes in the next incremental harvest.
    assert sorted(first + rest) == sorted(oai_id(i) for i in ids if i != remaining[0])
    headers, _ = harvest(oai, metadataPrefix="oai_dc", **{"from": started})
    changed = {texts(h, "oai:identifier/text()")[0]: h.get("status") for h in headers}
    assert changed[first[0]] is None and changed[oai_id(remaining[0])] == "deleted"


def test_a_deleted_publication_stays_visible_as_deleted(app, oai, catalogue, clock):
    pid = catalogue["Statistik Peternakan Kabupaten Majene 2019"]
    clock.advance(days=1)
    with app.app_context():
        db.session.delete(db.session.get(Publication, pid))
        db.session.commit()
    root, _ = oai(verb="GetRecord", identifier=oai_id(pid), metadataPrefix="oai_dc")
    header = root.find(".//oai:header", NS)
    assert header.get("status") == "deleted"
    assert texts(header, "oai:datestamp/text()") == ["2026-03-03T09:00:00Z"]
    assert "office:majenekab" in texts(header, "oai:setSpec/text()")
    assert root.find(".//oai:metadata", NS) is None
    headers, _ = harvest(oai, verb="ListRecords", metadataPrefix="oai_dc", set="subject:peternakan")
    assert [h.get("status") for h in headers] == ["deleted"]
    root, _ = oai(verb="ListMetadataFormats", identifier=oai_id(pid))
    assert errors(root) == []
    # A failed deletion leaves the record as it was.
    other = catalogue["Kota Sawahlunto Dalam Angka 2024"]
    with app.app_context():
        db.session.delete(db.session.get(Publication, other))
        db.session.flush()
        db.session.rollback()
        assert db.session.get(OaiRecord, other).deleted is False


def test_selective_harvesting_from_until(app, oai, catalogue, clock):
    pid = catalogue["Keadaan Ketenagakerjaan Kabupaten Majene Agustus 2023"]
    clock.set(2026, 3, 5, 10, 30, 15, zone="UTC")
    with app.app_context():
        db.session.get(Publication, pid).abstract = "Diperbarui."
        db.session.commit()

    def listed(**args):
        headers, _ = harvest(oai, metadataPrefix="oai_dc", **args)
        return sorted(texts(h, "oai:identifier/text()")[0] for h in headers)

    assert listed(**{"from": "2026-03-05T10:30:15Z"}) == [oai_id(pid)]
    assert listed(**{"from": "2026-03-05"}) == [oai_id(pid)]
    assert listed(**{"from": "2026-03-05T10:30:16Z"}) == []
    assert len(listed(until="2026-03-02T09:00:00Z")) == 3
    assert len(listed(until="2026-03-04")) == 3
    assert listed(**{"from": "2026-03-03", "until": "2026-03-05"}) == [oai_id(pid)]
    assert len(listed(**{"from": "2026-03-01T00:00:00Z", "until": "2026-03-06T00:00:00Z"})) == 4
    root, _ = oai(verb="ListRecords", metadataPrefix="oai_dc", **{"from": "2027-01-01"})
    assert errors(root) == ["noRecordsMatch"]


@pytest.mark.parametrize(("args", "code"), [
    ({}, "badVerb"),
    ({"verb": "Harvest"}, "badVerb"),
    ({"verb": ["Identify", "Identify"]}, "badVerb"),
    ({"verb": "Identify", "set": "x"}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "GetRecord", "identifier": ["a", "b"], "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-03-02T09:00"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "02-03-2026"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-02-30"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-03-01", "until": "2026-03-02T00:00:00Z"},
     "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-03-05", "until": "2026-03-01"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "bad set"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai dc"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "abc"}, "badArgument"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "extra": "1"}, "badArgument"),
    ({"verb": "GetRecord", "identifier": "oai:x y", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "ListRecords", "resumptionToken": "forged"}, "badResumptionToken"),
    ({"verb": "ListSets", "resumptionToken": "forged"}, "badResumptionToken"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "identifier": "PLACEHOLDER", "metadataPrefix": "mods"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "identifier": "oai:evil.example:publication/1", "metadataPrefix": "oai_dc"},
     "idDoesNotExist"),
    ({"verb": "GetRecord", "identifier": 'invalid"id<&>', "metadataPrefix": "oai_dc"}, "idDoesNotExist"),
    ({"verb": "GetRecord", "identifier": f"oai:{HOST}:publication/99999999999999", "metadataPrefix": "oai_dc"},
     "idDoesNotExist"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "until": "1999-12-31"}, "noRecordsMatch"),
])
def test_every_error_of_the_protocol(oai, catalogue, args, code):
    if args.get("identifier") == "PLACEHOLDER":
        args = dict(args, identifier=oai_id(catalogue["Kota Sawahlunto Dalam Angka 2024"]))
    root, _ = oai(**args)
    assert errors(root) == [code]
    echoed = dict(root.find("oai:request", NS).attrib)
    if code in ("badVerb", "badArgument"):
        assert echoed == {}  # the protocol: only the base URL after these two
    else:
        assert echoed["verb"] == args["verb"]


def test_no_set_hierarchy_when_sets_are_off(make_app, valid_oai):
    client = make_app(REACH_OAI_SETS=False).test_client()
    for query in ("verb=ListSets", "verb=ListRecords&metadataPrefix=oai_dc&set=office"):
        root = valid_oai(client.get(f"/oai?{query}").data)
        assert errors(root) == ["noSetHierarchy"]


def test_tokens_expire_and_cannot_be_forged_or_reused_across_verbs(oai, catalogue, clock):
    root, _ = oai(verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = texts(root, "//oai:resumptionToken/text()")[0]
    root, _ = oai(verb="ListRecords", resumptionToken=token)
    assert errors(root) == ["badResumptionToken"]
    root, _ = oai(verb="ListIdentifiers", resumptionToken=token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    assert errors(root) == ["badResumptionToken"]
    clock.advance(hours=24, seconds=1)
    root, _ = oai(verb="ListIdentifiers", resumptionToken=token)
    assert errors(root) == ["badResumptionToken"]


def test_post_requests_need_no_csrf_token(client, valid_oai, catalogue):
    response = client.post("/oai", data={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    assert response.status_code == 200
    root = valid_oai(response.data)
    assert len(root.findall(".//oai:header", NS)) == 2


def test_addresses_come_from_public_url_not_the_request(app, catalogue, valid_oai):
    client = app.test_client()
    response = client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc", base_url="http://127.0.0.1:8000")
    text = response.get_data(as_text=True)
    assert "127.0.0.1" not in text and f"{PUBLIC_URL}/majenekab/katalog/" in text
    assert client.get("/oai?verb=Identify", headers={"Host": "evil.example"}).status_code == 400


def test_a_one_office_site_harvests_its_own_office(make_app, tmp_path, valid_oai):
    app = make_app(SITE_OFFICE="majenekab", PUBLIC_URL="https://pst-majene.example.go.id")
    factories.import_rows(app, tmp_path, [dict(r, pdf="") for r in factories.ROWS])
    client = app.test_client()
    root = valid_oai(client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc").data)
    identifiers = texts(root, "//dc:identifier/text()")
    assert len(root.findall(".//oai:record", NS)) == 3
    assert all("Sawahlunto" not in t for t in texts(root, "//dc:title/text()"))
    assert any(i.startswith("https://pst-majene.example.go.id/katalog/") for i in identifiers)
    root = valid_oai(client.get("/oai?verb=ListSets").data)
    assert "office:sawahluntokota" not in texts(root, "//oai:setSpec/text()")
    root = valid_oai(client.get("/oai?verb=Identify").data)
    assert texts(root, "//oai:repositoryName/text()") == ["PST Perpustakaan BPS Kabupaten Majene"]


def test_sync_repairs_changes_made_behind_the_sessions_back(app, runner, catalogue, clock, valid_oai):
    gone = catalogue["Statistik Peternakan Kabupaten Majene 2019"]
    clock.advance(hours=2)
    with app.app_context():
        db.session.execute(delete(OaiRecord).where(OaiRecord.publication_id == catalogue["Kota Sawahlunto Dalam Angka 2024"]))
        db.session.execute(delete(Publication).where(Publication.id == gone))  # no ORM events
        db.session.commit()
    result = runner.invoke(args=["reach", "sync"])
    assert result.exit_code == 0 and "1 written, 1 marked deleted" in result.output
    assert "up to date" in runner.invoke(args=["reach", "sync"]).output
    with app.app_context():
        assert db.session.get(OaiRecord, gone).deleted
        assert db.session.scalar(select(OaiRecord.datestamp).where(OaiRecord.publication_id == gone)).hour == 11
        assert db.session.get(OaiRecord, catalogue["Kota Sawahlunto Dalam Angka 2024"]).deleted is False
