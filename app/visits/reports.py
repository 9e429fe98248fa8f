"""The walk-in desk's report for a day or a month: waits against the promise, no-shows,
visits by purpose, hour and visitor profile.

Plain functions of a SQLAlchemy session and an office (no request, no templates).  Counts
are grouped in SQL; the waits are read as pairs of times and their median and 90th percentile computed
here, because the two databases share no percentile function.

Definitions (the report page says them too):

* wait: from the guest-book entry (the ticket's issue) to the number's first call;
* within the promise: a wait of at most the walk-in promise of the standard
  (``standard.completion.walk_in`` minutes).  Judged for every ticket that was called,
  and for every ticket never called once it has waited longer than the promise (until
  now, or until the desk closed that day): an abandoned visitor is a promise broken;
* service time: from the start of service to its end, against ``visits.max_service_minutes``
  where the office has one (Bengkulu: 2 hours).

Labels (periods, weekdays, categories, the CSV's headers) are written in the page's language
through app/lang.py; the figures are the same in both.
"""

from __future__ import annotations

import calendar
import csv
import io
import math
import re
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.accounts.models import OCCUPATIONS
from app.offices import Office
from app.timeutil import to_local
from app.lang import _, _l, format_date, format_date_long
from app.visits.models import (AGE_GROUPS, EDUCATION, GENDERS, STATUS_LABELS, GuestBookEntry,
                               LockerAssignment, QueueTicket, occupation_label, service_labels)
from app.visits.queue import closing_moment


# ------------------------------------------------------------------ periods


@dataclass(frozen=True)
class Period:
    """A day or a calendar month of an office's local dates (both ends included)."""

    kind: str  # "day" or "month"
    start: date
    end: date

    @property
    def label(self) -> str:
        """Senin, 2 Maret 2026 / Maret 2026 (Monday, 2 March 2026 / March 2026)."""
        if self.kind == "day":
            return f"{format_date(self.start, 'EEEE')}, {format_date_long(self.start)}"
        return format_date(self.start, "LLLL y")

    @property
    def args(self) -> dict[str, str]:
        """The query arguments that name this period in a URL."""
        if self.kind == "day":
            return {"tanggal": self.start.isoformat()}
        return {"bulan": f"{self.start.year:04d}-{self.start.month:02d}"}

    @property
    def slug(self) -> str:
        return self.start.isoformat() if self.kind == "day" else self.start.strftime("%Y-%m")

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


def day_period(day: date) -> Period:
    return Period("day", day, day)


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period("month", date(year, month, 1), date(year, month, last))


DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(day_text: str | None, month_text: str | None, today: date) -> tuple[Period, str | None]:
    """The period a report URL asks for, or today with a message when it is not a valid one."""
    if month_text:
        match = MONTH_RE.match(month_text.strip()[:10])
        if match and 2000 <= int(match[1]) <= 2100 and 1 <= int(match[2]) <= 12:
            return month_period(int(match[1]), int(match[2])), None
        return day_period(today), _("Bulan tidak valid (tulis seperti 2026-03); laporan hari ini ditampilkan.")
    if day_text:
        match = DATE_RE.match(day_text.strip()[:12])
        if match and 2000 <= int(match[1]) <= 2100:
            try:
                return day_period(date(int(match[1]), int(match[2]), int(match[3]))), None
            except ValueError:
                pass
        return day_period(today), _("Tanggal tidak valid (tulis seperti 2026-03-02); laporan hari ini ditampilkan.")
    return day_period(today), None


# ------------------------------------------------------------------ statistics


def percentile(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile with linear interpolation between the closest ranks (None if empty)."""
    data = sorted(values)
    if not data:
        return None
    rank = (len(data) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return data[low] + (data[high] - data[low]) * (rank - low)


def minutes_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds() / 60)


@dataclass
class Summary:
    """Counts and waits of a set of tickets."""

    issued: int = 0
    called: int = 0
    served: int = 0
    no_shows: int = 0
    open: int = 0
    median_wait: float | None = None
    p90_wait: float | None = None
    within_promise: int = 0
    #: Tickets judged against the promise: called ones, and uncalled ones already late.
    judged: int = 0
    #: Of those, never called (still waiting, or left waiting when the desk closed).
    late_uncalled: int = 0
    within_share: float | None = None
    median_service: float | None = None
    over_service: int = 0


def kept_promise(ticket: QueueTicket, promise: int | None, until: datetime) -> bool | None:
    """True or False once a ticket can be judged against the promise; None before that.

    ``until`` is when an uncalled ticket stops waiting: now, or the desk's closing time.
    """
    if promise is None:
        return None
    if ticket.called_at is not None:
        return (ticket.called_at - ticket.issued_at).total_seconds() <= promise * 60
    if ticket.status == "waiting" and (until - ticket.issued_at).total_seconds() > promise * 60:
        return False
    return None


def summarise(tickets: list[QueueTicket], promise: int | None, longest: int | None,
              until=lambda day: datetime.max) -> Summary:
    """Counts and waits; ``until(day)`` is when an uncalled ticket of that day stops waiting."""
    waits = [minutes_between(t.issued_at, t.called_at) for t in tickets if t.called_at is not None]
    services = [minutes_between(t.started_at, t.finished_at) for t in tickets
                if t.status == "done" and t.started_at is not None and t.finished_at is not None]
    summary = Summary(
        issued=len(tickets),
        called=len(waits),
        served=sum(t.status == "done" for t in tickets),
        no_shows=sum(t.status == "no_show" for t in tickets),
        open=sum(t.status in ("waiting", "called", "serving") for t in tickets),
        median_wait=statistics.median(waits) if waits else None,
        p90_wait=percentile(waits, 90),
        median_service=statistics.median(services) if services else None,
    )
    verdicts = [(t, kept_promise(t, promise, until(t.day))) for t in tickets]
    judged = [(t, kept) for t, kept in verdicts if kept is not None]
    if judged:
        summary.judged = len(judged)
        summary.within_promise = sum(kept for _, kept in judged)
        summary.late_uncalled = sum(t.called_at is None for t, _ in judged)
        summary.within_share = summary.within_promise / len(judged)
    if longest is not None:
        summary.over_service = sum(s > longest for s in services)
    return summary


# ------------------------------------------------------------------ the report


@dataclass
class VisitReport:
    office: Office
    period: Period
    promise: int | None
    longest: int | None
    summary: Summary
    tickets: list[QueueTicket]
    by_purpose: list[tuple[str, int]]
    by_hour: list[tuple[str, int]]
    profile: dict[str, list[tuple[str, int]]]
    per_day: list[tuple[date, Summary]] = field(default_factory=list)
    lockers_at_close: list[LockerAssignment] = field(default_factory=list)
    closing: datetime | None = None
    #: When an uncalled ticket of a day stops waiting (for the CSV's verdicts).
    until: object = None


def _tickets(session: Session, office: Office, period: Period) -> list[QueueTicket]:
    return session.scalars(
        select(QueueTicket).where(QueueTicket.office == office.slug, QueueTicket.day >= period.start,
                                  QueueTicket.day <= period.end)
        .options(selectinload(QueueTicket.entry), selectinload(QueueTicket.lockers))
        .order_by(QueueTicket.day, QueueTicket.issued_at, QueueTicket.id)).all()


def _counted(rows, labels: dict[str, str]) -> list[tuple[str, int]]:
    """Counts in the order of a label list, every label shown (zero too), unknown ones last."""
    counts = {key: count for key, count in rows}
    out = [(label, counts.pop(key, 0)) for key, label in labels.items()]
    out.extend((str(key) if key is not None else _("Tidak diketahui"), count) for key, count in counts.items())
    return out


def _grouped(session: Session, office: Office, period: Period, column) -> list:
    """Counts per value of a column of the entry (or the ticket), grouped in SQL."""
    query = (select(column, func.count(QueueTicket.id)).select_from(QueueTicket)
             .where(QueueTicket.office == office.slug, QueueTicket.day >= period.start,
                    QueueTicket.day <= period.end))
    if column.class_ is GuestBookEntry:
        query = query.join(GuestBookEntry, QueueTicket.entry_id == GuestBookEntry.id)
    return session.execute(query.group_by(column)).all()


def lockers_taken_at(session: Session, office: Office, moment: datetime) -> list[LockerAssignment]:
    """Lockers that were lent and not yet back at a moment (naive UTC)."""
    return session.scalars(
        select(LockerAssignment).where(
            LockerAssignment.office == office.slug, LockerAssignment.assigned_at < moment,
            (LockerAssignment.released_at.is_(None)) | (LockerAssignment.released_at > moment))
        .options(selectinload(LockerAssignment.ticket))
        .order_by(LockerAssignment.locker, LockerAssignment.assigned_at)).all()


def waiting_until(office: Office, now: datetime):
    """For each day: the moment an uncalled visitor stops waiting (now, or closing time)."""
    return lambda day: min(now, closing_moment(office, day))


def build_report(session: Session, office: Office, period: Period, now: datetime) -> VisitReport:
    """The report of an office for a day or a month, as it stands at ``now`` (naive UTC)."""
    promise = office.walk_in_promise_minutes
    longest = office.visits.max_service_minutes
    tickets = _tickets(session, office, period)
    until = waiting_until(office, now)

    by_purpose = _counted(_grouped(session, office, period, QueueTicket.service), service_labels(office))
    profile = {
        _("Jenis kelamin"): _counted(_grouped(session, office, period, GuestBookEntry.gender), GENDERS),
        _("Kelompok umur"): _counted(_grouped(session, office, period, GuestBookEntry.age_group), AGE_GROUPS),
        _("Pendidikan"): _counted(_grouped(session, office, period, GuestBookEntry.education), EDUCATION),
        _("Pekerjaan"): _counted(_grouped(session, office, period, GuestBookEntry.occupation),
                                 {o: occupation_label(o) for o in OCCUPATIONS}),
    }

    # Hours in the office's zone: converted here, since SQLite and PostgreSQL convert differently.
    hours = [to_local(t.issued_at, office.timezone).hour for t in tickets]
    first, last = (min(hours + [8]), max(hours + [15]))
    by_hour = [(f"{h:02d}", hours.count(h)) for h in range(first, last + 1)]

    report = VisitReport(office=office, period=period, promise=promise, longest=longest, until=until,
                         summary=summarise(tickets, promise, longest, until), tickets=tickets,
                         by_purpose=by_purpose, by_hour=by_hour, profile=profile)
    if period.kind == "month":
        by_day: dict[date, list[QueueTicket]] = {}
        for ticket in tickets:
            by_day.setdefault(ticket.day, []).append(ticket)
        report.per_day = [(day, summarise(by_day.get(day, []), promise, longest, until)) for day in period.days()]
    else:
        report.closing = closing_moment(office, period.start)
        report.lockers_at_close = lockers_taken_at(session, office, report.closing)
    return report


# ------------------------------------------------------------------ CSV


#: The columns, written in the language of the page that asked for the file (like its labels);
#: dates, times and numbers are the same in both (ISO dates, a decimal point).
CSV_HEADER = [_l("tanggal"), _l("nomor"), _l("layanan"), _l("status"), _l("diambil"), _l("dipanggil"),
              _l("mulai_dilayani"), _l("selesai"), _l("tunggu_menit"), _l("sesuai_janji"), _l("lama_layanan_menit"),
              _l("jenis_kelamin"), _l("kelompok_umur"), _l("pendidikan"), _l("pekerjaan"), _l("loker")]


def _clock(moment: datetime | None, zone: str) -> str:
    return to_local(moment, zone).strftime("%H:%M:%S") if moment else ""


def _number(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else ""


def _safe_cell(value: str) -> str:
    """No cell may start like a spreadsheet formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def report_csv(report: VisitReport) -> str:
    """One row per ticket, without names, addresses or institutions."""
    zone = report.office.timezone
    services = service_labels(report.office)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(column) for column in CSV_HEADER])
    for t in report.tickets:
        wait = minutes_between(t.issued_at, t.called_at)
        service = minutes_between(t.started_at, t.finished_at) if t.status == "done" else None
        kept = kept_promise(t, report.promise, report.until(t.day)) if report.until else None
        within = "" if kept is None else _("ya") if kept else _("tidak")
        entry = t.entry
        writer.writerow([_safe_cell(str(v)) for v in (
            t.day.isoformat(), t.code, services.get(t.service, t.service), STATUS_LABELS.get(t.status, t.status),
            _clock(t.issued_at, zone), _clock(t.called_at, zone), _clock(t.started_at, zone),
            _clock(t.finished_at, zone), _number(wait), within, _number(service),
            entry.gender_label if entry else "", entry.age_group_label if entry else "",
            entry.education_label if entry else "", entry.occupation_label if entry else "",
            " ".join(a.locker for a in t.lockers))])
    return out.getvalue()
