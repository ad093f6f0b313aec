"""Use cases on places."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianfang.core.errors import DomainError
from lianfang.places.models import Building, Compound, Household, Unit

_SUFFIXES = re.compile(r"(号楼|栋|幢|号|楼|单元|室|户)$")


def clean_number(raw: object) -> str:
    """'3栋' / '３' / '3 ' / 3.0 -> '3' — the bare number as printed on the building."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = unicodedata.normalize("NFKC", str(raw if raw is not None else "")).strip()
    text = _SUFFIXES.sub("", text).strip()
    return text


# An address as people type it: 3栋2单元401, 3-2-401, 3号楼401, "3 2 401" (building and unit optional).
ADDRESS = re.compile(
    r"^(?:(?P<b>[0-9A-Za-z]+)\s*(?:号楼|栋|幢|号|-|\s)\s*)?(?:(?P<u>\d+)\s*(?:单元|-|\s)\s*)?(?P<r>\d+)\s*(?:室|号)?$"
)


@dataclass(frozen=True)
class Address:
    building: str
    unit: str
    room: str


def parse_address(text: str) -> Address | None:
    m = ADDRESS.match(unicodedata.normalize("NFKC", text or "").strip())
    if not m:
        return None
    return Address(building=m["b"] or "", unit=m["u"] or "", room=m["r"])


def household_filter(address: Address, prefix: str = "") -> Q:
    """The households at an address (prefix: the lookup path to Household, e.g. "household__")."""
    if address.building and address.unit:
        # The label is exactly building-unit-room and indexed: no joins needed.
        return Q(**{f"{prefix}label": Household.make_label(address.building, address.unit, address.room)})
    cond = Q(**{f"{prefix}room": address.room})
    if address.unit:
        cond &= Q(**{f"{prefix}unit__number": address.unit})
    if address.building:
        cond &= Q(**{f"{prefix}unit__building__number": address.building})
    return cond


@transaction.atomic
def ensure_household(*, compound: Compound, building: str, unit: str, room: str) -> Household:
    """Find or create building, unit and household; returns the household."""
    building, unit, room = clean_number(building), clean_number(unit) or "1", clean_number(room)
    if not building or not room:
        raise DomainError("address_incomplete", _("Building and room number are both needed."), field="room")
    b, _created = Building.objects.get_or_create(
        compound=compound, number=building, defaults={"path": compound.path}
    )
    u, _created = Unit.objects.get_or_create(building=b, number=unit, defaults={"path": compound.path})
    h, _created = Household.objects.get_or_create(
        unit=u,
        room=room,
        defaults={
            "compound": compound,
            "grid_id": b.grid_id,
            "path": compound.path,
            "label": Household.make_label(building, unit, room),
        },
    )
    return h
