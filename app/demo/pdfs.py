"""ReportLab layout of the demo PDFs: cover, front matter and one chapter section a page.

The only module of the application that imports ReportLab.  What the pages say comes
from :mod:`app.demo.chapters` and ``data/texts.yaml``; this module draws it.
"""

from __future__ import annotations

import io
from datetime import date
from html import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepInFrame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.demo import chapters
from app.demo.chapters import Context, Page
from app.demo.datafiles import load
from app.demo.figures import date_id, months
from app.demo.records import english_title

_BLUE = colors.HexColor("#0b4f8a")
_ORANGE = colors.HexColor("#e58a1f")
_GRID = colors.HexColor("#7d8a96")
_HEAD_BG = colors.HexColor("#dbe7f3")
_TOTAL_BG = colors.HexColor("#f1f4f7")
_INK = colors.HexColor("#3b4a58")

_BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=9.5, leading=13.2,
                       alignment=TA_JUSTIFY, spaceAfter=5)
_H1 = ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=15, leading=19,
                     textColor=_BLUE, spaceAfter=8)
_H2 = ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=11, leading=14,
                     textColor=_BLUE, spaceBefore=4, spaceAfter=5)
_CAPTION = ParagraphStyle("caption", fontName="Helvetica-Bold", fontSize=8.8, leading=11,
                          spaceBefore=6, spaceAfter=4)
_SOURCE = ParagraphStyle("source", fontName="Helvetica-Oblique", fontSize=7.5, leading=9.5,
                         spaceBefore=3, spaceAfter=6)
_HEAD = ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=7.8, leading=9.4,
                       alignment=TA_CENTER)
_CELL = ParagraphStyle("cell", fontName="Helvetica", fontSize=7.8, leading=9.4, alignment=TA_LEFT)
_COVER_TITLE = ParagraphStyle("cover", fontName="Helvetica-Bold", fontSize=25, leading=31,
                              textColor=_BLUE, spaceAfter=10)
_COVER_SUB = ParagraphStyle("coversub", fontName="Helvetica-Oblique", fontSize=13, leading=17,
                            textColor=_INK, spaceAfter=16)
_COVER_OFFICE = ParagraphStyle("coveroffice", fontName="Helvetica-Bold", fontSize=14, leading=18,
                               textColor=_BLUE)
_SMALL = ParagraphStyle("small", fontName="Helvetica", fontSize=8.5, leading=11)
_AGENCY = ParagraphStyle("agency", parent=_SMALL, fontName="Helvetica-Bold", fontSize=10,
                         textColor=_ORANGE)
_NOTE = ParagraphStyle("note", fontName="Helvetica-Oblique", fontSize=7.5, leading=9.5,
                       textColor=colors.HexColor("#555555"))
_SIGN = ParagraphStyle("sign", parent=_BODY, alignment=TA_LEFT, leftIndent=95 * mm, spaceBefore=6)


def _esc(text: object) -> str:
    return escape(str(text), quote=False)


def _table(page: Page) -> Table:
    """A bordered table: wrapped bold header, left label column, right-aligned numbers."""
    data: list[list[object]] = [[Paragraph(_esc(h), _HEAD) for h in page.header]]
    for row in page.rows:
        label = Paragraph(_esc(row[0]), _CELL) if page.wrap_labels else row[0]
        data.append([label, *row[1:]])
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, _GRID),
        ("BOX", (0, 0), (-1, -1), 0.9, _BLUE),
        ("BACKGROUND", (0, 0), (-1, 0), _HEAD_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.9, _BLUE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 7.8, 9.4),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if page.total:
        style += [("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 7.8, 9.4),
                  ("BACKGROUND", (0, -1), (-1, -1), _TOTAL_BG)]
    table = Table(data, colWidths=[w * mm for w in page.widths], repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def _section(page: Page, number: str) -> list:
    """Prose, caption, table and source of one chapter page."""
    texts = load("texts")["chapter"]
    return [
        *[Paragraph(p, _BODY) for p in page.paragraphs],
        Paragraph(texts["caption"].format(number=number, caption=_esc(page.caption)), _CAPTION),
        _table(page),
        Paragraph(_esc(texts["source"].format(source=page.source)), _SOURCE),
    ]


def _cover(ctx: Context, pages: int) -> list:
    r, o = ctx.record, ctx.office
    texts = load("texts")["cover"]
    flow: list = [Spacer(1, 22 * mm), Paragraph(_esc(texts["agency"]), _AGENCY), Spacer(1, 8 * mm),
                  Paragraph(_esc(r["title"]), _COVER_TITLE)]
    if ctx.series.key == "da":
        year = r["year"]
        other = (ctx.series.title_for(o, year, None) if r.get("language") == "id-en"
                 else english_title(o, year))
        flow.append(Paragraph(_esc(other), _COVER_SUB))
    else:
        flow.append(Spacer(1, 10 * mm))
    ident = [[texts["catalogue"], r.get("catalogue_number") or "-"],
             [texts["publication_number"], r.get("publication_number") or "-"]]
    if r.get("issn"):
        ident.append([texts["issn"], r["issn"]])
    if r.get("isbn"):
        ident.append([texts["isbn"], r["isbn"]])
    released = r.get("release_date")
    if isinstance(released, date):
        ident.append([texts["release_date"], date_id(released)])
    ident.append([texts["pages"], texts["page_count"].format(pages=pages)])
    table = Table(ident, colWidths=[70 * mm, 80 * mm])
    table.setStyle(TableStyle([("FONT", (0, 0), (0, -1), "Helvetica", 9.5),
                               ("FONT", (1, 0), (1, -1), "Helvetica-Bold", 9.5),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.3, _GRID),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    flow += [table, Spacer(1, 36 * mm),
             Paragraph(_esc(o.office_name), _COVER_OFFICE),
             Paragraph(_esc(o.english_office), _SMALL),
             Spacer(1, 10 * mm),
             Paragraph(_esc(load("texts")["disclaimer"]), _NOTE)]
    return flow


def _front_matter(ctx: Context, toc: list[tuple[str, str]]) -> list:
    """Page 2: foreword, table of contents and the short "Sekilas Wilayah"."""
    r, o = ctx.record, ctx.office
    texts = load("texts")
    foreword = texts["foreword"]
    released = r.get("release_date")
    when = f"{months()[released.month - 1]} {released.year}" if isinstance(released, date) else str(ctx.year)
    fields = {"title": _esc(r["title"]), "office_name": _esc(o.office_name), "seat": _esc(o.seat),
              "when": _esc(when)}
    flow = [
        Paragraph(_esc(foreword["heading"]), _H1),
        Paragraph(foreword["opening"].format(**fields) + " " + _esc(ctx.rng.choice(foreword["sources"])), _BODY),
        Paragraph(_esc(foreword["thanks"]), _BODY),
        Paragraph(foreword["signature"].format(**fields), _SIGN),
        Spacer(1, 6 * mm),
        Paragraph(_esc(texts["contents"]["heading"]), _H1),
    ]
    table = Table([[label, pages] for label, pages in toc], colWidths=[150 * mm, 20 * mm])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 9.5),
                               ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8d0d8")),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    flow += [table, Spacer(1, 6 * mm), Paragraph(_esc(texts["overview"]["heading"]), _H2)]
    flow += [Paragraph(p, _BODY) for p in chapters.overview(ctx)]
    return flow


def render_pdf(record: dict) -> bytes:
    """Render *record* as a PDF of exactly ``record["pages"]`` pages (>= 3) and return its bytes.

    Page 1 is the cover (title, office name, identifiers), page 2 the "Kata
    Pengantar", "Daftar Isi" and a short "Sekilas Wilayah", and each further page one
    chapter section with prose and a bordered table.  The chapters are the topics of
    the record's series only (see ``data/series.yaml``).  The output is byte-for-byte
    deterministic for a given record.  Figures are synthetic.
    """
    pages = record.get("pages")
    if isinstance(pages, bool) or not isinstance(pages, int) or pages < 3:
        raise ValueError("record['pages'] must be an int >= 3")
    ctx = chapters.context(record)
    plan = chapters.chapter_plan(ctx.series, pages - 2)
    texts = load("texts")

    toc = [(texts["foreword"]["heading"], "2"), (texts["contents"]["heading"], "2"),
           (texts["overview"]["heading"], "2")]
    for number, (topic, start, size) in enumerate(plan, start=1):
        span = f"{start + 3}" if size == 1 else f"{start + 3}–{start + 2 + size}"
        toc.append((texts["chapter"]["contents"].format(number=number, title=chapters.topic_title(topic)), span))

    buffer = io.BytesIO()
    margin_x, top, bottom = 20 * mm, 22 * mm, 24 * mm
    width, height = A4
    frame_w, frame_h = width - 2 * margin_x, height - top - bottom
    counter = {"pages": 0}
    running = record["title"] if len(record["title"]) <= 90 else record["title"][:87] + "..."
    disclaimer = texts["disclaimer"]

    def on_cover(canvas, doc):  # noqa: ANN001 - reportlab callback
        counter["pages"] += 1
        canvas.saveState()
        canvas.setFillColor(_BLUE)
        canvas.rect(0, height - 16 * mm, width, 16 * mm, stroke=0, fill=1)
        canvas.setFillColor(_ORANGE)
        canvas.rect(0, 0, width, 10 * mm, stroke=0, fill=1)
        canvas.restoreState()

    def on_page(canvas, doc):  # noqa: ANN001 - reportlab callback
        counter["pages"] += 1
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(_INK)
        canvas.drawString(margin_x, height - 13 * mm, running)
        canvas.drawRightString(width - margin_x, height - 13 * mm, ctx.office.office_name)
        canvas.setStrokeColor(_BLUE)
        canvas.setLineWidth(0.6)
        canvas.line(margin_x, height - 15 * mm, width - margin_x, height - 15 * mm)
        canvas.line(margin_x, 20 * mm, width - margin_x, 20 * mm)
        canvas.setFont("Helvetica-Oblique", 6.5)
        canvas.drawString(margin_x, 16.5 * mm, disclaimer)
        canvas.setFont("Helvetica", 7.5)
        canvas.drawRightString(width - margin_x, 16.5 * mm, texts["footer"].format(page=doc.page, pages=pages))
        canvas.restoreState()

    def frame(ident: str) -> Frame:
        return Frame(margin_x, bottom, frame_w, frame_h, leftPadding=0, rightPadding=0,
                     topPadding=0, bottomPadding=0, id=ident)

    subjects = list(record.get("subjects") or [])
    doc = BaseDocTemplate(
        buffer, pagesize=A4, invariant=1,
        leftMargin=margin_x, rightMargin=margin_x, topMargin=top, bottomMargin=bottom,
        title=record["title"], author=ctx.office.office_name,
        subject=", ".join(subjects) or ctx.series.stem,
        creator=texts["metadata"]["creator"],
        keywords=", ".join([*subjects, texts["metadata"]["keyword"]]),
        pageTemplates=[PageTemplate("cover", [frame("c")], onPage=on_cover),
                       PageTemplate("body", [frame("b")], onPage=on_page)],
    )

    def fit(content: list) -> KeepInFrame:
        return KeepInFrame(frame_w, frame_h - 1, content, mode="shrink")

    story: list = [fit(_cover(ctx, pages)), NextPageTemplate("body"), PageBreak(),
                   fit(_front_matter(ctx, toc))]
    for number, (topic, start, size) in enumerate(plan, start=1):
        title = _esc(chapters.topic_title(topic))
        for v in range(size):
            if v == 0:
                heading = Paragraph(texts["chapter"]["heading"].format(number=number, title=title), _H1)
            else:
                heading = Paragraph(texts["chapter"]["continued"].format(number=number, page=v + 1, title=title), _H2)
            page = chapters.chapter_page(ctx, topic, v)
            story += [PageBreak(), fit([heading, *_section(page, f"{number}.{v + 1}")])]
    doc.build(story)
    if counter["pages"] != pages:  # pragma: no cover - guarded by KeepInFrame
        raise RuntimeError(f"rendered {counter['pages']} pages instead of {pages}")
    return buffer.getvalue()
