"""The daily report on paper: an area's roll-up as an Excel workbook in the layout a district office keeps
(a title row, one row per community with the figures as columns, a totals row; the free-text parts on a
second sheet), and a PDF of one community's report or of an area's roll-up, the Chinese font embedded.

Every cell is inert (core.exports): a community's text that starts with "=" stays text. The totals are
numbers written by us, never formulas. Figures of a community that did not report stay empty; the totals
add up the submitted and accepted reports only (watch.reports.rollup)."""

from __future__ import annotations

import datetime
import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lianfang.core.exports import inert_row
from lianfang.core.fonts import register_font
from lianfang.places.models import AreaLevel
from lianfang.watch.models import DailyReport
from lianfang.watch.reports import (
    COLUMNS,
    STATE_LABELS,
    CommunityLine,
    Rollup,
    cutoff_for,
    report_values,
)

# The free-text parts of a report, as the article names them (宣传, 卡口及值守人员, 消杀, 困难和问题).
TEXT_PARTS: tuple[tuple[str, Any], ...] = (
    ("publicity", gettext_lazy("Publicity")),
    ("checkpoints", gettext_lazy("Checkpoints and people on duty")),
    ("disinfected_area", gettext_lazy("Disinfection: teams and area")),
    ("difficulties", gettext_lazy("Difficulties and problems")),
)


def report_date(day: datetime.date) -> str:
    return _("{month}/{day}/{year}").format(year=day.year, month=day.month, day=day.day)


def report_title(area_name: str, day: datetime.date) -> str:
    return _("{area} epidemic prevention and control daily report {date}").format(
        area=area_name, date=report_date(day)
    )


def text_labels() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in TEXT_PARTS]


def _submitted(line: CommunityLine) -> str:
    report = line.report
    if report is None or report.submitted_at is None or not line.counted:
        return ""
    return timezone.localtime(report.submitted_at).strftime("%m-%d %H:%M")


def _state(line: CommunityLine) -> str:
    text = str(STATE_LABELS[line.state])
    return f"{text} ({_('late')})" if line.late else text


def _disinfection(report: DailyReport) -> str:
    parts = []
    if report.disinfection_teams is not None:
        parts.append(_("{n} teams").format(n=report.disinfection_teams))
    if report.disinfected_area:
        parts.append(report.disinfected_area)
    return "; ".join(parts)


def _text_of(report: DailyReport, key: str) -> str:
    return _disinfection(report) if key == "disinfected_area" else str(getattr(report, key) or "")


# ------------------------------------------------------------------ Excel
def rollup_workbook(result: Rollup) -> bytes:
    """The roll-up as .xlsx: sheet 1 the figures (title, summary, header, a row per community, totals),
    sheet 2 the free-text parts of each report."""
    with_street = result.area.level in (AreaLevel.CITY, AreaLevel.DISTRICT)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Figures")
    lead = (
        [_("No.")]
        + ([_("Street / town")] if with_street else [])
        + [_("Community"), _("Status"), _("Submitted at")]
    )
    header = lead + [str(label) for _key, label in COLUMNS]
    title = report_title(result.area.name, result.day)
    ws.append(inert_row(ws, [title]))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    total = result.total
    summary = _(
        "Due by {cutoff}. {reported} of {communities} communities reported ({accepted} accepted, "
        "{submitted} awaiting review); {late} late."
    ).format(
        cutoff=cutoff_for(result.area).strftime("%H:%M"),
        reported=total.reported,
        communities=total.communities,
        accepted=total.accepted,
        submitted=total.submitted,
        late=total.late,
    )
    ws.append(inert_row(ws, [summary]))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(header))
    ws.append(inert_row(ws, header))
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for number, line in enumerate(result.lines, start=1):
        street = result.parents.get(line.community.parent_id or 0)
        row: list[Any] = [number]
        if with_street:
            row.append(street.name if street else "")
        row += [line.community.name, _state(line), _submitted(line)]
        row += [line.values.get(key) if line.counted else None for key, _label in COLUMNS]
        ws.append(inert_row(ws, row))
    totals_row: list[Any] = [_("Total")] + ([""] if with_street else [])
    totals_row += [
        _("{n} communities").format(n=total.communities),
        _("{n} reported").format(n=total.reported),
        "",
    ]
    totals_row += [total.values.get(key, 0) for key, _label in COLUMNS]
    ws.append(inert_row(ws, totals_row))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for index in range(1, len(header) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 10 if index > len(lead) else 14
    ws.row_dimensions[3].height = 45
    ws.freeze_panes = ws.cell(row=4, column=len(lead) + 1)

    texts = wb.create_sheet(_("Work and difficulties"))
    texts.append(inert_row(texts, [title]))
    labels = text_labels()
    texts.append(
        inert_row(texts, [_("Community"), _("Status"), *(label for _key, label in labels), _("Comment")])
    )
    for cell in texts[2]:
        cell.font = Font(bold=True)
    for line in result.lines:
        report = line.report
        if report is None:
            texts.append(inert_row(texts, [line.community.name, _state(line)]))
            continue
        texts.append(
            inert_row(
                texts,
                [
                    line.community.name,
                    _state(line),
                    *(_text_of(report, key) for key, _label in labels),
                    report.review_comment,
                ],
            )
        )
    for index, width in enumerate((14, 16, 40, 40, 30, 40, 30), start=1):
        texts.column_dimensions[get_column_letter(index)].width = width
    for row_cells in texts.iter_rows(min_row=3):
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ------------------------------------------------------------------ PDF
def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontSize=16, leading=22, alignment=1, spaceAfter=4 * mm
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontSize=12, leading=16, spaceBefore=4 * mm, spaceAfter=2 * mm
        ),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor=colors.grey),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
    }


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _table(
    rows: list[list[Any]], widths: list[float], font: str, *, numbers: tuple[int, ...] = (-1,)
) -> Table:
    """A table with a header row; the columns in `numbers` are right-aligned."""
    table = Table(rows, colWidths=widths, repeatRows=1)
    style: list[Any] = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
    ]
    style += [("ALIGN", (col, 0), (col, -1), "RIGHT") for col in numbers]
    table.setStyle(TableStyle(style))
    return table


def _document(story: list[Any], title: str) -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        creator="Lianfang",
    )
    doc.build(story)
    return buf.getvalue()


def _fmt(value: int | None) -> str:
    return "—" if value is None else str(value)


def report_pdf(report: DailyReport) -> bytes:
    """One community's report: its state, its figures, the free-text parts and the reviewer's comment."""
    font = register_font()
    st = _styles(font)
    community = report.community
    title = report_title(community.name, report.day)
    story: list[Any] = [_para(title, st["title"])]
    state = str(STATE_LABELS[report.status])
    if report.submitted_at:
        state += " · " + _("submitted {at}").format(
            at=timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M")
        )
    story.append(_para(state, st["small"]))
    values = report_values(report)
    if not report.figures:
        story.append(_para(_("The statistics of this day were not computed: no figures."), st["body"]))
    cells = [[str(label), _fmt(values[key])] for key, label in COLUMNS]
    half = (len(cells) + 1) // 2  # two columns of figures, as on the paper form
    rows = [[_("Figure"), _("Value"), _("Figure"), _("Value")]]
    for left, right in zip(cells[:half], [*cells[half:], ["", ""]], strict=False):
        rows.append([*left, *right])
    story += [Spacer(1, 3 * mm), _table(rows, [62 * mm, 28 * mm, 62 * mm, 28 * mm], font, numbers=(1, 3))]
    for key, label in text_labels():
        story.append(_para(label, st["h2"]))
        story.append(_para(_text_of(report, key) or "—", st["body"]))
    if report.review_comment:
        story.append(_para(_("Comment"), st["h2"]))
        story.append(_para(report.review_comment, st["body"]))
    return _document(story, title)


def rollup_pdf(result: Rollup) -> bytes:
    """An area's roll-up: the summary, the totals of every figure (and of each child area when there are
    few enough to fit), and each community's state."""
    font = register_font()
    st = _styles(font)
    title = report_title(result.area.name, result.day)
    total = result.total
    story: list[Any] = [
        _para(title, st["title"]),
        _para(
            _(
                "{reported} of {communities} communities reported ({accepted} accepted, {submitted} awaiting "
                "review); {late} late."
            ).format(
                reported=total.reported,
                communities=total.communities,
                accepted=total.accepted,
                submitted=total.submitted,
                late=total.late,
            ),
            st["body"],
        ),
    ]
    children = result.children if 0 < len(result.children) <= 4 else []
    head = [_("Figure")] + [_para(c.area.name, st["cell"]) for c in children] + [_("Total")]
    rows: list[list[Any]] = [head]
    for key, label in COLUMNS:
        rows.append(
            [str(label)] + [str(c.values.get(key, 0)) for c in children] + [str(total.values.get(key, 0))]
        )
    free = 180 * mm - 70 * mm
    widths = [70 * mm] + [free / (len(children) + 1)] * (len(children) + 1)
    story += [Spacer(1, 3 * mm), _table(rows, widths, font)]
    story.append(_para(_("Communities"), st["h2"]))
    lines = [[_("Community"), _("Status"), _("Submitted at")]]
    for line in result.lines:
        lines.append(
            [_para(line.community.name, st["cell"]), _para(_state(line), st["cell"]), _submitted(line)]
        )
    story.append(_table(lines, [70 * mm, 80 * mm, 30 * mm], font))
    return _document(story, title)


def export_filename(code: str, day: datetime.date, ext: str) -> str:
    return f"daily-report-{code}-{day:%Y%m%d}.{ext}"
