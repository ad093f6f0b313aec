"""The printed letter for households without a phone: one A4 page per household, the letter above and a
tear-off slip below the dashed line (household label, notice number, a line to sign and date). The grid
worker brings the signed slip back and records it (services.record_slip). Uses the project's CJK font
(core.fonts.register_font), embedded, so it prints the same on any printer."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from lianfang.core.fonts import register_font
from lianfang.notices.models import Notice, Recipient
from lianfang.notices.text import plain

PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
SLIP_H = 60 * mm
BODY_SIZE = 11.5
LINE = BODY_SIZE * 1.6


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break text into lines that fit `width` (Chinese breaks anywhere; keeps explicit line ends)."""
    lines: list[str] = []
    for para in text.split("\n"):
        current = ""
        for ch in para:
            if stringWidth(current + ch, font, size) > width:
                lines.append(current)
                current = ch
            else:
                current += ch
        lines.append(current)
    return lines


def render_letters(notice: Notice, recipients: Iterable[Recipient]) -> bytes:
    font = register_font()
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4)
    canvas.setTitle(notice.title)
    width = PAGE_W - 2 * MARGIN
    body = _wrap(re.sub(r"\n\s*\n", "\n\n", plain(notice.body)), font, BODY_SIZE, width)
    published = timezone.localtime(notice.published_at).strftime("%Y-%m-%d") if notice.published_at else ""
    pages = 0
    for r in recipients:
        pages += 1
        label = f"{r.household.compound.name} {r.household.label}" if r.household_id else str(r.user or "")
        y = PAGE_H - MARGIN
        canvas.setFont(font, 17)
        canvas.drawCentredString(PAGE_W / 2, y, notice.title)
        y -= 10 * mm
        canvas.setFont(font, 10)
        canvas.drawString(MARGIN, y, _("To: {household}").format(household=label))
        canvas.drawRightString(PAGE_W - MARGIN, y, published)
        y -= 8 * mm
        canvas.setFont(font, BODY_SIZE)
        for line in body:
            if y < SLIP_H + MARGIN + LINE:
                canvas.drawString(MARGIN, y, "……")
                break
            canvas.drawString(MARGIN, y, line)
            y -= LINE
        # The tear-off slip.
        cut = SLIP_H + MARGIN - 6 * mm
        canvas.setDash(4, 3)
        canvas.line(MARGIN / 2, cut, PAGE_W - MARGIN / 2, cut)
        canvas.setDash()
        canvas.setFont(font, 8)
        canvas.drawString(MARGIN, cut + 2 * mm, _("Tear off here and give the slip back to your grid worker"))
        y = cut - 9 * mm
        canvas.setFont(font, 13)
        canvas.drawString(MARGIN, y, _("Acknowledgement slip"))
        canvas.setFont(font, 11)
        y -= 8 * mm
        canvas.drawString(MARGIN, y, _("Notice: {title}").format(title=notice.title[:40]))
        y -= 7 * mm
        canvas.drawString(MARGIN, y, _("Household: {household}").format(household=label))
        canvas.drawRightString(PAGE_W - MARGIN, y, f"No. {notice.pk}-{r.pk}")
        y -= 7 * mm
        canvas.drawString(MARGIN, y, _("We have received and read this notice."))
        y -= 12 * mm
        canvas.drawString(MARGIN, y, _("Signature: ____________________    Date: ____________"))
        canvas.showPage()
    if pages == 0:
        canvas.setFont(font, 12)
        canvas.drawString(MARGIN, PAGE_H - MARGIN, _("Every household here has acknowledged."))
        canvas.showPage()
    canvas.save()
    return buf.getvalue()
