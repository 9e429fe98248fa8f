"""Office profiles: load ``offices/<slug>.yaml``, validate, freeze.

This module knows nothing of Flask.  :func:`load_offices` reads every profile in a
folder, checks it against the schema below and returns frozen :class:`Office`
objects; any problem raises :class:`ProfileError` listing each file, field path and
what is wrong, so a broken profile stops the application at start.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from app.text import N_
from app.timeutil import ZONE_ABBREVIATIONS

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: Weekday names in Indonesian; pages show them in the visitor's language (``N_``, app/text.py).
WEEKDAY_NAMES_ID = (N_("Senin"), N_("Selasa"), N_("Rabu"), N_("Kamis"), N_("Jumat"), N_("Sabtu"), N_("Minggu"))

#: Channels a requirement, step or promise applies to, in display order.  The labels are
#: the site's headings around the standard (translated where shown), not the standard's text.
CHANNELS = ("walk_in", "online", "all")
CHANNEL_LABELS = {
    "walk_in": N_("Layanan dengan cara kunjungan langsung"),
    "online": N_("Layanan dengan cara online"),
    "all": N_("Layanan kunjungan langsung dan online"),
}

#: Complaint channel kinds and their Indonesian labels.
COMPLAINT_KINDS = {
    "box": "Kotak saran dan pengaduan",
    "web": "Situs web",
    "email": "Surel",
    "sms_whatsapp": "SMS/WhatsApp",
    "whatsapp": "WhatsApp",
    "sms": "SMS",
    "phone": "Telepon",
    "lapor": "SP4N-LAPOR",
    "social": "Media sosial",
}

LEVELS = ("provinsi", "kabupaten", "kota")

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
PHONE_RE = re.compile(r"^(?=(?:\D*\d){7,15}\D*$)\+?[0-9(][0-9 ()\-.]{5,22}[0-9]$")
HOST_RE = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")



class ProfileError(Exception):
    """One or more office profiles are invalid; ``problems`` lists them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Problem:
    """A single validation problem: which file, which field, what is wrong."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


# --------------------------------------------------------------------------- objects


@dataclass(frozen=True)
class Step:
    """A requirement or procedure step, possibly with nested sub-steps."""

    text: str
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class ChannelSteps:
    """Steps for one channel (walk-in, online, or both)."""

    channel: str
    steps: tuple[Step, ...]

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self.channel]


@dataclass(frozen=True)
class Promise:
    """A completion-time promise for one channel, as published."""

    channel: str
    text: str
    minutes: int | None = None

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self.channel]


@dataclass(frozen=True)
class Link:
    """A clickable form of a contact: label shown, href followed."""

    label: str
    href: str
    #: An action on the value (send an SMS, open a chat) rather than content; not printed.
    action: bool = False


@dataclass(frozen=True)
class ComplaintChannel:
    """A channel for complaints, suggestions and feedback, as published."""

    kind: str
    label: str
    value: str | None
    links: tuple[Link, ...] = ()
    note: str | None = None

    @property
    def value_link(self) -> Link | None:
        """The link that the value itself stands for (an address or a number)."""
        for link in self.links:
            if link.label == self.value:
                return link
        return None

    @property
    def extra_links(self) -> tuple[Link, ...]:
        """Links shown after the value."""
        return tuple(link for link in self.links if link.label != self.value)


@dataclass(frozen=True)
class Interval:
    start: time
    end: time


@dataclass(frozen=True)
class DayHours:
    """Opening hours of one weekday with its breaks."""

    weekday: int  # Monday is 0, as in datetime.weekday()
    open: time
    close: time
    breaks: tuple[Interval, ...] = ()

    @property
    def name(self) -> str:
        return WEEKDAY_NAMES_ID[self.weekday]


@dataclass(frozen=True)
class Standard:
    """The six public components of the service standard (PermenPANRB 15/2014)."""

    service_name: str
    sk_number: str | None
    requirements: tuple[ChannelSteps, ...]
    procedure: tuple[ChannelSteps, ...]
    completion_headline: str | None
    completion: tuple[Promise, ...]
    fees: tuple[str, ...]
    products: tuple[str, ...]
    complaints: tuple[ComplaintChannel, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class VisitService:
    """A service a walk-in visitor can queue for, with the prefix of its numbers (P-001)."""

    key: str
    label: str
    prefix: str


@dataclass(frozen=True)
class Locker:
    """A locker for visitors' bags."""

    number: str
    note: str | None = None


@dataclass(frozen=True)
class VisitSettings:
    """The office's own settings for its walk-in desk (``visits:``; not the published standard)."""

    #: The library first, then the other PST services the office offers.
    services: tuple[VisitService, ...]
    lockers: tuple[Locker, ...] = ()
    #: Guest-book entries keep their personal fields this many days (UU 27/2022).
    retention_days: int = 365
    #: The longest a visit may last, where the standard promises one (Bengkulu: 2 hours).
    max_service_minutes: int | None = None

    def service(self, key: str) -> VisitService | None:
        for service in self.services:
            if service.key == key:
                return service
        return None


LIBRARY_SERVICE = "perpustakaan"
DEFAULT_VISITS = VisitSettings(services=(VisitService(LIBRARY_SERVICE, "Perpustakaan", "P"),))


@dataclass(frozen=True)
class Office:
    """A BPS office and its library service standard."""

    slug: str
    bps_code: str
    name: str
    level: str
    province: str
    unit_name: str
    hierarchy: tuple[str, ...]
    address: str
    #: The town publications name as their place of publication (APA, BibTeX, RIS).
    city: str
    postcode: str | None
    phone: str | None
    website: str | None
    email: str | None
    timezone: str
    hours: tuple[DayHours, ...]
    standard: Standard
    source: str = field(default="", compare=False)
    visits: VisitSettings = DEFAULT_VISITS
    #: Days within which staff answer a softcopy request, consultation, report or complaint
    #: (``requests: {promise_days: N}``), where the office has promised one.
    request_promise_days: int | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def zone_abbreviation(self) -> str:
        return ZONE_ABBREVIATIONS.get(self.timezone, self.timezone)

    @property
    def phone_href(self) -> str | None:
        return tel_href(self.phone) if self.phone else None

    def hours_for(self, weekday: int) -> DayHours | None:
        """The opening hours of a weekday (Monday is 0), or None if closed."""
        for day in self.hours:
            if day.weekday == weekday:
                return day
        return None

    @property
    def walk_in_promise_minutes(self) -> int | None:
        """The shortest promised waiting time for walk-in visitors, in minutes."""
        minutes = [p.minutes for p in self.standard.completion
                   if p.channel in ("walk_in", "all") and p.minutes is not None]
        return min(minutes) if minutes else None

    def search_text(self) -> str:
        """Words a visitor may type to find this office in the directory."""
        return fold(" ".join((self.name, self.province, self.slug, self.bps_code)))


def fold(text: str) -> str:
    """Lower-case and strip accents, for forgiving name matching."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def phone_digits(value: str) -> str:
    """An Indonesian phone number as international digits (62…)."""
    digits = re.sub(r"\D", "", value)
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


def tel_href(value: str) -> str:
    return "tel:+" + phone_digits(value)


def web_href(value: str) -> str:
    """An absolute http(s) URL for a web address written with or without a scheme."""
    return value if re.match(r"^https?://", value) else "https://" + value


# --------------------------------------------------------------------------- schema
#
# A tiny declarative validator.  Each checker takes (value, path, problems) and
# returns the normalised value, appending a Problem-less (path, message) pair to
# ``problems`` for anything wrong.  Keeping it in code (rather than JSON Schema)
# lets messages name the field in the words an editor of the YAML would use.

Errors = list[tuple[str, str]]
Checker = Callable[[Any, str, Errors], Any]

_MISSING = object()


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def text(value: Any, path: str, errors: Errors) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        errors.append((path, f"must be text, got {_kind(value)}"))
        return None
    value = " ".join(str(value).split())
    if not value:
        errors.append((path, "must not be empty"))
        return None
    return value


def integer(value: Any, path: str, errors: Errors) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append((path, f"must be a whole number, got {_kind(value)}"))
        return None
    if value < 0:
        errors.append((path, "must not be negative"))
        return None
    return value


def pattern(regex: re.Pattern, what: str) -> Checker:
    def check(value: Any, path: str, errors: Errors) -> str | None:
        value = text(value, path, errors)
        if value is not None and not regex.match(value):
            errors.append((path, f"{value!r} is not {what}"))
            return None
        return value
    return check


def one_of(choices) -> Checker:
    def check(value: Any, path: str, errors: Errors) -> str | None:
        value = text(value, path, errors)
        if value is not None and value not in choices:
            errors.append((path, f"{value!r} is not one of: {', '.join(choices)}"))
            return None
        return value
    return check


def url(value: Any, path: str, errors: Errors) -> str | None:
    value = text(value, path, errors)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not HOST_RE.match(parts.hostname or ""):
        errors.append((path, f"{value!r} is not a web address (http:// or https://)"))
        return None
    return value


def zone(value: Any, path: str, errors: Errors) -> str | None:
    value = text(value, path, errors)
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        errors.append((path, f"{value!r} is not an IANA time zone (e.g. Asia/Jakarta)"))
        return None
    return value


def clock(value: Any, path: str, errors: Errors) -> time | None:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 08:30 as the sexagesimal number 510.
        errors.append((path, "must be a quoted time \"HH:MM\" (unquoted times are read as numbers)"))
        return None
    value = text(value, path, errors)
    if value is None:
        return None
    match = TIME_RE.match(value)
    if not match:
        errors.append((path, f"{value!r} is not a time HH:MM (24-hour)"))
        return None
    return time(int(match[1]), int(match[2]))


email = pattern(EMAIL_RE, "an email address")
phone = pattern(PHONE_RE, "a phone number")


def list_of(item: Checker, *, allow_empty: bool = False) -> Checker:
    def check(value: Any, path: str, errors: Errors) -> tuple | None:
        if not isinstance(value, list):
            errors.append((path, f"must be a list, got {_kind(value)}"))
            return None
        if not value and not allow_empty:
            errors.append((path, "must not be empty"))
            return None
        out = [item(v, _join(path, i), errors) for i, v in enumerate(value)]
        return tuple(out)
    return check


def mapping(fields: dict[str, tuple[Checker, bool]]) -> Checker:
    """A dict with known keys; each field is (checker, required)."""

    def check(value: Any, path: str, errors: Errors) -> dict | None:
        if not isinstance(value, dict):
            errors.append((path, f"must be a mapping of fields, got {_kind(value)}"))
            return None
        out: dict[str, Any] = {}
        for key in value:
            if key not in fields:
                known = ", ".join(fields)
                errors.append((_join(path, str(key)), f"unknown field (known fields: {known})"))
        for key, (checker, required) in fields.items():
            raw = value.get(key, _MISSING)
            if raw is _MISSING or raw is None:
                if required:
                    errors.append((_join(path, key), "is required"))
                out[key] = None
                continue
            out[key] = checker(raw, _join(path, key), errors)
        return out
    return check


def step(value: Any, path: str, errors: Errors) -> Step | None:
    """A step is a text, or a mapping {text, steps} with nested steps."""
    if isinstance(value, dict):
        data = mapping({"text": (text, True), "steps": (list_of(step), True)})(value, path, errors)
        if data is None or data["text"] is None or data["steps"] is None:
            return None
        return Step(data["text"], tuple(s for s in data["steps"] if s))
    value = text(value, path, errors)
    return Step(value) if value is not None else None


def channel_steps(value: Any, path: str, errors: Errors) -> tuple[ChannelSteps, ...] | None:
    fields = {c: (list_of(step), False) for c in CHANNELS}
    data = mapping(fields)(value, path, errors)
    if data is None:
        return None
    groups = tuple(ChannelSteps(c, tuple(s for s in data[c] if s))
                   for c in CHANNELS if data[c])
    if not groups and not any(p == path or p.startswith(path + ".") for p, _ in errors):
        errors.append((path, f"needs steps for at least one channel ({', '.join(CHANNELS)})"))
    return groups


def promise(channel: str) -> Checker:
    def check(value: Any, path: str, errors: Errors) -> Promise | None:
        data = mapping({"text": (text, True), "minutes": (integer, False)})(value, path, errors)
        if data is None or data["text"] is None:
            return None
        return Promise(channel, data["text"], data["minutes"])
    return check


_DURATION_RE = re.compile(r"^(\d+)(?:\s*(menit|jam|hari(?: kerja)?))?$", re.IGNORECASE)


def duration(value: Any, path: str, errors: Errors) -> str | None:
    """A completion time as published, e.g. '20 Menit', '2 jam' (a bare number means minutes)."""
    value = text(value, path, errors)
    if value is None:
        return None
    match = _DURATION_RE.match(value)
    if not match or int(match.group(1)) == 0:
        errors.append((path, f"{value!r} is not a duration such as '20 Menit' or '2 jam' "
                             "(leave headline out when the standard gives none)"))
        return None
    return value if match.group(2) else f"{value} menit"


def completion(value: Any, path: str, errors: Errors) -> dict | None:
    fields: dict[str, tuple[Checker, bool]] = {"headline": (duration, False)}
    fields.update({c: (list_of(promise(c)), False) for c in CHANNELS})
    data = mapping(fields)(value, path, errors)
    if data is None:
        return None
    promises = tuple(p for c in CHANNELS for p in (data[c] or ()) if p)
    return {"headline": data["headline"], "promises": promises}


def complaint(value: Any, path: str, errors: Errors) -> ComplaintChannel | None:
    link = mapping({"label": (text, True), "url": (url, True)})
    data = mapping({
        "kind": (one_of(tuple(COMPLAINT_KINDS)), True),
        "label": (text, False),
        "value": (text, False),
        "links": (list_of(link), False),
        "note": (text, False),
    })(value, path, errors)
    if data is None or data["kind"] is None:
        return None
    kind, value_text = data["kind"], data["value"]
    if data["links"]:
        links = tuple(Link(d["label"], d["url"]) for d in data["links"] if d and d["url"])
    elif value_text:
        links = _derived_links(kind, value_text, _join(path, "value"), errors)
    else:
        errors.append((_join(path, "value"), "is required when no links are given"))
        return None
    return ComplaintChannel(kind, data["label"] or COMPLAINT_KINDS[kind], value_text, links,
                            data["note"])


def _derived_links(kind: str, value: str, path: str, errors: Errors) -> tuple[Link, ...]:
    """Working links for a channel whose value is a single address or number."""
    if kind == "email":
        if email(value, path, errors) is None:
            return ()
        return (Link(value, f"mailto:{value}"),)
    if kind in ("phone", "sms", "whatsapp", "sms_whatsapp"):
        if phone(value, path, errors) is None:
            return ()
        digits = phone_digits(value)
        return {
            "phone": (Link(value, f"tel:+{digits}"),),
            "sms": (Link(value, f"sms:+{digits}"),),
            "whatsapp": (Link(N_("Chat WhatsApp"), f"https://wa.me/{digits}", action=True),),
            "sms_whatsapp": (Link(N_("Kirim SMS"), f"sms:+{digits}", action=True),
                             Link(N_("Chat WhatsApp"), f"https://wa.me/{digits}", action=True)),
        }[kind]
    if kind in ("web", "lapor", "social"):
        href = url(web_href(value), path, errors)
        return (Link(value, href),) if href else ()
    return ()


def day_hours(weekday: int) -> Checker:
    interval = mapping({"start": (clock, True), "end": (clock, True)})

    def check(value: Any, path: str, errors: Errors) -> DayHours | None:
        data = mapping({"open": (clock, True), "close": (clock, True),
                        "breaks": (list_of(interval, allow_empty=True), False)})(value, path, errors)
        if data is None or data["open"] is None or data["close"] is None:
            return None
        opens, closes = data["open"], data["close"]
        if opens >= closes:
            errors.append((_join(path, "close"), f"must be later than open ({opens:%H:%M})"))
            return None
        breaks: list[Interval] = []
        for i, b in enumerate(data["breaks"] or ()):
            if not b or b["start"] is None or b["end"] is None:
                continue
            where = _join(_join(path, "breaks"), i)
            if b["start"] >= b["end"]:
                errors.append((_join(where, "end"), f"must be later than start ({b['start']:%H:%M})"))
            elif b["start"] <= opens or b["end"] >= closes:
                errors.append((where, f"break {b['start']:%H:%M}-{b['end']:%H:%M} must lie inside "
                                      f"opening hours {opens:%H:%M}-{closes:%H:%M}"))
            elif breaks and b["start"] < breaks[-1].end:
                errors.append((where, "breaks must be in order and must not overlap"))
            else:
                breaks.append(Interval(b["start"], b["end"]))
        return DayHours(weekday, opens, closes, tuple(breaks))
    return check


def hours(value: Any, path: str, errors: Errors) -> tuple[DayHours, ...] | None:
    data = mapping({d: (day_hours(i), False) for i, d in enumerate(WEEKDAYS)})(value, path, errors)
    if data is None:
        return None
    return tuple(data[d] for d in WEEKDAYS if data[d])


STANDARD = mapping({
    "service_name": (text, True),
    "sk_number": (text, False),
    "requirements": (channel_steps, True),
    "procedure": (channel_steps, True),
    "completion": (completion, True),
    "fees": (list_of(text), True),
    "products": (list_of(text), True),
    "complaints": (list_of(complaint), True),
    "notes": (list_of(text), False),
})

def _unique(items: tuple, attribute: str, path: str, key: str, errors: Errors) -> None:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if item is None:
            continue
        value = getattr(item, attribute)
        if value in seen:
            errors.append((_join(_join(path, i), key),
                           f"{value!r} is already used by {_join(path, seen[value])}"))
        seen.setdefault(value, i)


def visits_section(value: Any, path: str, errors: Errors) -> VisitSettings | None:
    """The walk-in desk: queue services with their prefixes, lockers, retention."""
    service = mapping({
        "key": (pattern(re.compile(r"^[a-z][a-z0-9-]{0,29}$"), "a service key (lower-case letters, digits, hyphens)"), True),
        "label": (text, True),
        "prefix": (pattern(re.compile(r"^[A-Z]{1,2}$"), "a queue prefix of one or two capital letters"), True),
    })
    locker = mapping({
        "number": (pattern(re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,9}$"),
                           "a locker number (letters, digits and hyphens, at most 10)"), True),
        "note": (text, False),
    })
    data = mapping({
        "services": (list_of(service), False),
        "lockers": (list_of(locker, allow_empty=True), False),
        "retention_days": (integer, False),
        "max_service_minutes": (integer, False),
    })(value, path, errors)
    if data is None:
        return None
    services = DEFAULT_VISITS.services
    if data["services"] is not None:
        services = tuple(VisitService(d["key"], d["label"], d["prefix"]) if d and None not in d.values() else None
                         for d in data["services"])
        where = _join(path, "services")
        _unique(services, "key", where, "key", errors)
        _unique(services, "prefix", where, "prefix", errors)
        if services[0] is not None and services[0].key != LIBRARY_SERVICE:
            errors.append((_join(_join(where, 0), "key"),
                           f"the first service must be {LIBRARY_SERVICE!r} (the library comes first)"))
    lockers = tuple(Locker(d["number"], d["note"]) if d and d["number"] else None
                    for d in data["lockers"] or ())
    _unique(lockers, "number", _join(path, "lockers"), "number", errors)
    retention = data["retention_days"]
    if retention is not None and not 1 <= retention <= 3650:
        errors.append((_join(path, "retention_days"), f"{retention} must be between 1 and 3650 days"))
    longest = data["max_service_minutes"]
    if longest == 0:
        errors.append((_join(path, "max_service_minutes"), "must be at least 1 minute"))
    return VisitSettings(services=tuple(s for s in services if s), lockers=tuple(lk for lk in lockers if lk),
                         retention_days=retention or DEFAULT_VISITS.retention_days,
                         max_service_minutes=longest or None)


def requests_section(value: Any, path: str, errors: Errors) -> int | None:
    """Requests to the office (softcopy, consultation, reports, complaints): the promised days."""
    data = mapping({"promise_days": (integer, True)})(value, path, errors)
    days = data["promise_days"] if data else None
    if days is not None and not 1 <= days <= 365:
        errors.append((_join(path, "promise_days"), f"{days} must be between 1 and 365 days"))
        return None
    return days


PROFILE = mapping({
    "slug": (pattern(SLUG_RE, "a slug (lower-case letters, digits, hyphens)"), True),
    "bps_code": (pattern(re.compile(r"^\d{4}$"), "a four-digit BPS code"), True),
    "name": (text, True),
    "level": (one_of(LEVELS), True),
    "province": (text, True),
    "unit_name": (text, True),
    "hierarchy": (list_of(text), True),
    "address": (text, True),
    "city": (text, True),
    "postcode": (pattern(re.compile(r"^\d{5}$"), "a five-digit postcode"), False),
    "phone": (phone, False),
    "website": (url, False),
    "email": (email, False),
    "timezone": (zone, True),
    "hours": (hours, False),
    "standard": (STANDARD, True),
    "visits": (visits_section, False),
    "requests": (requests_section, False),
})


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", type(None): "nothing"}.get(type(value), type(value).__name__)


# --------------------------------------------------------------------------- loading


def parse_profile(data: Any, file_name: str) -> tuple[Office | None, list[Problem]]:
    """Validate one parsed YAML document; return the office or the problems."""
    errors: Errors = []
    profile = PROFILE(data, "", errors)
    expected_slug = Path(file_name).stem
    if profile and profile["slug"] and profile["slug"] != expected_slug:
        errors.append(("slug", f"{profile['slug']!r} must equal the file name {expected_slug!r}"))
    if errors:
        return None, [Problem(file_name, p, m) for p, m in errors]
    std = profile["standard"]
    standard = Standard(
        service_name=std["service_name"],
        sk_number=std["sk_number"],
        requirements=std["requirements"],
        procedure=std["procedure"],
        completion_headline=std["completion"]["headline"],
        completion=std["completion"]["promises"],
        fees=std["fees"],
        products=std["products"],
        complaints=std["complaints"],
        notes=std["notes"] or (),
    )
    office = Office(
        slug=profile["slug"],
        bps_code=profile["bps_code"],
        name=profile["name"],
        level=profile["level"],
        province=profile["province"],
        unit_name=profile["unit_name"],
        hierarchy=profile["hierarchy"],
        address=profile["address"],
        city=profile["city"],
        postcode=profile["postcode"],
        phone=profile["phone"],
        website=profile["website"],
        email=profile["email"],
        timezone=profile["timezone"],
        hours=profile["hours"] or (),
        standard=standard,
        source=file_name,
        visits=profile["visits"] or DEFAULT_VISITS,
        request_promise_days=profile["requests"],
    )
    return office, []


def read_profile(path: Path, display_name: str | None = None) -> tuple[Office | None, list[Problem]]:
    """Read and validate one profile file."""
    name = display_name or str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return None, [Problem(name, "", "is not UTF-8 text")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(name, where, f"is not valid YAML: {reason}")]
    except OSError as exc:
        return None, [Problem(name, "", f"cannot be read: {exc.strerror}")]
    return parse_profile(data, name)


def check_folder(folder: Path) -> tuple[dict[str, Office], list[Problem]]:
    """Validate every ``*.yaml`` profile in a folder; return offices and problems."""
    offices: dict[str, Office] = {}
    problems: list[Problem] = []
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not files:
        problems.append(Problem(str(folder), "", "holds no office profiles (*.yaml)"))
    codes: dict[str, str] = {}
    for path in files:
        display = f"{folder.name}/{path.name}"
        office, found = read_profile(path, display)
        problems.extend(found)
        if office is None:
            continue
        if office.bps_code in codes:
            problems.append(Problem(display, "bps_code",
                                    f"{office.bps_code} is already used by {codes[office.bps_code]}"))
            continue
        codes[office.bps_code] = display
        offices[office.slug] = office
    return offices, problems


def load_offices(folder: Path) -> dict[str, Office]:
    """Load all profiles or raise :class:`ProfileError` naming every problem."""
    offices, problems = check_folder(folder)
    if problems:
        raise ProfileError(problems)
    return offices


def directory(offices: dict[str, Office], query: str = "") -> list[tuple[str, list[Office]]]:
    """Offices matching ``query`` grouped by province; provincial office first."""
    words = fold(query).split()
    matching = [o for o in offices.values() if all(w in o.search_text() for w in words)]
    groups: dict[str, list[Office]] = {}
    for office in matching:
        groups.setdefault(office.province, []).append(office)
    return [
        (province, sorted(members, key=lambda o: (o.level != "provinsi", o.name)))
        for province, members in sorted(groups.items())
    ]
