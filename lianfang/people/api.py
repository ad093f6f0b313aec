from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from lianfang.core.errors import DomainError
from lianfang.core.phones import phone_for
from lianfang.people.models import Resident
from lianfang.people.search import search_residents
from lianfang.places.models import Household

router = Router(tags=["people"])


class ResidentOut(Schema):
    id: int
    name: str
    sex: str
    birth_year: int | None
    id_number: str  # always masked in the API
    phone: str  # masked (139****5678) for roles that do not call households (core/phones.py)
    household_id: int | None
    household: str | None
    relation: str
    tags: list[str]


class HouseholdOut(Schema):
    id: int
    label: str
    compound_id: int
    compound: str
    building_id: int
    unit_id: int
    grid_id: int | None
    members: list[ResidentOut]


def resident_out(user: Any, r: Resident, household: Household | None = None) -> ResidentOut:
    h = household or r.household
    return ResidentOut(
        id=r.id,
        name=r.name,
        sex=r.sex,
        birth_year=r.birth_date.year if r.birth_date else None,
        id_number=r.masked_id,
        phone=phone_for(user, r.phone),
        household_id=r.household_id,
        household=f"{h.compound.name} {h.label}" if h else None,
        relation=r.relation,
        tags=r.tag_list,
    )


@router.get(
    "/residents", response=list[ResidentOut], summary="Search residents in your scope (ID numbers masked)"
)
def list_residents(
    request,
    q: str = Query(..., description="A name, pinyin initials, the last four digits or an address."),
    limit: int = 50,
):
    if not q.strip():
        raise DomainError(
            "query_missing", _("Type a name, pinyin initials, the last four digits or an address (q).")
        )
    limit = max(1, min(limit, 200))
    return [resident_out(request.user, r) for r in search_residents(request.user, q, limit=limit)]


@router.get("/households/{household_id}", response=HouseholdOut, summary="A household with its members")
def get_household(request, household_id: int):
    h = get_object_or_404(
        Household.objects.visible_to(request.user).select_related("compound", "unit"), pk=household_id
    )
    members = Resident.objects.visible_to(request.user).filter(household=h).order_by("id")
    return HouseholdOut(
        id=h.id,
        label=h.label,
        compound_id=h.compound_id,
        compound=h.compound.name,
        building_id=h.unit.building_id,
        unit_id=h.unit_id,
        grid_id=h.grid_id,
        members=[resident_out(request.user, m, h) for m in members],
    )
