"""What each role's home page shows. Later issues add their parts (overdue calls, gate status...)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from lianfang.core.roles import Role


def home_context(user: Any) -> dict[str, Any]:
    from lianfang.places.models import Area, AreaLevel, Compound, Gate, Household
    from lianfang.people.models import Resident, TravelRecord

    ctx: dict[str, Any] = {"template": "core/home.html", "role": user.role}
    if user.role in (Role.COMMAND, Role.COMMUNITY, Role.HEALTH, Role.GRID) or user.is_superuser:
        residents = Resident.objects.visible_to(user)
        households = Household.objects.visible_to(user)
        ctx["counts"] = {
            "households": households.count(),
            "residents": residents.count(),
            "vulnerable": residents.exclude(tags="").count(),
            "returnees": TravelRecord.objects.visible_to(user).count(),
        }
        if user.role == Role.COMMAND or user.is_superuser:
            children = Area.objects.visible_to(user).filter(parent=user.area) if user.area_id else Area.objects.none()
            ctx["children"] = children
        if user.role in (Role.COMMUNITY, Role.HEALTH):
            ctx["compounds"] = (
                Compound.objects.visible_to(user).annotate(n_households=Count("households")).order_by("name")[:50]
            )
        if user.role == Role.GRID:
            ctx["vulnerable_residents"] = (
                residents.exclude(tags="").select_related("household", "household__compound").order_by("name")[:50]
            )
    elif user.role == Role.GATE:
        ctx["gate"] = Gate.objects.visible_to(user).select_related("compound").first()
    elif user.role == Role.VOLUNTEER:
        ctx["community"] = Area.objects.visible_to(user).filter(level=AreaLevel.COMMUNITY).first() or user.area
    elif user.role == Role.RESIDENT:
        ctx["household"] = Household.objects.visible_to(user).select_related("compound").first()
        ctx["members"] = Resident.objects.visible_to(user).order_by("id")
    return ctx
