"""A real OAI-PMH harvester (oaipmh-scythe, the successor of Sickle) collects the demo
catalogue from the site served on a loopback port: completely, then incrementally with
changes and deletions, and ends with exactly what the catalogue holds."""

from __future__ import annotations

import pytest
from oaipmh_scythe import Scythe
from oaipmh_scythe.exceptions import NoRecordsMatch
from sqlalchemy import select

from app.catalogue.models import Publication
from app.extensions import db
from tests.reach.conftest import PUBLIC_URL


@pytest.fixture
def demo_catalogue(app, runner, clock) -> dict[int, str]:
    """The demo catalogue (real PDFs) imported at 2026-03-02 09:00 UTC; id -> title."""
    clock.set(2026, 3, 2, 9, 0, zone="UTC")
    result = runner.invoke(args=["catalogue", "demo", "--count", "15"])
    assert result.exit_code == 0, result.output
    return catalogue_now(app)


def catalogue_now(app) -> dict[int, str]:
    with app.app_context():
        return {p.id: p.title for p in db.session.scalars(select(Publication))}


def identifier(pid: int) -> str:
    return f"oai:pst.example.go.id:publication/{pid}"


def apply(harvested: dict[str, dict], records) -> int:
    """What a harvester keeps: the latest metadata per identifier, deletions removed."""
    count = 0
    for record in records:
        count += 1
        if record.deleted:
            harvested.pop(record.header.identifier, None)
        else:
            harvested[record.header.identifier] = record.metadata
    return count


def test_a_harvester_collects_everything_then_changes_and_deletions(app, live_server, demo_catalogue, clock):
    with Scythe(f"{live_server}/oai") as scythe:
        identify = scythe.identify()
        assert identify.deletedRecord == "persistent"
        assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
        assert identify.baseURL == f"{PUBLIC_URL}/oai"

        # A first, complete harvest (page size 2: many resumption tokens).
        harvested: dict[str, dict] = {}
        apply(harvested, scythe.list_records(metadata_prefix="oai_dc"))
        assert set(harvested) == {identifier(pid) for pid in demo_catalogue}
        for pid, title in demo_catalogue.items():
            metadata = harvested[identifier(pid)]
            assert metadata["title"] == [title]
            assert f"{PUBLIC_URL}/" in metadata["identifier"][0]
            assert metadata["creator"][0].startswith("Badan Pusat Statistik ")
        sets = {s.setSpec for s in scythe.list_sets()}
        assert {"office", "office:majenekab", "subject"} <= sets
        majene = list(scythe.list_identifiers(metadata_prefix="oai_dc", set_="office:majenekab"))
        with app.app_context():
            assert len(majene) == db.session.scalar(
                select(db.func.count()).select_from(Publication).where(Publication.office == "majenekab"))

        # The catalogue changes: one title corrected, one publication added, one deleted.
        clock.advance(hours=6)
        changed, deleted = sorted(demo_catalogue)[:2]
        with app.app_context():
            db.session.get(Publication, changed).title = "Judul yang diperbaiki"
            db.session.delete(db.session.get(Publication, deleted))
            db.session.add(Publication(office="pasamankab", title="Publikasi baru Pasaman", format="hardcopy"))
            db.session.commit()

        # The incremental harvest brings exactly those three.
        count = apply(harvested, scythe.list_records(metadata_prefix="oai_dc", from_="2026-03-02T15:00:00Z"))
        assert count == 3
        now = catalogue_now(app)
        assert set(harvested) == {identifier(pid) for pid in now}
        assert {tuple(m["title"]) for m in harvested.values()} == {(title,) for title in now.values()}
        assert harvested[identifier(changed)]["title"] == ["Judul yang diperbaiki"]

        # Nothing new since: the harvester is told so.
        with pytest.raises(NoRecordsMatch):
            list(scythe.list_records(metadata_prefix="oai_dc", from_="2026-03-02T15:00:01Z"))
        # The deletion stays visible to anyone harvesting later.
        deleted_headers = [h for h in scythe.list_identifiers(metadata_prefix="oai_dc") if h.deleted]
        assert [h.identifier for h in deleted_headers] == [identifier(deleted)]
