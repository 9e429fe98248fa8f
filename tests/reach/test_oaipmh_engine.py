"""The OAI-PMH engine on its own (no app): argument checks, datestamps, tokens, XML."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from lxml import etree

from app.reach.oaipmh import OaiError, TokenCodec, format_datestamp, parse_datestamp, parse_request
from app.reach.xmlout import Node, document


def code_of(pairs) -> str:
    with pytest.raises(OaiError) as caught:
        parse_request(pairs)
    return caught.value.code


def test_a_valid_request_is_parsed():
    request = parse_request([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("set", "office:majenekab"),
                             ("from", "2026-03-01"), ("until", "2026-03-02")])
    assert request.verb == "ListRecords" and request.set_spec == "office:majenekab"
    assert request.from_ == datetime(2026, 3, 1, 0, 0, 0)
    assert request.until == datetime(2026, 3, 2, 23, 59, 59)  # a day includes its last second
    assert request.given == (("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("set", "office:majenekab"),
                             ("from", "2026-03-01"), ("until", "2026-03-02"))


@pytest.mark.parametrize(("pairs", "code"), [
    ([], "badVerb"),
    ([("verb", "")], "badVerb"),
    ([("verb", "listrecords")], "badVerb"),
    ([("verb", "Identify"), ("verb", "ListSets")], "badVerb"),
    ([("verb", "Identify"), ("metadataPrefix", "oai_dc")], "badArgument"),
    ([("verb", "ListSets"), ("resumptionToken", "a"), ("resumptionToken", "b")], "badArgument"),
    ([("verb", "ListIdentifiers"), ("resumptionToken", "a"), ("from", "2026-01-01")], "badArgument"),
    ([("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc"), ("from", "2026-01-01T00:00:00+07:00")], "badArgument"),
    ([("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc"), ("until", "2026-1-1")], "badArgument"),
    ([("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc"), ("set", "office:")], "badArgument"),
    ([("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc\x00")], "badArgument"),
    ([("verb", "ListIdentifiers"), ("metadataPrefix", "x" * 3000)], "badArgument"),
    ([("verb", "GetRecord"), ("identifier", ""), ("metadataPrefix", "oai_dc")], "badArgument"),
])
def test_bad_requests(pairs, code):
    assert code_of(pairs) == code


def test_datestamps_are_utc_seconds():
    assert format_datestamp(datetime(2026, 3, 2, 9, 0, 5, 999999)) == "2026-03-02T09:00:05Z"
    assert parse_datestamp("2026-03-02T09:00:05Z") == (datetime(2026, 3, 2, 9, 0, 5), "seconds")
    with pytest.raises(ValueError):
        parse_datestamp("2026-03-02T09:00:05.5Z")


def test_tokens_are_signed_and_expire():
    now = [datetime(2026, 3, 2, 9, 0, 0)]
    codec = TokenCodec("k" * 40, timedelta(hours=1), lambda: now[0])
    token, expires = codec.issue({"v": "ListRecords", "i": 7})
    assert expires == datetime(2026, 3, 2, 10, 0, 0)
    assert codec.read(token) == {"v": "ListRecords", "i": 7}
    with pytest.raises(OaiError):
        TokenCodec("other-key" * 5, timedelta(hours=1), lambda: now[0]).read(token)
    for damaged in (token + "x", token[1:], "", "....", "a.b"):
        with pytest.raises(OaiError) as caught:
            codec.read(damaged)
        assert caught.value.code == "badResumptionToken"
    now[0] += timedelta(hours=1, seconds=1)
    with pytest.raises(OaiError):
        codec.read(token)


def test_xml_never_breaks_on_what_it_is_given():
    root = Node("a", attrs=[("x", 'say "hi" & <bye>')]).add(Node("b", "\x00\x1f text \ud800 <&> \uffff"), Node("c"))
    parsed = etree.fromstring(document(root))
    assert parsed.get("x") == 'say "hi" & <bye>'
    assert parsed.findtext("b") == " text  <&> "
    assert parsed.find("c").text is None
