"""Every route of this feature answers what a visitor or a broken harvester sends with
less than 500, and every OAI-PMH answer stays a valid document."""

from __future__ import annotations

import itertools

import pytest

from tests import factories

HOSTILE = ("", " ", "٣", "9" * 5000, "-1", "0", "1e309", "nan", "2026-13-45", "2026-02-30T25:61:61Z",
           "<script>alert(1)</script>", "\x00", "%00", "'; DROP TABLE oai_record;--", "../../etc/passwd",
           "\u202e" * 50, "ĳ" * 400, "https://evil.example/", "[]", "{}", "\ud7ff\ue000", "a" * 3000,
           "oai:pst.example.go.id:publication/1", "oai:pst.example.go.id:publication/-1",
           "oai:pst.example.go.id:publication/٣", "office:", "::", "ListRecords", "oai_dc")
PARAMS = ("verb", "metadataPrefix", "identifier", "from", "until", "set", "resumptionToken",
          "q", "page", "year", "subject", "format", "sort", "field", "office")
VERBS = ("Identify", "ListMetadataFormats", "ListSets", "GetRecord", "ListIdentifiers", "ListRecords")


@pytest.fixture
def site(app, tmp_path):
    factories.import_rows(app, tmp_path, [dict(r, pdf="") for r in factories.ROWS])
    return app


def reach_paths(app) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in ("reach", "reach_site", "reach_all") or "GET" not in rule.methods:
            continue
        path = rule.rule.replace("<office_slug>", "majenekab").replace("<int:number>", "1")
        if "<any(ris, bib):kind>" in path:
            paths += [path.replace("<any(ris, bib):kind>", kind) for kind in ("ris", "bib")]
        else:
            paths.append(path)
    return sorted(paths)


def test_every_route_with_hostile_query_strings(site):
    client = site.test_client()
    paths = reach_paths(site)
    assert "/oai" in paths and "/majenekab/katalog/feed" in paths and "/katalog/saran" in paths
    failures = []
    for path in paths:
        for value in HOSTILE:
            response = client.get(path, query_string={name: value for name in PARAMS})
            if response.status_code >= 500:
                failures.append((path, repr(value)[:30], response.status_code))
    assert failures == []


def test_every_verb_with_each_hostile_argument(site, valid_oai):
    client = site.test_client()
    for verb, name, value in itertools.product(VERBS, PARAMS[1:7], HOSTILE):
        for send in (client.get, client.post):
            args = {"verb": verb, "metadataPrefix": "oai_dc", name: value}
            response = send("/oai", **({"query_string": args} if send == client.get else {"data": args}))
            assert response.status_code == 200, (verb, name, value)
            valid_oai(response.data)
