"""Synthetic regional figures for the demo PDFs, and their Indonesian spelling.

Every number is derived from an office's rounded magnitudes (``data/offices.yaml``)
and a stable hash of what it describes, so the same office and year always give
the same figure, whatever else is rendered.  None of them is an official statistic.
"""

from __future__ import annotations

import math
from datetime import date

from app.demo.datafiles import load
from app.demo.records import DemoOffice, Subunit, unit


def fmt_id(value: float, decimals: int = 0) -> str:
    """Indonesian number format: ``fmt_id(12345.678, 2) == "12.345,68"``."""
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # no "-0,00"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def months() -> tuple[str, ...]:
    """Indonesian month names, January first."""
    return tuple(load("texts")["months"])


def date_id(day: date) -> str:
    """``date(2024, 2, 28)`` as "28 Februari 2024"."""
    return f"{day.day} {months()[day.month - 1]} {day.year}"


def population(office: DemoOffice, su: Subunit, year: int) -> int:
    """Mid-year population of a subunit."""
    base = su.population_2020 * (1 + su.growth / 100) ** (year - 2020)
    return round(base * (1 + (unit("pop", office.slug, su.name, year) - 0.5) * 0.004))


def total_population(office: DemoOffice, year: int) -> int:
    return sum(population(office, su, year) for su in office.subunits)


def sex_ratio(office: DemoOffice, su: Subunit, year: int) -> float:
    """Males per 100 females."""
    return 97.5 + 5.5 * unit("sexratio", office.slug, su.name) + 0.3 * unit("sr", su.name, year)


def projected_population(office: DemoOffice, su: Subunit, year: int) -> int:
    """Projected population (2020-2035): growth slows by about 2% of itself a year."""
    value = float(su.population_2020)
    for step in range(2020, year):
        value *= 1 + su.growth * (1 - 0.02 * (step - 2020)) / 100
    return round(value)


def age_shares(office: DemoOffice, year: int, weights: list[float]) -> list[float]:
    """Shares of five-year age groups: *weights* (a typical pyramid), aged by region and year."""
    ageing = (office.hdi - 66) * 0.012 + 0.006 * (year - 2020)
    raw = [w * (1 + ageing * (i - 7) / 8) * (0.97 + 0.06 * unit("age", office.slug, i, year))
           for i, w in enumerate(weights)]
    total = sum(raw)
    return [r / total for r in raw]


def labour(office: DemoOffice, year: int) -> dict[str, float]:
    """Sakernas August figures: working-age population, labour force, TPAK, TPT."""
    pop15 = total_population(office, year) * 0.712
    tpak = office.tpak + (unit("tpak", office.slug, year) - 0.5) * 3
    shock = {2020: 1.3, 2021: 0.7}.get(year, 0.0)
    tpt = max(0.8, office.tpt + (unit("tpt", office.slug, year) - 0.5) * 0.8 + shock - 0.06 * (year - 2020))
    ak = pop15 * tpak / 100
    unemployed = ak * tpt / 100
    return {"pop15": pop15, "ak": ak, "bekerja": ak - unemployed, "penganggur": unemployed,
            "bak": pop15 - ak, "tpak": tpak, "tpt": tpt}


def gdp_total(office: DemoOffice, year: int) -> float:
    """Current-price GRDP in billion rupiah."""
    base = office.gdp_per_capita * total_population(office, 2023) / 1000
    return base * 1.078 ** (year - 2023) * (1 + (unit("gdp", office.slug, year) - 0.5) * 0.02)


def gdp_by_industry(office: DemoOffice, year: int) -> list[float]:
    """Current-price GRDP per industry category, billion rupiah."""
    total = gdp_total(office, year)
    raw = [share * (1 + (unit("gdpi", office.slug, i, year) - 0.5) * 0.08)
           for i, share in enumerate(office.gdp_shares)]
    norm = sum(raw)
    return [total * r / norm for r in raw]


def real_growth(office: DemoOffice, industry: int, year: int) -> float:
    """Real growth of one industry category, percent (a dip in 2020)."""
    return 4.8 + (unit("gr", office.slug, industry, year) - 0.5) * 6 - (7.5 if year == 2020 else 0)


def paddy(office: DemoOffice, su: Subunit, year: int) -> tuple[float, float, float]:
    """Harvested area (ha), production (ton), productivity (ku/ha)."""
    share = office.paddy_share * (0.3 + 1.4 * unit("paddy", office.slug, su.name))
    area = su.area_km2 * 100 * share * (1 + (unit("pa", su.name, year) - 0.5) * 0.1)
    productivity = 42 + 12 * unit("pq", office.slug, su.name) + (unit("pqy", su.name, year) - 0.5) * 3
    return area, area * productivity / 10, productivity


def hdi(office: DemoOffice, year: int) -> dict[str, float]:
    """IPM and its components."""
    t = year - 2023
    return {
        "uhh": 67.0 + (office.hdi - 66) * 0.35 + 0.18 * t,
        "hls": 12.6 + (office.hdi - 66) * 0.12 + 0.08 * t,
        "rls": 7.6 + (office.hdi - 66) * 0.25 + 0.1 * t,
        "ppk": 9800 + (office.hdi - 66) * 420 + 240 * t,
        "ipm": office.hdi + 0.55 * t + (unit("ipm", office.slug, year) - 0.5) * 0.1,
    }


def annual_inflation(office: DemoOffice, year: int) -> float:
    """December-to-December (year-on-year) inflation, percent."""
    return 2.6 + (unit("infl", office.slug, year) - 0.5) * 2.4 + (1.5 if year == 2022 else 0.0)


def _december_cpi(office: DemoOffice, year: int) -> float:
    value = 100.0  # 2022 = 100, taken at its December
    for t in range(2023, year + 1):
        value *= 1 + annual_inflation(office, t) / 100
    for t in range(year + 1, 2023):
        value /= 1 + annual_inflation(office, t) / 100
    return value


def consumer_price_index(office: DemoOffice, year: int) -> list[float]:
    """IHK for each month of *year*, ending December at :func:`annual_inflation` over a year before.

    Monthly changes are noisy; a constant drift makes them add up to the annual figure,
    so year-to-date and year-on-year inflation agree in December.
    """
    start, end = _december_cpi(office, year - 1), _december_cpi(office, year)
    raw = [(unit("mtm", office.slug, year, m) - 0.35) * 0.9 / 100 for m in range(12)]
    drift = (math.log(end / start) - sum(raw)) / 12
    values, level = [], 0.0
    for r in raw:
        level += r + drift
        values.append(start * math.exp(level))
    return values


def poverty_rate(office: DemoOffice, year: int) -> float:
    """Poverty headcount (P0) in March, percent."""
    return (office.poverty * (1 - 0.02 * (year - 2022)) + (0.4 if year in (2020, 2021) else 0)
            + (unit("p0", office.slug, year) - 0.5) * 0.3)


def poverty_line(office: DemoOffice, year: int) -> float:
    """Poverty line, rupiah per capita per month."""
    return 520000 * 1.055 ** (year - 2023) * (0.9 + 0.2 * unit("gk", office.slug))
