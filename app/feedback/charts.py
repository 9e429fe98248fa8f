"""Charts of the IKM as SVG drawn on the server (no Flask, no JavaScript).

Only presentation attributes are used (``fill``, ``font-size``): the site's Content
Security Policy forbids inline styles.  Every chart carries a text alternative; the
page shows the same figures in a table beside it.  Labels and figures are written in
the page's language (88,31 or 88.31).
"""

from __future__ import annotations

from fractions import Fraction

from markupsafe import Markup, escape

from app.feedback.ikm import CONVERSION, ElementScore, IkmResult, format_decimal, round_half_up
from app.lang import _
from app.feedback.questionnaire import SCALE

#: Colours of the answers 1–4 (worst to best); white text on each reads at 4.5:1 or more.
ANSWER_COLOURS = ("#9f1239", "#9a3412", "#1d4ed8", "#166534")
WIDTH = 400
#: The element charts sit three in a row: a narrower box keeps their labels readable.
ELEMENT_WIDTH = 300


def _percent(share: Fraction) -> str:
    return format_decimal(round_half_up(share * 100, 1), 1) + "%"


def element_chart(score: ElementScore) -> Markup:
    """One element: a bar split by the share of each answer (1–4), labelled in percent."""
    width, height, bar = ELEMENT_WIDTH, 34, 26
    parts, x = [], Fraction(0)
    described = []
    for value, label in zip(SCALE, score.element.answers):
        share = score.share(value)
        described.append(f"{label} {_percent(share)}")
        label = str(label)
        if not share:
            continue
        segment = share * width
        parts.append(f'<rect x="{float(x):.2f}" y="4" width="{float(segment):.2f}" height="{bar}" '
                     f'fill="{ANSWER_COLOURS[value - 1]}"><title>{escape(label)}: {_percent(share)}</title></rect>')
        if segment >= 42:
            parts.append(f'<text x="{float(x + segment / 2):.2f}" y="22" font-size="13" text-anchor="middle" '
                         f'fill="#ffffff">{_percent(share)}</text>')
        x += segment
    label = f"{score.element.code} {score.element.name}: " + ", ".join(described)
    return Markup(f'<svg class="chart chart--element" viewBox="0 0 {width} {height}" width="100%" role="img" '
                  f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
                  f'<rect x="0" y="4" width="{width}" height="{bar}" fill="#f3f6f9"/>{"".join(parts)}</svg>')


def overview_chart(result: IkmResult) -> Markup:
    """The nine elements side by side: each one's converted score (25–100) as a bar."""
    row, label_w, height = 26, 42, 26 * len(result.elements) + 24
    plot = WIDTH - label_w - 50
    parts = []
    for i, score in enumerate(result.elements):
        y = 8 + i * row
        value = score.nrr * CONVERSION
        width = float((value - 25) / 75 * plot) if value > 25 else 0.0
        text = format_decimal(round_half_up(value, 2))
        parts.append(f'<text x="0" y="{y + 15}" font-size="12" fill="#1b1f24">{score.element.code}</text>'
                     f'<rect x="{label_w}" y="{y + 2}" width="{plot}" height="18" fill="#f3f6f9"/>'
                     f'<rect x="{label_w}" y="{y + 2}" width="{width:.2f}" height="18" fill="#0b4f8a">'
                     f'<title>{escape(str(score.element.name))}: {text}</title></rect>'
                     f'<text x="{label_w + plot + 6}" y="{y + 15}" font-size="12" fill="#1b1f24">{text}</text>')
    index_x = label_w + float((result.index * CONVERSION - 25) / 75 * plot)
    parts.append(f'<line x1="{index_x:.2f}" y1="4" x2="{index_x:.2f}" y2="{height - 14}" stroke="#f2a900" '
                 f'stroke-width="2"/><text x="{index_x:.2f}" y="{height - 2}" font-size="11" text-anchor="middle" '
                 f'fill="#4a5561">IKM {format_decimal(result.converted)}</text>')
    label = _("Nilai per unsur (25\u2013100): %(scores)s", scores=", ".join(
        f"{s.element.code} {s.element.name} {format_decimal(s.converted)}" for s in result.elements))
    return Markup(f'<svg class="chart chart--overview" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
                  f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>')
