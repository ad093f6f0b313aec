"""The thank-you receipt of a donation (捐赠收据), one A5 page as PDF: the receipt number, the donor (or
"anonymous"), what was given, the store that received it, the date. ReportLab with the CJK font embedded
(subset), as the pass sheets do (the font is the same setting, PASS_FONT_PATH)."""

from __future__ import annotations

import io
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from lianfang.core.errors import DomainError
from lianfang.core.fonts import FontMissing, register_font
from lianfang.supplies.models import Donation


@lru_cache(maxsize=1)
def _font() -> str:
    try:
        return register_font()
    except FontMissing as err:
        raise DomainError("font_missing", str(err), status=503) from None


def receipt_pdf(donation: Donation) -> bytes:
    """The receipt of an acknowledged donation (its lines and store read here)."""
    font = _font()
    buf = io.BytesIO()
    width, height = A5
    c = Canvas(buf, pagesize=A5, pageCompression=1)
    c.setTitle(f"{_('Donation receipt')} {donation.receipt_number}")
    y = height - 22 * mm
    c.setFont(font, 18)
    c.drawCentredString(width / 2, y, _("Donation receipt"))
    y -= 10 * mm
    c.setFont(font, 10)
    c.drawCentredString(width / 2, y, _("Receipt number {n}").format(n=donation.receipt_number or ""))
    y -= 14 * mm
    c.setFont(font, 12)
    c.drawString(15 * mm, y, _("Thank you, {donor}, for your donation:").format(donor=donation.donor_label()))
    y -= 10 * mm
    for line in donation.lines.select_related("item", "lot").order_by("id"):
        text = f"{line.item.name}  {line.quantity} {line.item.unit}"
        if line.lot and line.lot.expires_on:
            text += "  " + _("expires {date}").format(date=line.lot.expires_on.isoformat())
        c.drawString(22 * mm, y, text)
        y -= 8 * mm
        if y < 40 * mm:
            break
    y -= 6 * mm
    received = timezone.localtime(donation.received_at).date() if donation.received_at else None
    c.drawString(
        15 * mm, y, _("Received by {store} on {date}.").format(store=donation.location.name, date=received)
    )
    y -= 8 * mm
    c.drawString(15 * mm, y, _("Every item is recorded in the stock ledger and accounted for."))
    c.setFont(font, 9)
    c.drawRightString(width - 15 * mm, 15 * mm, timezone.localdate().isoformat())
    c.showPage()
    c.save()
    return buf.getvalue()
