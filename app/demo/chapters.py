"""What the chapters of a demo PDF say: one builder per topic, texts from data files.

No ReportLab here.  A series lists its topics (``data/series.yaml``); each topic has
its texts, table headers and row labels in ``data/chapters.yaml`` and a builder below
that computes the figures: the template fields and the table rows of one page.  So a
publication talks only about its own topics, and :mod:`app.demo.pdfs` only lays out
the :class:`Page` values this module returns.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from html import escape
from typing import Any, Callable

from app.demo import figures as fig
from app.demo.datafiles import load
from app.demo.figures import fmt_id
from app.demo.records import INDUSTRIES, DemoOffice, Series, Subunit, office_for, series_for, unit


@dataclass(frozen=True)
class Context:
    """A record being rendered, with what its chapters need to know."""

    record: dict
    office: DemoOffice
    series: Series
    kecamatan: str | None
    year: int
    data_year: int
    rng: random.Random

    @property
    def fields(self) -> dict[str, Any]:
        """Template fields every text of this record may use."""
        o = self.office
        return {
            "region": o.region, "province": o.province, "sub": o.subunit_label,
            "sub_lower": o.subunit_lower, "village_label": o.village_label,
            "village_lower": o.village_label.lower(), "kecamatan": self.kecamatan or "",
            "year": self.year, "data_year": self.data_year, "title": self.record.get("title", ""),
        }


def context(record: dict) -> Context:
    """The rendering context of *record*; ValueError for an office the demo does not know."""
    office = office_for(record.get("office"))
    if office is None:
        raise ValueError(f"unknown office {record.get('office')!r}")
    series, kecamatan = series_for(record)
    if kecamatan and kecamatan not in {su.name for su in office.subunits}:
        kecamatan = None
    year = int(record.get("year") or 2024)
    key = f"{record.get('office')}|{record.get('publication_number')}|{record.get('title')}|{year}"
    return Context(record, office, series, kecamatan, year, year - series.data_lag, random.Random(key))


@dataclass(frozen=True)
class Page:
    """One page of a chapter: paragraphs (mini-markup), then a captioned table and its source."""

    paragraphs: list[str]
    caption: str
    header: list[str]
    rows: list[list[str]]
    widths: list[float]  #: column widths in millimetres
    source: str
    total: bool  #: the last row is a total
    wrap_labels: bool  #: the first column holds long labels


def _topics() -> dict[str, dict]:
    return load("chapters")["topics"]


def topic_title(topic: str) -> str:
    return _topics()[topic]["title"]


def chapter_plan(series: Series, chapter_pages: int) -> list[tuple[str, int, int]]:
    """(topic, first page index, page count) per chapter, covering *chapter_pages* pages."""
    topics = list(series.topics[:chapter_pages])
    base, extra = divmod(chapter_pages, len(topics))
    plan, start = [], 0
    for i, topic in enumerate(topics):
        size = base + (1 if i < extra else 0)
        plan.append((topic, start, size))
        start += size
    return plan


def _markup(template: str, fields: dict[str, Any]) -> str:
    """Fill a paragraph template, escaping the values (the template may hold markup)."""
    return template.format_map({k: escape(str(v), quote=False) for k, v in fields.items()})


def _texts(ctx: Context, templates: list, fields: dict[str, Any]) -> list[str]:
    """Paragraphs from templates; a list of templates is a choice of one."""
    return [_markup(ctx.rng.choice(t) if isinstance(t, list) else t, fields) for t in templates]


def overview(ctx: Context) -> list[str]:
    """The short "Sekilas Wilayah" paragraphs: the region's subunits, then the series' intro.

    This is the only text all publications of an office share, so it carries place
    names and areas and no figure of any topic.
    """
    texts = load("texts")["overview"]
    o = ctx.office
    area = sum(su.area_km2 for su in o.subunits)
    parts = [texts["subunit"].format(name=su.name, area=fmt_id(su.area_km2, 2)) for su in o.subunits]
    fields = {**ctx.fields, "location": o.location, "area": fmt_id(area, 2), "count": len(o.subunits),
              "listing": _listing(parts)}
    paragraphs = [_markup(texts["region"], fields)]
    if ctx.kecamatan:
        su = next(s for s in o.subunits if s.name == ctx.kecamatan)
        paragraphs.append(_markup(texts["kecamatan"], {
            **fields, "area": fmt_id(su.area_km2, 2), "percent": fmt_id(su.area_km2 / area * 100, 2),
            "villages": su.villages, "level": o.level}))
    paragraphs.append(_markup(ctx.series.intro, fields))
    return paragraphs


def chapter_page(ctx: Context, topic: str, v: int) -> Page:
    """Page *v* (0-based) of the chapter on *topic*.

    A topic has one or more page kinds; page ``v`` shows kind ``v % kinds`` for data
    year ``data_year - v // kinds``, so a long chapter steps back one year per round.
    """
    spec = _topics()[topic]
    kinds = spec["pages"]
    kind = v % len(kinds)
    y = ctx.data_year - v // len(kinds)
    own, rows = _BUILDERS[topic](ctx, spec, kind, y)
    fields = {**ctx.fields, "y": y, **own}
    text = kinds[kind]
    columns = fields.get("columns", ())
    header: list[str] = []
    for item in text["header"]:
        if "{col}" in item:
            header += [item.format(**fields, col=c) for c in columns]
        else:
            header.append(item.format(**fields))
    widths = [float(w) for w in text["widths"]]
    cells = [[str(c) for c in row] for row in rows]
    if len(widths) != len(header) or any(len(row) != len(header) for row in cells):
        raise ValueError(f"chapters.yaml: topic {topic!r}, page {kind}: header, widths and rows differ")
    return Page(
        paragraphs=_texts(ctx, text["paragraphs"], fields),
        caption=text["caption"].format(**fields),
        header=header,
        rows=cells,
        widths=widths,
        source=text["source"].format(**fields),
        total=bool(text.get("total", False)),
        wrap_labels=bool(text.get("wrap_labels", False)),
    )


# --------------------------------------------------------------------------
# Builders: (context, topic spec, page kind, data year) -> (fields, rows)
# --------------------------------------------------------------------------

Rows = list[list[object]]
Built = tuple[dict[str, Any], Rows]


def _subunit_rows(ctx: Context, cells: Callable[[Subunit], list[object]],
                  total: list[object] | None) -> Rows:
    rows: Rows = [[su.name, *cells(su)] for su in ctx.office.subunits]
    if total is not None:
        rows.append([ctx.office.region, *total])
    return rows


def _items(spec: dict, kind: int) -> list:
    """The row vocabulary of a page kind: its own ``items``, else the topic's."""
    return spec["pages"][kind].get("items") or spec["items"]


def _listing(words: list[str]) -> str:
    """"a, b, dan c"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f", dan {words[-1]}"


def _geografi(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    area = sum(su.area_km2 for su in o.subunits)
    if kind == 0:
        heights = {su.name: int(5 + 900 * unit("alt", o.slug, su.name)) for su in o.subunits}
        rows = _subunit_rows(
            ctx,
            lambda su: [fmt_id(su.area_km2, 2), fmt_id(su.area_km2 / area * 100, 2),
                        fmt_id(heights[su.name]), su.villages],
            [fmt_id(area, 2), "100,00", "-", sum(su.villages for su in o.subunits)],
        )
        return {}, rows
    rows = []
    for m, month in enumerate(fig.months()):
        wet = 0.5 + 0.5 * abs(6.5 - m) / 5.5
        rain = 90 + 310 * wet * (0.6 + 0.8 * unit("rain", o.slug, y, m))
        rows.append([month, fmt_id(25.6 + 1.8 * unit("temp", o.slug, y, m), 1),
                     fmt_id(78 + 10 * unit("hum", o.slug, y, m), 1), fmt_id(rain, 1),
                     int(8 + 16 * wet * unit("hh", o.slug, y, m))])
    return {}, rows


def _penduduk(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    pop = fig.total_population(o, y)
    if kind == 0:
        rows = _subunit_rows(
            ctx,
            lambda su: [fmt_id(fig.population(o, su, y)), fmt_id(su.growth, 2),
                        fmt_id(fig.population(o, su, y) / pop * 100, 2),
                        fmt_id(fig.population(o, su, y) / su.area_km2, 1),
                        fmt_id(fig.sex_ratio(o, su, y), 1)],
            [fmt_id(pop), fmt_id((pop / fig.total_population(o, y - 1) - 1) * 100, 2), "100,00",
             fmt_id(pop / sum(su.area_km2 for su in o.subunits), 1), "-"],
        )
        densest = max(o.subunits, key=lambda su: fig.population(o, su, y) / su.area_km2)
        return {"pop": fmt_id(pop), "densest": densest.name}, rows

    def split(su: Subunit) -> tuple[int, int]:
        p = fig.population(o, su, y)
        r = fig.sex_ratio(o, su, y)
        male = round(p * r / (100 + r))
        return male, p - male

    totals = [sum(split(su)[0] for su in o.subunits), sum(split(su)[1] for su in o.subunits)]
    rows = _subunit_rows(
        ctx, lambda su: [fmt_id(split(su)[0]), fmt_id(split(su)[1]), fmt_id(sum(split(su))),
                         fmt_id(split(su)[0] / split(su)[1] * 100, 1)],
        [fmt_id(totals[0]), fmt_id(totals[1]), fmt_id(sum(totals)), fmt_id(totals[0] / totals[1] * 100, 1)],
    )
    return {"ratio": fmt_id(totals[0] / totals[1] * 100, 1)}, rows


def _penduduk_umur(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    groups = _items(spec, kind)
    pop = fig.total_population(o, y)
    shares = fig.age_shares(o, y, [w for _, w in groups])
    rows: Rows = []
    counts, male_total = [], 0.0
    for i, ((label, _), share) in enumerate(zip(groups, shares)):
        n = pop * share
        male = n * (0.505 - 0.006 * max(0, i - 10))
        counts.append(n)
        male_total += male
        rows.append([label, fmt_id(male), fmt_id(n - male), fmt_id(n)])
    rows.append(["Jumlah", fmt_id(male_total), fmt_id(pop - male_total), fmt_id(pop)])
    productive = sum(counts[3:13])
    return {"productive": fmt_id(productive / pop * 100, 2),
            "dependency": fmt_id((pop - productive) / productive * 100, 2),
            "elderly": fmt_id(sum(counts[13:]) / pop * 100, 2)}, rows


def _proyeksi(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    if kind == 0:
        years = [2020, 2025, 2030, 2035]
        proj = {su.name: [fig.projected_population(o, su, yy) for yy in years] for su in o.subunits}
        totals = [sum(p[i] for p in proj.values()) for i in range(len(years))]

        def rate(first: float, last: float) -> str:
            return fmt_id(((last / first) ** (1 / 15) - 1) * 100, 2)

        rows = _subunit_rows(ctx, lambda su: [*map(fmt_id, proj[su.name]), rate(proj[su.name][0], proj[su.name][-1])],
                             [*map(fmt_id, totals), rate(totals[0], totals[-1])])
        return {"columns": years, "p2020": fmt_id(totals[0]), "p2035": fmt_id(totals[-1]),
                "growth": rate(totals[0], totals[-1])}, rows
    ratio = sum(fig.sex_ratio(o, su, 2020) for su in o.subunits) / len(o.subunits)
    rows, previous = [], None
    for yy in range(2020, 2036):
        total = sum(fig.projected_population(o, su, yy) for su in o.subunits)
        male = round(total * ratio / (100 + ratio))
        growth = "-" if previous is None else fmt_id((total / previous - 1) * 100, 2)
        rows.append([str(yy), fmt_id(male), fmt_id(total - male), fmt_id(total), growth])
        previous = total
    return {"p2030": rows[10][3]}, rows


def _naker(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    if kind == 0:
        years = [y - 2, y - 1, y]
        labs = [fig.labour(o, yy) for yy in years]
        rows: Rows = [
            [label, *[fmt_id(x[key], decimals) for x in labs]]
            for label, key, decimals in _items(spec, kind)
        ]
        return {"columns": years, "y0": years[0], "tpak": fmt_id(labs[-1]["tpak"], 2),
                "tpt": fmt_id(labs[-1]["tpt"], 2), "tpt_prev": fmt_id(labs[-2]["tpt"], 2),
                "working": fmt_id(labs[-1]["bekerja"]),
                "trend": "turun" if labs[-1]["tpt"] < labs[-2]["tpt"] else "naik"}, rows
    lab = fig.labour(o, y)
    rows, tm, tf = [], 0.0, 0.0
    for name, share in _items(spec, kind):
        n = lab["bekerja"] * share * (0.8 + 0.4 * unit("sec", o.slug, name, y))
        male = n * (0.52 + 0.25 * unit("secm", name))
        rows.append([name, fmt_id(male), fmt_id(n - male), fmt_id(n)])
        tm, tf = tm + male, tf + n - male
    rows.append(["Jumlah", fmt_id(tm), fmt_id(tf), fmt_id(tm + tf)])
    return {"tpt": fmt_id(lab["tpt"], 2)}, rows


def _naker_pendidikan(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    lab = fig.labour(o, y)
    groups = _items(spec, kind)
    weights = [share * (0.85 + 0.3 * unit("nk-share", o.slug, label, y)) for label, share, _ in groups]
    norm = sum(weights)
    factors = [factor * (0.9 + 0.2 * unit("nk-rate", o.slug, label, y)) for label, _, factor in groups]
    scale = lab["tpt"] / sum(w / norm * f for w, f in zip(weights, factors))
    rows: Rows = []
    rates = []
    for (label, _, _), w, f in zip(groups, weights, factors):
        force = lab["ak"] * w / norm
        rate = f * scale
        rates.append(rate)
        rows.append([label, fmt_id(force), fmt_id(force * rate / 100), fmt_id(rate, 2)])
    rows.append(["Jumlah", fmt_id(lab["ak"]), fmt_id(lab["penganggur"]), fmt_id(lab["tpt"], 2)])
    top = max(range(len(groups)), key=lambda i: rates[i])
    return {"tpt": fmt_id(lab["tpt"], 2), "top": groups[top][0], "top_rate": fmt_id(rates[top], 2),
            "first": groups[0][0], "first_rate": fmt_id(rates[0], 2)}, rows


def _sosial(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    scale = 0.35 if o.is_province else 1.0

    def facilities(su: Subunit) -> list[int]:
        p = fig.population(o, su, y) * scale
        return [max(1, round(p / 620 * (0.8 + 0.4 * unit("sd", su.name)))),
                max(1, round(p / 2100 * (0.8 + 0.4 * unit("smp", su.name)))),
                max(1, round(p / 5200 * (0.7 + 0.6 * unit("sma", su.name)))),
                max(1, round(p / 16000 * (0.8 + 0.5 * unit("pkm", su.name)))),
                max(2, round(p / 420 * (0.8 + 0.4 * unit("pos", su.name))))]

    cols = [facilities(su) for su in o.subunits]
    totals = [sum(c[i] for c in cols) for i in range(5)]
    rows: Rows = [[su.name, *c] for su, c in zip(o.subunits, cols)] + [[o.region, *totals]]
    return {"sd": fmt_id(totals[0]), "smp": fmt_id(totals[1]), "sma": fmt_id(totals[2]),
            "puskesmas": fmt_id(totals[3]), "posyandu": fmt_id(totals[4])}, rows


def _pertanian(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    if kind == 0:
        data = {su.name: fig.paddy(o, su, y) for su in o.subunits}
        corn = {su.name: data[su.name][0] * (0.3 + 0.9 * unit("corn", su.name, y)) * 5.1 for su in o.subunits}
        area = sum(d[0] for d in data.values())
        prod = sum(d[1] for d in data.values())
        rows = _subunit_rows(
            ctx,
            lambda su: [fmt_id(data[su.name][0], 1), fmt_id(data[su.name][1], 1), fmt_id(data[su.name][2], 2),
                        fmt_id(corn[su.name], 1)],
            [fmt_id(area, 1), fmt_id(prod, 1), fmt_id(prod / area * 10, 2), fmt_id(sum(corn.values()), 1)],
        )
        top = max(o.subunits, key=lambda su: data[su.name][1])
        return {"production": fmt_id(prod), "area": fmt_id(area), "top": top.name,
                "productivity": fmt_id(prod / area * 10, 2)}, rows
    crops = o.estate_crops
    rows = _subunit_rows(
        ctx,
        lambda su: [fmt_id(su.area_km2 * (0.5 + 6 * unit("est", o.slug, su.name, c)) * (1 + 0.02 * (y - 2020)), 1)
                    for c in crops],
        None,
    )
    return {"columns": crops, "crops": _listing([c.lower() for c in crops])}, rows


def _st2023(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    # A census counts one moment: every page shows 2023, whatever the page index.
    o = ctx.office
    farming = 0.55 + 2.2 * o.gdp_shares[0]

    def utp(su: Subunit) -> int:
        people = fig.population(o, su, 2023)
        rural = 1.5 / (1 + people / su.area_km2 / 800)  # towns farm less
        return round(people * 0.13 * farming * rural * (0.75 + 0.5 * unit("utp", o.slug, su.name)))

    counts = {su.name: utp(su) for su in o.subunits}
    total = sum(counts.values())
    if kind == 0:
        companies = {su.name: int(6 * unit("uph", o.slug, su.name) ** 2) for su in o.subunits}
        others = {su.name: int(2 + 25 * unit("utl", o.slug, su.name)) for su in o.subunits}
        rows = _subunit_rows(ctx, lambda su: [fmt_id(counts[su.name]), companies[su.name], others[su.name]],
                             [fmt_id(total), sum(companies.values()), sum(others.values())])
        top = max(o.subunits, key=lambda su: counts[su.name])
        return {"y": 2023, "utp": fmt_id(total), "top": top.name,
                "companies": sum(companies.values())}, rows
    rows = []
    for label, share in _items(spec, kind):
        n = total * share * (0.8 + 0.4 * unit("subsector", o.slug, label))
        rows.append([label, fmt_id(n), fmt_id(n / total * 100, 2)])
    young = total * 0.21 * (0.9 + 0.2 * unit("milenial", o.slug))
    return {"y": 2023, "utp": fmt_id(total), "young": fmt_id(young),
            "young_share": fmt_id(young / total * 100, 2)}, rows


def _peternakan(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    kinds = _items(spec, kind)

    def heads(su: Subunit) -> list[int]:
        p = fig.population(o, su, y)
        return [round(p * f * (0.4 + 1.2 * unit("ternak", o.slug, su.name, k))) for k, f in kinds]

    cols = [heads(su) for su in o.subunits]
    totals = [sum(c[i] for c in cols) for i in range(len(kinds))]
    rows: Rows = [[su.name, *[fmt_id(x) for x in c]] for su, c in zip(o.subunits, cols)]
    rows.append([o.region, *[fmt_id(t) for t in totals]])
    return {"columns": [k for k, _ in kinds], "cattle": fmt_id(totals[0]), "goats": fmt_id(totals[2]),
            "chicken": fmt_id(totals[3])}, rows


def _ternak_produksi(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    years = [y - 2, y - 1, y]
    rows: Rows = []
    by_kind: dict[str, float] = {}
    first_meat = None
    for item in _items(spec, kind):
        values = [fig.total_population(o, yy) * item["kg"] / 1000 * (0.85 + 0.3 * unit("tp", o.slug, item["label"], yy))
                  for yy in years]
        rows.append([item["label"], *[fmt_id(v, 1) for v in values]])
        by_kind[item["kind"]] = by_kind.get(item["kind"], 0.0) + values[-1]
        if item["kind"] == "daging" and first_meat is None:
            first_meat = values[-1]
    return {"columns": years, "y0": years[0], "meat": fmt_id(by_kind.get("daging", 0), 1),
            "beef_share": fmt_id((first_meat or 0) / by_kind.get("daging", 1) * 100, 2),
            "eggs": fmt_id(by_kind.get("telur", 0), 1)}, rows


def _harga(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    years = [y - 2, y - 1, y]
    rows: Rows = []
    changes = []
    for name, base in _items(spec, kind):
        vals = [base * 1.045 ** (yy - 2023) * (0.9 + 0.2 * unit("harga", o.slug, name, yy)) for yy in years]
        change = (vals[2] / vals[1] - 1) * 100
        changes.append((change, name))
        rows.append([name, *[fmt_id(round(x, -1)) for x in vals], fmt_id(change, 2)])
    top = max(changes)
    return {"columns": years, "y0": years[0], "top": top[1].split(" (")[0].lower(),
            "top_change": fmt_id(top[0], 2)}, rows


def _harga_produsen(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    items = _items(spec, kind)
    series = []
    for item in items:
        values = []
        for m in range(12):
            season = 1 + item["swing"] * math.cos(2 * math.pi * (m + 1 - item["peak"]) / 12)
            noise = 0.97 + 0.06 * unit("hp", o.slug, item["name"], y, m)
            values.append(item["base"] * 1.04 ** (y - 2023) * season * noise)
        series.append(values)
    rows: Rows = [[month, *[fmt_id(round(s[m], -1)) for s in series]] for m, month in enumerate(fig.months())]
    averages = [sum(s) / 12 for s in series]
    rows.append(["Rata-rata", *[fmt_id(round(a, -1)) for a in averages]])
    spreads = [(max(s) / min(s) - 1) * 100 for s in series]
    volatile = max(range(len(items)), key=lambda i: spreads[i])
    return {"columns": [item["label"] for item in items], "first": items[0]["name"],
            "first_avg": fmt_id(round(averages[0], -1)), "volatile": items[volatile]["name"],
            "spread": fmt_id(spreads[volatile], 1)}, rows


def _inflasi(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    now, before = fig.consumer_price_index(o, y), fig.consumer_price_index(o, y - 1)
    rows: Rows = []
    for m, month in enumerate(fig.months()):
        previous = now[m - 1] if m else before[-1]
        rows.append([month, fmt_id(now[m], 2), fmt_id((now[m] / previous - 1) * 100, 2),
                     fmt_id((now[m] / before[-1] - 1) * 100, 2), fmt_id((now[m] / before[m] - 1) * 100, 2)])
    return {"ytd": fmt_id((now[-1] / before[-1] - 1) * 100, 2)}, rows


def _inflasi_kelompok(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    groups = _items(spec, kind)
    weights = [w * (0.85 + 0.3 * unit("bobot", o.slug, label)) for label, w, _ in groups]
    weights = [w / sum(weights) * 100 for w in weights]
    raw = [2.0 + (unit("ik", o.slug, label, y) - 0.35) * 4 * volatility for label, _, volatility in groups]
    # Scale the groups so that their contributions add up to the year's inflation.
    scale = fig.annual_inflation(o, y) / sum(w * r / 100 for w, r in zip(weights, raw))
    rows: Rows = []
    contributions = []
    for (label, _, _), weight, r in zip(groups, weights, raw):
        share = weight * r * scale / 100
        contributions.append((share, label))
        rows.append([label, fmt_id(weight, 2), fmt_id(r * scale, 2), fmt_id(share, 2)])
    total = sum(c for c, _ in contributions)
    rows.append(["Umum", "100,00", fmt_id(total, 2), fmt_id(total, 2)])
    top = max(contributions)
    return {"total": fmt_id(total, 2), "top": top[1].lower(), "top_share": fmt_id(top[0], 2)}, rows


def _industry_labels() -> list[str]:
    return [f"{code} {name}" if len(code) == 1 else f"{','.join(code)} {name}" for code, name in INDUSTRIES]


def _pdrb_lu(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    years = list(range(y - 4, y + 1))
    labels = _industry_labels()
    if kind == 0:
        values = {yy: fig.gdp_by_industry(o, yy) for yy in years}
        rows: Rows = [[labels[i], *[fmt_id(values[yy][i], 2) for yy in years]] for i in range(len(labels))]
        rows.append(["Produk Domestik Regional Bruto", *[fmt_id(sum(values[yy]), 2) for yy in years]])
        growth = (sum(values[y]) / sum(values[y - 1]) - 1) * 100 - 3.4
        return {"columns": years, "y0": years[0], "gdp": fmt_id(sum(values[y]), 2), "growth": fmt_id(growth, 2)}, rows
    rows = [[labels[i], *[fmt_id(fig.real_growth(o, i, yy), 2) for yy in years]] for i in range(len(labels))]
    return {"columns": years, "y0": years[0]}, rows


def _pdrb_struktur(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    years = list(range(y - 4, y + 1))
    labels = _industry_labels()
    if kind == 0:
        values = {yy: fig.gdp_by_industry(o, yy) for yy in years}
        shares = {yy: [v / sum(values[yy]) * 100 for v in values[yy]] for yy in years}
        rows: Rows = [[labels[i], *[fmt_id(shares[yy][i], 2) for yy in years]] for i in range(len(labels))]
        rows.append(["Produk Domestik Regional Bruto", *["100,00" for _ in years]])
        top = max(range(len(labels)), key=lambda i: shares[y][i])
        return {"columns": years, "y0": years[0], "top": INDUSTRIES[top][1].lower(),
                "top_share": fmt_id(shares[y][top], 2)}, rows
    values = {yy: fig.gdp_by_industry(o, yy) for yy in range(y - 5, y + 1)}
    rows = []
    for i, label in enumerate(labels):
        rates = []
        for yy in years:
            nominal = values[yy][i] / values[yy - 1][i]
            rates.append((nominal / (1 + fig.real_growth(o, i, yy) / 100) - 1) * 100)
        rows.append([label, *[fmt_id(r, 2) for r in rates]])
    real = sum(share * fig.real_growth(o, i, y) for i, share in enumerate(o.gdp_shares))
    implicit = (fig.gdp_total(o, y) / fig.gdp_total(o, y - 1) / (1 + real / 100) - 1) * 100
    return {"columns": years, "y0": years[0], "implicit": fmt_id(implicit, 2)}, rows


def _pdrb_pg(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    years = list(range(y - 4, y + 1))
    values = {name: [fig.gdp_total(o, yy) * share * (0.95 + 0.1 * unit("pg", o.slug, name, yy)) for yy in years]
              for name, share in _items(spec, kind)}
    if kind == 0:
        rows: Rows = [[name, *[fmt_id(v, 2) for v in vals]] for name, vals in values.items()]
        rows.append(["Produk Domestik Regional Bruto", *[fmt_id(fig.gdp_total(o, yy), 2) for yy in years]])
        return {"columns": years, "y0": years[0]}, rows
    rows = [[name, *[fmt_id(v / fig.gdp_total(o, yy) * 100, 2) for v, yy in zip(vals, years)]]
            for name, vals in values.items()]
    rows.append(["Produk Domestik Regional Bruto", *["100,00" for _ in years]])
    first = next(iter(values.values()))
    return {"columns": years, "y0": years[0], "household": fmt_id(first[-1] / fig.gdp_total(o, y) * 100, 2)}, rows


def _pdrb_kapita(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    years = list(range(y - 4, y + 1))
    gdp = [fig.gdp_total(o, yy) for yy in years]
    people = [fig.total_population(o, yy) for yy in years]
    per_capita = [g / p * 1000 for g, p in zip(gdp, people)]
    growth = ["-"] + [fmt_id((per_capita[i] / per_capita[i - 1] - 1) * 100, 2) for i in range(1, len(years))]
    labels = _items(spec, kind)
    rows: Rows = [
        [labels[0], *[fmt_id(g, 2) for g in gdp]],
        [labels[1], *[fmt_id(p / 1000, 2) for p in people]],
        [labels[2], *[fmt_id(c, 2) for c in per_capita]],
        [labels[3], *growth],
    ]
    return {"columns": years, "y0": years[0], "per_capita": fmt_id(per_capita[-1], 2), "growth": growth[-1]}, rows


def _ipm(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    years = list(range(y - 4, y + 1))
    data = [fig.hdi(o, yy) for yy in years]
    rows: Rows = [[label, *[fmt_id(d[key], decimals) for d in data]] for label, key, decimals in _items(spec, kind)]
    return {"columns": years, "y0": years[0], "ipm": fmt_id(data[-1]["ipm"], 2),
            "status": "tinggi" if data[-1]["ipm"] >= 70 else "sedang"}, rows


def _kemiskinan(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    years = list(range(y - 4, y + 1))
    rows: Rows = []
    for yy in years:
        p0 = fig.poverty_rate(o, yy)
        poor = fig.total_population(o, yy) * p0 / 100 / 1000
        rows.append([str(yy), fmt_id(fig.poverty_line(o, yy)), fmt_id(poor, 2), fmt_id(p0, 2),
                     fmt_id(p0 * 0.16, 2), fmt_id(p0 * 0.038, 2)])
    return {"y0": years[0], "p0": rows[-1][3], "line": rows[-1][1]}, rows


def _kemiskinan_karakteristik(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    rows: Rows = []
    values = []
    for item in _items(spec, kind):
        pair = [item[key] * (0.9 + 0.2 * unit("krt", o.slug, item["label"], key, y)) for key in ("poor", "other")]
        values.append(pair)
        rows.append([item["label"], *[fmt_id(v, item.get("decimals", 2)) for v in pair]])
    return {"members": fmt_id(values[0][0], 2), "members_other": fmt_id(values[0][1], 2)}, rows


def _kesra(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    years = list(range(y - 4, y + 1))
    if kind == 0:
        rows: Rows = []
        for label, base, trend in _items(spec, kind):
            values = [min(99.5, base + trend * (yy - 2020) + (o.hdi - 68) * 0.8
                          + (unit("kesra", o.slug, label, yy) - 0.5) * 2) for yy in years]
            rows.append([label, *[fmt_id(v, 2) for v in values]])
        return {"columns": years, "y0": years[0], "water": rows[0][-1], "sanitation": rows[1][-1]}, rows
    rows = []
    for yy in years:
        total = fig.hdi(o, yy)["ppk"] * 1000 / 12 * 1.05 * (0.95 + 0.1 * unit("konsumsi", o.slug, yy))
        food = total * (0.52 - 0.004 * (yy - 2020) - (o.hdi - 68) * 0.006)
        rows.append([str(yy), fmt_id(round(food, -2)), fmt_id(round(total - food, -2)), fmt_id(round(total, -2)),
                     fmt_id(food / total * 100, 2)])
    return {"y0": years[0], "food_share": rows[-1][4], "spending": rows[-1][3]}, rows


def _pariwisata(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    recovery = 0.45 if y == 2020 else 0.7 if y == 2021 else 1.0

    def row(su: Subunit) -> list[int]:
        p = fig.population(o, su, y)
        hotels = max(0, round(p / 6000 * (0.2 + 1.6 * unit("hotel", o.slug, su.name))))
        rooms = hotels * (8 + int(30 * unit("room", su.name)))
        return [hotels, rooms, round(rooms * 1.6), round(rooms * 365 * 0.32 * 1.4 * recovery)]

    cols = [row(su) for su in o.subunits]
    totals = [sum(c[i] for c in cols) for i in range(4)]
    rows: Rows = [[su.name, *[fmt_id(x) for x in c]] for su, c in zip(o.subunits, cols)]
    rows.append([o.region, *[fmt_id(t) for t in totals]])
    return {"hotels": fmt_id(totals[0]), "rooms": fmt_id(totals[1]), "guests": fmt_id(totals[3])}, rows


def _pariwisata_tpk(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    recovery = 0.6 if y == 2020 else 0.8 if y == 2021 else 1.0
    rows: Rows = []
    occupancy, stays = [], []
    for m, month in enumerate(fig.months()):
        peak = 1.25 if m in (5, 6, 11) else 1.0  # school holidays and year end
        tpk = 34 * recovery * peak * (0.8 + 0.4 * unit("tpk", o.slug, y, m))
        domestic = 1.4 + 0.5 * unit("rlmn", o.slug, y, m)
        foreign = 1.8 + 1.2 * unit("rlma", o.slug, y, m)
        occupancy.append(tpk)
        stays.append(domestic)
        rows.append([month, fmt_id(tpk, 2), fmt_id(domestic, 2), fmt_id(foreign, 2)])
    return {"tpk": fmt_id(sum(occupancy) / 12, 2), "stay": fmt_id(sum(stays) / 12, 2),
            "best": fig.months()[max(range(12), key=lambda m: occupancy[m])]}, rows


def _perbankan(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    years = list(range(y - 4, y + 1))
    rows: Rows = []
    for yy in years:
        gdp = fig.gdp_total(o, yy)
        dpk = gdp * 0.36 * (0.95 + 0.1 * unit("dpk", o.slug, yy))
        credit = gdp * 0.52 * (0.95 + 0.1 * unit("kredit", o.slug, yy))
        offices = round(fig.total_population(o, yy) / 9000 * (0.95 + 0.1 * unit("kantor", o.slug, yy)))
        rows.append([str(yy), fmt_id(offices), fmt_id(dpk, 2), fmt_id(credit, 2), fmt_id(credit / dpk * 100, 2)])
    return {"y0": years[0], "credit": rows[-1][3], "deposits": rows[-1][2]}, rows


def _kredit(ctx: Context, spec: dict, kind: int, y: int) -> Built:
    o = ctx.office
    years = list(range(y - 4, y + 1))
    rows: Rows = []
    last: list[float] = []
    for yy in years:
        credit = fig.gdp_total(o, yy) * 0.52 * (0.95 + 0.1 * unit("kredit", o.slug, yy))
        raw = [share * (0.9 + 0.2 * unit("kr", o.slug, label, yy)) for label, share in _items(spec, kind)]
        parts = [credit * r / sum(raw) for r in raw]
        rows.append([str(yy), *[fmt_id(p, 2) for p in parts], fmt_id(credit, 2)])
        last = parts
    top = max(range(len(last)), key=lambda i: last[i])
    return {"columns": [label for label, _ in _items(spec, kind)], "y0": years[0],
            "top": _items(spec, kind)[top][0].lower(), "top_share": fmt_id(last[top] / sum(last) * 100, 2)}, rows


_BUILDERS: dict[str, Callable[[Context, dict, int, int], Built]] = {
    "geografi": _geografi, "penduduk": _penduduk, "penduduk_umur": _penduduk_umur, "proyeksi": _proyeksi,
    "naker": _naker, "naker_pendidikan": _naker_pendidikan, "sosial": _sosial, "pertanian": _pertanian,
    "st2023": _st2023, "peternakan": _peternakan, "ternak_produksi": _ternak_produksi, "harga": _harga,
    "harga_produsen": _harga_produsen, "inflasi": _inflasi, "inflasi_kelompok": _inflasi_kelompok,
    "pdrb_lu": _pdrb_lu, "pdrb_struktur": _pdrb_struktur, "pdrb_pg": _pdrb_pg, "pdrb_kapita": _pdrb_kapita,
    "ipm": _ipm, "kemiskinan": _kemiskinan, "kemiskinan_karakteristik": _kemiskinan_karakteristik,
    "kesra": _kesra, "pariwisata": _pariwisata, "pariwisata_tpk": _pariwisata_tpk,
    "perbankan": _perbankan, "kredit": _kredit,
}

#: Every topic a series may list, in no particular order.
TOPICS = tuple(_BUILDERS)
