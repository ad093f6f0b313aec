"""Browsing places in scope: area tree with counts, compounds, buildings, households. In home, not places:
each page counts residents, and a household's page shows its residents, visits and passes.

Every read goes through `visible_to(user)`; anything outside the user's scope is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from lianfang.access.models import Pass
from lianfang.access.services import outing_status
from lianfang.core.natural import natural_key
from lianfang.core.roles import EDIT_REGISTRY, READ_REGISTRY, READ_STOCK, SHARE_HOUSEHOLD_LINK
from lianfang.core.subqueries import SubqueryCount
from lianfang.core.viewtools import require_role
from lianfang.home.area_figures import with_figures
from lianfang.home.homes import compounds_with_counts
from lianfang.people.models import Membership, Resident, TravelRecord, Visit
from lianfang.places.models import Area, AreaLevel, Building, Compound, Gate, Grid, Household
from lianfang.watch.figures import last_computed_day
from lianfang.watch.risk import level_for_household


def _breadcrumbs(user: Any, area: Area) -> list[Area]:
    """The area's ancestors that the user may open (links above the scope would 404)."""
    codes = area.path.rstrip(".").split(".")[:-1]
    return list(Area.objects.visible_to(user).filter(code__in=codes).order_by("path"))


@login_required
def area_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ_REGISTRY, hide=True)
    areas = Area.objects.visible_to(request.user)
    roots = areas.exclude(parent__in=areas.values("pk")).order_by("path")
    return render(
        request, "places/area_list.html", {"areas": with_figures(request.user, roots, live=frozenset())}
    )


@login_required
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    require_role(user, READ_REGISTRY, hide=True)
    visible = Area.objects.visible_to(user)
    area = get_object_or_404(visible, code=code)
    day = last_computed_day()
    (area,) = with_figures(user, [area], epidemic=True, day=day)
    children = with_figures(user, visible.filter(parent=area).order_by("code"), live=frozenset(), day=day)
    ctx: dict[str, Any] = {"area": area, "children": children, "breadcrumbs": _breadcrumbs(user, area)}
    if area.level == AreaLevel.COMMUNITY:
        households = Household.objects.visible_to(user).filter(grid=OuterRef("pk"))
        residents = Resident.objects.visible_to(user).filter(grid=OuterRef("pk"))
        ctx["grids"] = list(
            Grid.objects.visible_to(user)
            .filter(community=area)
            .annotate(
                n_households=SubqueryCount(households.order_by().values("pk")),
                n_residents=SubqueryCount(residents.order_by().values("pk")),
                n_vulnerable=SubqueryCount(residents.exclude(tags="").order_by().values("pk")),
            )
            .order_by("code")
        )
        ctx["compounds"] = list(
            compounds_with_counts(
                Compound.objects.visible_to(user).filter(community=area).order_by("name"), user
            )
        )
    return render(request, "places/area_detail.html", ctx)


@login_required
def compound_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require_role(user, READ_REGISTRY, hide=True)
    compound = get_object_or_404(
        compounds_with_counts(Compound.objects.visible_to(user).select_related("community"), user), pk=pk
    )
    gates = list(Gate.objects.visible_to(user).filter(compound=compound).order_by("name"))
    households = Household.objects.visible_to(user).filter(unit__building=OuterRef("pk"))
    buildings = list(
        Building.objects.visible_to(user)
        .filter(compound=compound)
        .select_related("grid")
        .annotate(
            n_units=Count("units", distinct=True),
            n_households=SubqueryCount(households.order_by().values("pk")),
        )
    )
    buildings.sort(key=lambda b: natural_key(b.number))
    return render(
        request,
        "places/compound_detail.html",
        {
            "compound": compound,
            "gates": gates,
            "buildings": buildings,
            "breadcrumbs": _breadcrumbs(user, compound.community) + [compound.community],
        },
    )


@login_required
def building_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require_role(user, READ_REGISTRY, hide=True)
    building = get_object_or_404(
        Building.objects.visible_to(user).select_related("compound", "compound__community", "grid"), pk=pk
    )
    households = list(
        Household.objects.visible_to(user)
        .filter(unit__building=building)
        .select_related("unit")
        .annotate(n_residents=Count("residents"))
    )
    households.sort(key=lambda h: (natural_key(h.unit.number), natural_key(h.room)))
    return render(
        request,
        "places/building_detail.html",
        {
            "building": building,
            "households": households,
            "breadcrumbs": _breadcrumbs(user, building.compound.community) + [building.compound.community],
        },
    )


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require_role(user, READ_REGISTRY, hide=True)
    household = get_object_or_404(
        Household.objects.visible_to(user).select_related(
            "compound", "compound__community", "grid", "unit", "unit__building"
        ),
        pk=pk,
    )
    members = list(Resident.objects.visible_to(user).filter(household=household).order_by("id"))
    memberships = list(
        Membership.objects.visible_to(user)
        .filter(household=household)
        .select_related("resident")
        .order_by("-started", "-id")
    )
    visits = list(
        Visit.objects.visible_to(user)
        .filter(household=household)
        .select_related("visitor")
        .order_by("-visited_at")[:50]
    )
    travels = list(
        TravelRecord.objects.visible_to(user)
        .filter(resident__household=household)
        .select_related("resident")
        .order_by("-arrival_date", "-id")[:50]
    )
    return render(
        request,
        "places/household_detail.html",
        {
            "household": household,
            "members": members,
            "memberships": memberships,
            "visits": visits,
            "travels": travels,
            "passes": list(Pass.objects.visible_to(user).filter(household=household).order_by("id")),
            "outing": outing_status(household),
            "risk": level_for_household(household),
            "can_edit": EDIT_REGISTRY.allows(user),
            "can_link": SHARE_HOUSEHOLD_LINK.allows(user),
            "can_read_stock": READ_STOCK.allows(user),
            "breadcrumbs": _breadcrumbs(user, household.compound.community) + [household.compound.community],
        },
    )
