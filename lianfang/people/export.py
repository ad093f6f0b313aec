"""Resident export to xlsx: masked by default; full ID numbers only for SEE_FULL_ID and only when asked.
Every export is audited, and every cell is inert (core.exports: no text runs as a formula)."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from lianfang.core import audit
from lianfang.core.audit import AuditAction
from lianfang.core.exports import inert_row
from lianfang.core.roles import EXPORT_RESIDENTS, SEE_FULL_ID
from lianfang.core.scoping import authorize_write
from lianfang.people.models import Relation, Resident, Sex, Tag
from lianfang.people.search import resident_matches
from lianfang.places.models import Compound

COLUMNS = [
    _("Name"), _("Sex"), _("Birth date"), _("ID number"), _("Phone"), _("Compound"), _("Building"), _("Unit"),
    _("Room"), _("Relation to the household head"), _("Tags"), _("Notes"),
]  # fmt: skip


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 11 else ("*" * max(0, len(phone) - 4) + phone[-4:])


def residents_to_export(user: Any, *, q: str = "", compound_id: int | None = None) -> QuerySet[Resident]:
    qs = Resident.objects.visible_to(user)
    if q:
        qs = resident_matches(user, q)
    if compound_id:
        qs = qs.filter(household__compound_id=compound_id)
    return qs.select_related("household__unit__building", "household__compound").order_by(
        "household__compound__name", "household__label", "id"
    )


def export_residents(
    *, user: Any, q: str = "", compound_id: int | None = None, full_id: bool = False, request: Any = None
) -> tuple[bytes, int]:
    """The xlsx bytes and the number of residents in it."""
    authorize_write(user, action=EXPORT_RESIDENTS)  # the rows are read through visible_to
    if full_id:
        authorize_write(user, action=SEE_FULL_ID)
    sexes, relations, tags = dict(Sex.choices), dict(Relation.choices), dict(Tag.choices)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_g("Residents"))
    ws.append(inert_row(ws, [str(c) for c in COLUMNS]))
    count = 0
    for r in residents_to_export(user, q=q, compound_id=compound_id).iterator(chunk_size=2000):
        h = r.household
        birth = WriteOnlyCell(ws, r.birth_date)
        birth.number_format = "yyyy-mm-dd"
        row = [
            r.name,
            str(sexes.get(r.sex, "")),
            birth,
            (r.full_id() if full_id else r.masked_id) or None,
            (r.phone if full_id else mask_phone(r.phone)) or None,
            h.compound.name if h else None,
            h.unit.building.number if h else None,
            h.unit.number if h else None,
            h.room if h else None,
            str(relations.get(r.relation, r.relation)),
            "、".join(str(tags.get(t, t)) for t in r.tag_list) or None,
            r.notes or None,
        ]
        ws.append(inert_row(ws, row))
        count += 1
    out = io.BytesIO()
    wb.save(out)
    audit.log(
        user=user,
        action=AuditAction.EXPORT,
        object_type="resident",
        summary=audit.filtered(
            _g("{n} residents exported with full ID numbers and phones").format(n=count)
            if full_id
            else _g("{n} residents exported, ID numbers and phones masked").format(n=count),
            _filter_words(user, q, compound_id),
        ),
        path=getattr(user, "scope_path", ""),
        request=request,
    )
    return out.getvalue(), count


def _filter_words(user: Any, q: str, compound_id: int | None) -> list[str]:
    """The export's filter as the audit trail says it: the compound by name, the search as typed."""
    words = []
    if compound_id:
        compound = Compound.objects.visible_to(user).filter(pk=compound_id).values_list("name", flat=True)
        words.append(compound.first() or "-")
    if q:
        words.append(_g("search “{text}”").format(text=q[:100]))
    return words


def export_filename() -> str:
    return f"residents-{timezone.localdate():%Y%m%d}.xlsx"
