"""The OAI-PMH 2.0 repository at /oai: one for the whole site, a set per office and subject.

Library aggregators (Indonesia OneSearch, BASE, …) harvest the catalogue here in
unqualified Dublin Core (``oai_dc``).  Items are identified as
``oai:<host of PUBLIC_URL>:publication/<id>``; datestamps are UTC to the second;
deleted publications stay listed as deleted (``deletedRecord: persistent``, from
app/reach/tracking.py); long lists are split with signed, stateless resumption tokens
(:class:`app.reach.oaipmh.TokenCodec`).  The protocol itself (arguments, errors, XML)
lives in app/reach/oaipmh.py; this module answers from the database.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import current_app, request
from sqlalchemy import and_, func, or_, select

from app import clock
from app.catalogue.models import Publication
from app.extensions import csrf, db
from app.mail import external_url
from app.reach import metadata, site_bp
from app.reach.models import OaiRecord, OaiRecordSet
from app.reach.oaipmh import (
    Header,
    OaiError,
    OaiRequest,
    RepositoryInfo,
    TokenCodec,
    dublin_core_element,
    error_elements,
    format_datestamp,
    header_element,
    identify_element,
    metadata_formats_element,
    parse_datestamp,
    parse_request,
    record_element,
    render,
    resumption_element,
    sets_element,
    truncate,
)
from app.reach.xmlout import Node
from app.site import offices

METADATA_PREFIX = "oai_dc"


@site_bp.route("/oai", methods=["GET", "POST"])
@csrf.exempt
def oai():
    """One OAI-PMH request (GET, or POST with a form body, as the protocol allows)."""
    pairs = list((request.form if request.method == "POST" else request.args).items(multi=True))
    now = clock.utcnow_naive()
    base = base_url()
    oai_request = None
    try:
        oai_request = parse_request(pairs)
        body = [HANDLERS[oai_request.verb](oai_request)]
    except OaiError as error:
        body = error_elements(error)
        if not error.echoes_request:
            oai_request = None
    response = current_app.response_class(render(now, base, oai_request, body),
                                          mimetype="text/xml")
    response.headers["Cache-Control"] = "no-cache"
    return response


# ------------------------------------------------------------------ where and who


def base_url() -> str:
    """The repository's base URL, on PUBLIC_URL when set."""
    return external_url("reach_site.oai")


def repository_id() -> str:
    """The repository identifier in item identifiers: the host of PUBLIC_URL."""
    configured = current_app.config.get("REACH_OAI_REPOSITORY_ID")
    if configured:
        return configured
    return urlsplit(base_url()).hostname or "localhost"


def identifier(publication_id: int) -> str:
    return f"oai:{repository_id()}:publication/{publication_id}"


def publication_id(oai_identifier: str) -> int | None:
    """The publication an identifier names, or None when it is not one of ours."""
    prefix = f"oai:{repository_id()}:publication/"
    number = oai_identifier[len(prefix):] if oai_identifier.startswith(prefix) else ""
    if not number.isascii() or not number.isdigit() or len(number) > 10:
        return None
    value = int(number)
    return value if 0 < value < 2**31 else None


def scope() -> str | None:
    """The one office a one-office site serves, or None: every office."""
    return current_app.config["SITE_OFFICE"]


def in_scope(query):
    office = scope()
    return query.where(OaiRecord.office == office) if office else query


def admin_emails() -> tuple[str, ...]:
    """REACH_OAI_ADMIN_EMAIL (comma-separated), else the offices' own addresses."""
    configured = current_app.config.get("REACH_OAI_ADMIN_EMAIL") or ""
    emails = [e.strip() for e in configured.split(",") if e.strip()]
    if not emails:
        office = scope()
        emails = sorted({o.email for o in offices().values() if o.email and (not office or o.slug == office)})
    if not emails:
        emails = [parseaddr(current_app.config["MAIL_FROM"])[1]]
    return tuple(e for e in emails if "@" in e and "." in e.rpartition("@")[2]) or ("pst@bps.go.id",)


def repository_name() -> str:
    configured = current_app.config.get("REACH_OAI_REPOSITORY_NAME")
    if configured:
        return configured
    office = scope()
    if office:
        return f"{current_app.config['SITE_NAME']} {offices()[office].name}"
    return f"{current_app.config['SITE_NAME']} – Badan Pusat Statistik"


def sets_enabled() -> bool:
    return bool(current_app.config["REACH_OAI_SETS"])


def token_codec() -> TokenCodec:
    return TokenCodec(current_app.config["SECRET_KEY"],
                      timedelta(seconds=current_app.config["REACH_OAI_TOKEN_MAX_AGE"]), clock.utcnow_naive)


# ------------------------------------------------------------------ verbs


def identify(_request: OaiRequest):
    earliest = db.session.scalar(in_scope(select(func.min(OaiRecord.datestamp))))
    return identify_element(RepositoryInfo(repository_name(), base_url(), admin_emails(),
                                           earliest or truncate(clock.utcnow_naive())))


def list_metadata_formats(oai_request: OaiRequest):
    if oai_request.identifier is not None and find_record(oai_request.identifier) is None:
        raise OaiError("idDoesNotExist", "No item has this identifier.")
    return metadata_formats_element()


def list_sets(oai_request: OaiRequest):
    if not sets_enabled():
        raise OaiError("noSetHierarchy", "This repository does not support sets.")
    if oai_request.resumption_token is not None:
        raise OaiError("badResumptionToken", "This repository issues no resumptionToken for ListSets.")
    office = scope()
    names = {"office": "Kantor BPS"}
    names.update((f"office:{slug}", o.name) for slug, o in offices().items() if not office or slug == office)
    query = (select(OaiRecordSet.spec, func.min(OaiRecordSet.name))
             .join(OaiRecord, OaiRecord.publication_id == OaiRecordSet.publication_id)
             .group_by(OaiRecordSet.spec))
    for spec, name in db.session.execute(in_scope(query)):
        names.setdefault(spec, name)
    return sets_element(sorted(names.items()))


def get_record(oai_request: OaiRequest):
    check_prefix(oai_request.metadata_prefix)
    record = find_record(oai_request.identifier)
    if record is None:
        raise OaiError("idDoesNotExist", "No item has this identifier.")
    return Node("GetRecord").add(
        record_element_for(record, load_sets([record.publication_id]), load_publications([record])))


def list_records(oai_request: OaiRequest):
    return list_items(oai_request, with_metadata=True)


def list_identifiers(oai_request: OaiRequest):
    return list_items(oai_request, with_metadata=False)


def list_items(oai_request: OaiRequest, with_metadata: bool):
    """One page of ListRecords/ListIdentifiers, ordered by (datestamp, id)."""
    codec = token_codec()
    if oai_request.resumption_token is not None:
        state = codec.read(oai_request.resumption_token)
        if state.get("v") != oai_request.verb:
            raise OaiError("badResumptionToken", "This resumptionToken belongs to another verb.")
    else:
        check_prefix(oai_request.metadata_prefix)
        if oai_request.set_spec is not None and not sets_enabled():
            raise OaiError("noSetHierarchy", "This repository does not support sets.")
        # The list ends where it stood at the first page; later changes come in the next harvest.
        now = truncate(clock.utcnow_naive())
        until = min(oai_request.until, now) if oai_request.until else now
        state = {"v": oai_request.verb, "s": oai_request.set_spec,
                 "f": format_datestamp(oai_request.from_) if oai_request.from_ else None,
                 "u": format_datestamp(until), "c": 0}
    try:
        start = parse_datestamp(state["f"])[0] if state.get("f") else None
        until = parse_datestamp(state["u"])[0]
        after = (parse_datestamp(state["d"])[0], int(state["i"])) if state.get("d") else None
        cursor = int(state.get("c", 0))
    except (KeyError, TypeError, ValueError):
        raise OaiError("badResumptionToken", "The resumptionToken is invalid.") from None

    query = in_scope(select(OaiRecord).where(OaiRecord.datestamp <= until))
    if start is not None:
        query = query.where(OaiRecord.datestamp >= start)
    if state.get("s"):
        query = query.where(OaiRecord.publication_id.in_(
            select(OaiRecordSet.publication_id).where(OaiRecordSet.spec == state["s"])))
    first_page = after is None
    if after is not None:
        query = query.where(or_(OaiRecord.datestamp > after[0],
                                and_(OaiRecord.datestamp == after[0], OaiRecord.publication_id > after[1])))
    size = current_app.config["REACH_OAI_PAGE_SIZE"]
    page = list(db.session.scalars(query.order_by(OaiRecord.datestamp, OaiRecord.publication_id).limit(size + 1)))
    more = len(page) > size
    page = page[:size]
    if not page:
        raise OaiError("noRecordsMatch", "No records match the request.")
    complete = state.get("n")
    if first_page:
        complete = (db.session.scalar(select(func.count()).select_from(query.subquery()))
                    if more else len(page))

    sets = load_sets([r.publication_id for r in page])
    if with_metadata:
        publications = load_publications(page)
        items = [record_element_for(r, sets, publications) for r in page]
    else:
        items = [header_element(header_for(r, sets, None)) for r in page]
    node = Node(oai_request.verb).add(*items)
    if more:
        last = page[-1]
        token, expires = codec.issue({**state, "d": format_datestamp(last.datestamp), "i": last.publication_id,
                                      "c": cursor + len(page), "n": complete})
        node.add(resumption_element(token, cursor, complete, expires))
    elif not first_page:
        node.add(resumption_element(None, cursor, complete, None))
    return node


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}


# ------------------------------------------------------------------ records


def check_prefix(prefix: str | None) -> None:
    if prefix != METADATA_PREFIX:
        raise OaiError("cannotDisseminateFormat", f"Records are disseminated in {METADATA_PREFIX} only.")


def find_record(oai_identifier: str) -> OaiRecord | None:
    number = publication_id(oai_identifier)
    if number is None:
        return None
    record = db.session.get(OaiRecord, number)
    office = scope()
    return record if record is not None and (not office or record.office == office) else None


def load_sets(ids: list[int]) -> dict[int, list[str]]:
    sets: dict[int, list[str]] = {i: [] for i in ids}
    if sets_enabled():
        rows = db.session.execute(select(OaiRecordSet.publication_id, OaiRecordSet.spec)
                                  .where(OaiRecordSet.publication_id.in_(ids))
                                  .order_by(OaiRecordSet.publication_id, OaiRecordSet.spec))
        for pid, spec in rows:
            sets[pid].append(spec)
    return sets


def load_publications(records: list[OaiRecord]) -> dict[int, Publication]:
    ids = [r.publication_id for r in records if not r.deleted]
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(select(Publication).where(Publication.id.in_(ids)))}


def header_for(record: OaiRecord, sets: dict[int, list[str]], publications: dict[int, Publication] | None) -> Header:
    """A record's header; a live record whose publication or office is gone shows as deleted."""
    gone = record.deleted
    if publications is not None and not gone:
        publication = publications.get(record.publication_id)
        gone = publication is None or publication.office not in offices()
    return Header(identifier(record.publication_id), record.datestamp,
                  tuple(sets.get(record.publication_id, ())), deleted=gone)


def record_element_for(record: OaiRecord, sets, publications: dict[int, Publication]):
    header = header_for(record, sets, publications)
    if header.deleted:
        return record_element(header, None)
    publication = publications[record.publication_id]
    office = offices()[publication.office]
    url = external_url("catalogue.detail", office_slug=publication.office, publication_id=publication.id)
    return record_element(header, dublin_core_element(metadata.dublin_core(publication, office, url)))

