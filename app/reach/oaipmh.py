"""OAI-PMH 2.0 without Flask: requests checked, datestamps, resumption tokens, XML.

The protocol is at https://www.openarchives.org/OAI/openarchivesprotocol.html.  This
module knows the protocol and nothing of the catalogue: :func:`parse_request` turns the
arguments of an HTTP request into an :class:`OaiRequest` or raises :class:`OaiError`
with the protocol's error code; :class:`TokenCodec` issues and reads signed, stateless
resumption tokens; the ``*_element`` functions and :func:`render` build the response.
app/reach/oai.py answers requests with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Callable, Iterable

from itsdangerous import BadSignature, URLSafeSerializer

from app.reach.xmlout import NOT_XML, Node, document

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"

#: For each verb: the arguments it requires and those it may have.  ``resumptionToken``
#: is exclusive: with it, no other argument but the verb may be given.
VERBS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset({"resumptionToken"})),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset()),
    "ListIdentifiers": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set", "resumptionToken"})),
    "ListRecords": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set", "resumptionToken"})),
}
LIST_VERBS = ("ListIdentifiers", "ListRecords")

#: The protocol's patterns for a metadata prefix and a set spec (OAI-PMH.xsd).
_PREFIX = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")
_SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
#: Longest argument value accepted (a resumption token is ~300 characters).
MAX_ARGUMENT = 2000


class OaiError(Exception):
    """A protocol error: ``code`` is one of the protocol's error codes."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def echoes_request(self) -> bool:
        """Whether the response may repeat the arguments (not for badVerb/badArgument)."""
        return self.code not in ("badVerb", "badArgument")


@dataclass(frozen=True)
class OaiRequest:
    """A checked request: the verb, its arguments, and the arguments as given (to echo)."""

    verb: str
    given: tuple[tuple[str, str], ...]
    identifier: str | None = None
    metadata_prefix: str | None = None
    from_: datetime | None = None
    until: datetime | None = None
    set_spec: str | None = None
    resumption_token: str | None = None


# ------------------------------------------------------------------ datestamps


def format_datestamp(moment: datetime) -> str:
    """A naive UTC (or aware) time as the protocol writes it, to the second."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def truncate(moment: datetime) -> datetime:
    """A time to the repository's granularity: whole seconds."""
    return moment.replace(microsecond=0)


def parse_datestamp(text: str, *, end_of_day: bool = False) -> tuple[datetime, str]:
    """A ``from``/``until`` value as naive UTC, and its granularity (``day``/``seconds``).

    A day means its first second (``from``) or its last (``until``, ``end_of_day``).
    Raises ValueError on anything else.
    """
    if _DAY.fullmatch(text):
        day = datetime.strptime(text, "%Y-%m-%d")
        return (datetime.combine(day.date(), time(23, 59, 59)) if end_of_day else day), "day"
    if _SECONDS.fullmatch(text):
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ"), "seconds"
    raise ValueError(f"not a datestamp: {text!r}")


# ------------------------------------------------------------------ requests


def parse_request(pairs: Iterable[tuple[str, str]]) -> OaiRequest:
    """Check a request's arguments (name/value pairs, repeats kept) against the protocol."""
    pairs = list(pairs)
    verbs = [value for name, value in pairs if name == "verb"]
    if len(verbs) != 1 or verbs[0] not in VERBS:
        if not verbs:
            raise OaiError("badVerb", "The verb argument is missing.")
        if len(verbs) > 1:
            raise OaiError("badVerb", "The verb argument is repeated.")
        raise OaiError("badVerb", "The value of the verb argument is not a legal OAI-PMH verb.")
    verb = verbs[0]
    required, optional = VERBS[verb]
    args: dict[str, str] = {}
    for name, value in pairs:
        if name == "verb":
            continue
        if name not in required | optional:
            raise OaiError("badArgument", f"{verb} does not take the argument {_clip(name)}.")
        if name in args:
            raise OaiError("badArgument", f"The argument {name} is repeated.")
        if len(value) > MAX_ARGUMENT or NOT_XML.search(value):
            raise OaiError("badArgument", f"The value of {name} is not legal.")
        args[name] = value
    if "resumptionToken" in args:
        if len(args) > 1:
            raise OaiError("badArgument", "resumptionToken is an exclusive argument: give it alone.")
        return OaiRequest(verb, (("verb", verb), *args.items()), resumption_token=args["resumptionToken"])
    missing = sorted(required - args.keys())
    if missing:
        raise OaiError("badArgument", f"{verb} requires the argument {', '.join(missing)}.")

    prefix = args.get("metadataPrefix")
    if prefix is not None and not _PREFIX.fullmatch(prefix):
        raise OaiError("badArgument", "The value of metadataPrefix is not a legal metadata prefix.")
    set_spec = args.get("set")
    if set_spec is not None and not _SET_SPEC.fullmatch(set_spec):
        raise OaiError("badArgument", "The value of set is not a legal setSpec.")
    identifier = args.get("identifier")
    if identifier is not None and not legal_identifier(identifier):
        raise OaiError("badArgument", "The value of identifier is not a legal identifier.")
    start = end = None
    granularities = set()
    try:
        if "from" in args:
            start, granularity = parse_datestamp(args["from"])
            granularities.add(granularity)
        if "until" in args:
            end, granularity = parse_datestamp(args["until"], end_of_day=True)
            granularities.add(granularity)
    except ValueError:
        raise OaiError("badArgument", f"from and until must be {GRANULARITY} or YYYY-MM-DD.") from None
    if len(granularities) > 1:
        raise OaiError("badArgument", "from and until have different granularities.")
    if start is not None and end is not None and start > end:
        raise OaiError("badArgument", "from is later than until.")
    return OaiRequest(verb, (("verb", verb), *args.items()), identifier=identifier,
                      metadata_prefix=prefix, from_=start, until=end, set_spec=set_spec)


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def legal_identifier(value: str) -> bool:
    """Whether a value can be an item identifier: a URI (the protocol's anyURI) without
    spaces, with well-formed %-escapes, no brackets, and a legal scheme before a leading colon."""
    if not value or re.search(r"[\s\[\]]", value) or _BAD_ESCAPE.search(value):
        return False
    head = re.split(r"[/?#]", value, maxsplit=1)[0]
    return ":" not in head or bool(_SCHEME.fullmatch(head.split(":", 1)[0]))


def _clip(text: str) -> str:
    return NOT_XML.sub("", text)[:40]


# ------------------------------------------------------------------ resumption tokens


class TokenCodec:
    """Stateless resumption tokens: the list's request and position, signed.

    A token carries what a harvester asked (verb, prefix, set, from, until — with
    ``until`` fixed at the first page, so the list does not grow while it is harvested)
    and the position after the last record sent, as (datestamp, id): records are listed
    in that order, so a record that changes moves behind the position and is neither
    lost nor repeated.  The signature (SECRET_KEY, its own salt) stops tampering; the
    issue time, read from the app's clock, makes tokens expire.
    """

    def __init__(self, secret: str, max_age: timedelta, now: Callable[[], datetime]):
        self._serializer = URLSafeSerializer(secret, salt="reach.oai-resumption")
        self.max_age = max_age
        self._now = now

    def issue(self, state: dict) -> tuple[str, datetime]:
        """A token for ``state`` (JSON-able), and when it expires (naive UTC)."""
        issued = truncate(self._now())
        return self._serializer.dumps({**state, "t": format_datestamp(issued)}), issued + self.max_age

    def read(self, token: str) -> dict:
        """The state of a token; badResumptionToken when forged, damaged or expired."""
        try:
            state = self._serializer.loads(token)
            issued, _ = parse_datestamp(state.pop("t"))
        except (BadSignature, KeyError, TypeError, ValueError, AttributeError):
            raise OaiError("badResumptionToken", "The resumptionToken is invalid.") from None
        if not isinstance(state, dict) or self._now() - issued > self.max_age:
            raise OaiError("badResumptionToken", "The resumptionToken has expired.")
        return state


# ------------------------------------------------------------------ XML


def render(response_date: datetime, base_url: str, request: OaiRequest | None, body: list[Node]) -> bytes:
    """The whole response: root, responseDate, request (echoing ``request``'s arguments), body."""
    root = Node("OAI-PMH", attrs=[("xmlns", OAI_NS), ("xmlns:xsi", XSI_NS),
                                  ("xsi:schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")])
    root.add(Node("responseDate", format_datestamp(response_date)),
             Node("request", base_url, attrs=list(request.given) if request is not None else []))
    root.add(*body)
    return document(root)


def error_elements(error: OaiError) -> list[Node]:
    return [Node("error", error.message, attrs=[("code", error.code)])]


@dataclass(frozen=True)
class RepositoryInfo:
    name: str
    base_url: str
    admin_emails: tuple[str, ...]
    earliest_datestamp: datetime


def identify_element(info: RepositoryInfo) -> Node:
    node = Node("Identify").add(Node("repositoryName", info.name), Node("baseURL", info.base_url),
                                Node("protocolVersion", "2.0"))
    node.add(*(Node("adminEmail", email) for email in info.admin_emails))
    return node.add(Node("earliestDatestamp", format_datestamp(info.earliest_datestamp)),
                    Node("deletedRecord", "persistent"), Node("granularity", GRANULARITY))


def metadata_formats_element() -> Node:
    """The one format every record is disseminated in: unqualified Dublin Core."""
    return Node("ListMetadataFormats").add(Node("metadataFormat").add(
        Node("metadataPrefix", "oai_dc"), Node("schema", OAI_DC_SCHEMA), Node("metadataNamespace", OAI_DC_NS)))


def sets_element(sets: Iterable[tuple[str, str]]) -> Node:
    return Node("ListSets").add(*(Node("set").add(Node("setSpec", spec), Node("setName", name))
                                  for spec, name in sets))


@dataclass(frozen=True)
class Header:
    identifier: str
    datestamp: datetime
    sets: tuple[str, ...] = ()
    deleted: bool = False


def header_element(header: Header) -> Node:
    node = Node("header", attrs=[("status", "deleted")] if header.deleted else [])
    node.add(Node("identifier", header.identifier), Node("datestamp", format_datestamp(header.datestamp)))
    return node.add(*(Node("setSpec", spec) for spec in header.sets))


def dublin_core_element(fields: Iterable[tuple[str, str]]) -> Node:
    """``oai_dc:dc`` with ``dc:<element>`` children, in the order given; empty values left out."""
    node = Node("oai_dc:dc", attrs=[("xmlns:oai_dc", OAI_DC_NS), ("xmlns:dc", DC_NS),
                                    ("xsi:schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")])
    return node.add(*(Node(f"dc:{name}", value) for name, value in fields if value))


def record_element(header: Header, metadata: Node | None) -> Node:
    """A record: its header, and its metadata unless it is deleted."""
    node = Node("record").add(header_element(header))
    if not header.deleted and metadata is not None:
        node.add(Node("metadata").add(metadata))
    return node


def resumption_element(token: str | None, cursor: int, complete: int | None,
                       expires: datetime | None) -> Node:
    """The resumptionToken of a partial list; empty (no token) on the last part."""
    attrs = []
    if token and expires is not None:
        attrs.append(("expirationDate", format_datestamp(expires)))
    if complete:
        attrs.append(("completeListSize", str(complete)))
    attrs.append(("cursor", str(cursor)))
    return Node("resumptionToken", token or None, attrs=attrs)
