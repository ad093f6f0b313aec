"""Excel exports of the ledger and of the balances, every cell inert (core.exports), read through the user's
scope; each export is audited."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from lianfang.core import audit
from lianfang.core.audit import AuditAction
from lianfang.core.exports import inert_row
from lianfang.supplies.models import Balance, Movement

EXPORT_MAX = 100_000


def _book(title: str, header: list[str], rows: Any) -> tuple[bytes, int]:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    ws.append(inert_row(ws, header))
    count = 0
    for row in rows:
        ws.append(inert_row(ws, row))
        count += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), count


def export_ledger(*, user: Any, movements: QuerySet[Movement], request: Any = None) -> tuple[bytes, int]:
    header = [
        _("Time"), _("Day"), _("Store"), _("Item"), _("Lot"), _("Expires"), _("Kind"), _("Quantity"),
        _("Unit"), _("By"), _("Reason"), _("Reference"),
    ]  # fmt: skip
    rows = (
        [
            timezone.localtime(m.at).strftime("%Y-%m-%d %H:%M:%S"),
            m.effective_day.isoformat(),
            m.location.name,
            m.item.name,
            m.lot.code,
            m.lot.expires_on.isoformat() if m.lot.expires_on else "",
            m.get_kind_display(),
            m.delta,
            m.item.unit,
            m.by.username if m.by else "",
            m.reason,
            m.reference,
        ]
        for m in movements.select_related("location", "item", "lot", "by")[:EXPORT_MAX].iterator(
            chunk_size=2000
        )
    )
    data, n = _book(_("Ledger"), [str(h) for h in header], rows)
    audit.log(
        user=user,
        action=AuditAction.EXPORT,
        object_type="movement",
        summary=_("Ledger exported: {n} movements").format(n=n),
        path=user.scope_path,
        request=request,
    )
    return data, n


def export_balances(*, user: Any, request: Any = None) -> tuple[bytes, int]:
    header = [_("Store"), _("Item"), _("Lot"), _("Expires"), _("Quantity"), _("Unit")]
    qs = (
        Balance.objects.visible_to(user)
        .filter(quantity__gt=0)
        .select_related("location", "item", "lot")
        .order_by("location__path", "location__name", "item__name", "lot__expires_on", "lot_id")
    )
    rows = (
        [
            b.location.name,
            b.item.name,
            b.lot.code,
            b.lot.expires_on.isoformat() if b.lot.expires_on else "",
            b.quantity,
            b.item.unit,
        ]
        for b in qs[:EXPORT_MAX].iterator(chunk_size=2000)
    )
    data, n = _book(_("Stock"), [str(h) for h in header], rows)
    audit.log(
        user=user,
        action=AuditAction.EXPORT,
        object_type="balance",
        summary=_("Stock exported: {n} lines").format(n=n),
        path=user.scope_path,
        request=request,
    )
    return data, n
