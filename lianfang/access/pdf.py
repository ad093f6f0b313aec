"""Printable pass cards (出入证): A4 sheets of 2 x 4 cards with cut lines, Chinese text, and a QR code.

A card carries the compound, the household label (or plate / holder), the pass number a guard can
type, the validity and the QR of the signed token (``Pass.qr_text``). Never a name or an ID number.
The CJK font is embedded (subset) so that the sheet prints the same on any printer.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import segno
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from lianfang.access.models import Pass, PassKind, PassStatus
from lianfang.core.fonts import FONT_NAME, register_font
from lianfang.places.models import Building, Compound

PRINTABLE = (PassStatus.ACTIVE, PassStatus.SUSPENDED)

COLS, ROWS = 2, 4
PAGE_W, PAGE_H = A4
MARGIN_X, MARGIN_Y = 10 * mm, 12 * mm
CARD_W = (PAGE_W - 2 * MARGIN_X) / COLS
CARD_H = (PAGE_H - 2 * MARGIN_Y) / ROWS
PAD = 6 * mm
QR_SIZE = 35 * mm  # the symbol without its quiet zone: a phone reads it from 20-40 cm
QUIET_MODULES = 4


def _natural(text: str) -> tuple[Any, ...]:
    return tuple((0, int(p), "") if p.isdecimal() else (1, 0, p) for p in re.split(r"(\d+)", text) if p)


def printable_passes(
    passes: QuerySet[Pass], *, compound: Compound, building: Building | None = None
) -> list[Pass]:
    """The active and suspended passes of a compound (or one building), in building-unit-room order."""
    qs = passes.filter(compound=compound, status__in=PRINTABLE).select_related(
        "compound", "household", "household__unit", "household__unit__building"
    )
    if building is not None:
        qs = qs.filter(household__unit__building=building)

    def key(p: Pass) -> tuple[Any, ...]:
        h = p.household
        if h is None:
            return (1, (), (), (), p.kind, p.pk)
        return (0, _natural(h.unit.building.number), _natural(h.unit.number), _natural(h.room), p.kind, p.pk)

    return sorted(qs, key=key)


def printed_summary(count: int, building: Building | None = None) -> str:
    """The audit trail's sentence for a printed sheet of pass cards (the compound is the row's object)."""
    if building is None:
        return _("{n} pass cards printed").format(n=count)
    return _("{building}: {n} pass cards printed").format(building=building, n=count)


def _fit(text: str, size: float, max_w: float, min_size: float = 6) -> tuple[str, float]:
    """The largest font size <= size at which text fits max_w; below min_size the text is cut with '…'."""
    width = pdfmetrics.stringWidth(text, FONT_NAME, size)
    if width <= max_w:
        return text, size
    size = max(min_size, int(size * max_w / width * 2) / 2)  # widths scale with the size; half points
    if pdfmetrics.stringWidth(text, FONT_NAME, size) > max_w:
        while text and pdfmetrics.stringWidth(text + "…", FONT_NAME, size) > max_w:
            text = text[:-1]
        text += "…"
    return text, size


# One Chinese character, or one Latin word with the spaces after it: the units a line may break between.
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_BREAKABLE = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+\s*|\s+")


@lru_cache(maxsize=256)
def _wrap(text: str, size: float, max_w: float, max_lines: int = 2) -> tuple[str, ...]:
    """Break text between Chinese characters or Latin words so each line fits max_w;
    the last line allowed is cut with '…' when the text is longer. Cached: every card has the same hint."""
    units = _BREAKABLE.findall(text)
    lines: list[str] = []
    line = ""
    for i, unit in enumerate(units):
        if line and pdfmetrics.stringWidth((line + unit).rstrip(), FONT_NAME, size) > max_w:
            if len(lines) == max_lines - 1:
                rest = (line + "".join(units[i:])).strip()
                return (*lines, _fit_cut(rest + "…", size, max_w))
            lines.append(line.rstrip())
            line = unit.lstrip()
        else:
            line += unit
    if line.strip():
        lines.append(line.rstrip())
    return tuple(lines)


def _fit_cut(text: str, size: float, max_w: float) -> str:
    while len(text) > 1 and pdfmetrics.stringWidth(text, FONT_NAME, size) > max_w:
        text = text[:-2] + "…"
    return text


@lru_cache(maxsize=4096)
def _qr_ops(text: str) -> tuple[int, str]:
    """(modules per side, PDF path operators filling the dark modules of the QR of text) in module
    units, row 0 at the top. Cached: reprinting a sheet does not encode its QR codes again."""
    qr = segno.make_qr(text, error="m", boost_error=False)
    matrix = qr.matrix
    n = len(matrix)
    ops = []
    for r, row in enumerate(matrix):
        y = n - r - 1
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                ops.append(f"{start} {y} {col - start} 1 re")
            else:
                col += 1
    return n, "\n".join(ops)


def _draw_qr(c: Canvas, text: str, x: float, y: float, size: float) -> None:
    """The QR as one filled path of black modules; (x, y) is the lower left corner of the symbol
    (the quiet zone around it is left blank by the layout). The path is written as PDF operators
    in module units under a scaling transform: thousands of cards stay fast."""
    n, ops = _qr_ops(text)
    module = size / n
    c.saveState()
    c.setFillColorRGB(0, 0, 0)
    c.transform(module, 0, 0, module, x, y)
    c.addLiteral(ops + "\nf")
    c.restoreState()


def _place_lines(p: Pass) -> tuple[str, str]:
    """(first line, big second line): compound and household label, or plate / holder."""
    compound = p.compound.name if p.compound_id else _("Valid in the whole area")
    label = p.household.label if p.household_id else ""
    if p.kind == PassKind.VEHICLE:
        return f"{compound} {label}".strip(), p.plate
    if p.kind == PassKind.WORK:
        return compound, p.holder
    return compound, label


def _draw_card(c: Canvas, p: Pass, x0: float, y0: float) -> None:
    text_w = CARD_W - 2 * PAD - QR_SIZE - QUIET_MODULES * mm
    top = y0 + CARD_H - PAD
    c.setFillColorRGB(0.72, 0.11, 0.11)
    c.setFont(FONT_NAME, 16)
    c.drawString(x0 + PAD, top - 12, "出入证")
    title_w = pdfmetrics.stringWidth("出入证", FONT_NAME, 16)
    kind, size = _fit(str(p.get_kind_display()), 10, CARD_W - 2 * PAD - title_w - 4 * mm)
    c.setFont(FONT_NAME, size)
    c.drawString(x0 + PAD + title_w + 3 * mm, top - 12, kind)
    c.setFillColorRGB(0, 0, 0)

    line1, line2 = _place_lines(p)
    y = top - 12 - 9 * mm
    text, size = _fit(line1, 10, text_w)
    c.setFont(FONT_NAME, size)
    c.drawString(x0 + PAD, y, text)
    y -= 7 * mm
    if line2:
        text, size = _fit(line2, 14, text_w, min_size=10)
        if text == line2:
            c.setFont(FONT_NAME, size)
            c.drawString(x0 + PAD, y, text)
        else:  # a long holder: two smaller lines
            c.setFont(FONT_NAME, 8)
            for i, part in enumerate(_wrap(line2, 8, text_w)):
                c.drawString(x0 + PAD, y + 3 * mm - i * 10, part)
    y -= 6 * mm
    c.setFont(FONT_NAME, 7)
    c.setFillColorRGB(0.35, 0.35, 0.35)
    c.drawString(x0 + PAD, y, _("Pass number"))
    c.setFillColorRGB(0, 0, 0)
    y -= 7 * mm
    text, size = _fit(p.display_number, 20, text_w)
    c.setFont(FONT_NAME, size)
    c.drawString(x0 + PAD, y, text)
    y -= 6 * mm
    validity = _("Valid {start} to {end}").format(start=p.valid_from.isoformat(), end=p.valid_to.isoformat())
    text, size = _fit(validity, 8, text_w)
    c.setFont(FONT_NAME, size)
    c.drawString(x0 + PAD, y, text)

    c.setFillColorRGB(0.35, 0.35, 0.35)
    hint = _("Show this card at the gate. Report a lost card to the community office.")
    lines = _wrap(hint, 7, text_w)
    c.setFont(FONT_NAME, 7)
    for i, line in enumerate(reversed(lines)):
        c.drawString(x0 + PAD, y0 + PAD + i * 9, line)
    c.setFillColorRGB(0, 0, 0)

    qr_x = x0 + CARD_W - PAD - QR_SIZE
    qr_y = y0 + (CARD_H - QR_SIZE) / 2 - 3 * mm
    _draw_qr(c, p.qr_text, qr_x, qr_y, QR_SIZE)


def _draw_cut_lines(c: Canvas) -> None:
    c.saveState()
    c.setStrokeColorRGB(0.6, 0.6, 0.6)
    c.setLineWidth(0.3)
    c.setDash(3, 3)
    for i in range(COLS + 1):
        x = MARGIN_X + i * CARD_W
        c.line(x, MARGIN_Y - 4 * mm, x, PAGE_H - MARGIN_Y + 4 * mm)
    for j in range(ROWS + 1):
        y = MARGIN_Y + j * CARD_H
        c.line(MARGIN_X - 4 * mm, y, PAGE_W - MARGIN_X + 4 * mm, y)
    c.restoreState()


def _chunks(items: Sequence[Pass], n: int) -> Iterable[Sequence[Pass]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def render_pass_sheets(passes: Iterable[Pass], *, title: str = "", font: Path | None = None) -> bytes:
    """A4 PDF of pass cards, 8 per page, in the order given. Revoked passes are left out."""
    register_font(font)
    cards = [p for p in passes if p.status in PRINTABLE]
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(title or _("Pass cards"))
    c.setCreator("Lianfang")
    printed = timezone.localdate().isoformat()
    pages = list(_chunks(cards, COLS * ROWS)) or [[]]
    for page_no, page in enumerate(pages, start=1):
        _draw_cut_lines(c)
        for i, p in enumerate(page):
            col, row = i % COLS, i // COLS
            _draw_card(c, p, MARGIN_X + col * CARD_W, PAGE_H - MARGIN_Y - (row + 1) * CARD_H)
        c.setFont(FONT_NAME, 7)
        c.setFillColorRGB(0.45, 0.45, 0.45)
        footer = _("Printed {date} · page {page} of {pages}").format(
            date=printed, page=page_no, pages=len(pages)
        )
        if title:
            footer = f"{title} · {footer}"
        c.drawCentredString(PAGE_W / 2, MARGIN_Y / 2 - 2, footer)
        c.showPage()
    c.save()
    return buf.getvalue()
