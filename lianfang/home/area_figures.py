"""The figures of the place pages (the area list, each area's page, the counts on a home page): read from the
figures counted before, never by counting a city's residents when a page is asked for.

- Above the community (street, district, city), an area's households, residents and vulnerable residents are
  the daily statistics of the last computed day (`watch.StatDay`, counted at the end of that day by the
  nightly task): one query for any number of areas. The page says which day they are of.
- A community and what is below it (a few thousand residents) are counted live, each with a constant path
  prefix that the path index serves (a correlated `path LIKE outer.path || '%'` cannot use it: on a city of
  3 million residents that form took 3.5 s for a street and 24 s for a district).
- The epidemic figures of an area (returnees under watch, open confirmed cases, people in home quarantine)
  are always those of the statistics.
- Before the first night of a new installation (no computed day at all), everything is counted live.

The statistics of an area count the whole area. They are the user's figures when the user's scope holds the
whole area (scope by path, or a superuser); a user whose scope is narrower (a grid worker) is counted live.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from types import EllipsisType
from typing import Any

from django.db.models import Count, OuterRef, Q

from lianfang.core.roles import PEOPLE_SCOPE
from lianfang.core.subqueries import SubqueryCount
from lianfang.people.models import Resident, TravelRecord
from lianfang.places.models import Area, AreaLevel, Household
from lianfang.watch.figures import figures_of, last_computed_day
from lianfang.watch.metrics import Metric

REGISTRY = {
    "n_households": Metric.HOUSEHOLDS,
    "n_residents": Metric.RESIDENTS,
    "n_vulnerable": Metric.VULNERABLE,
}
EPIDEMIC = {
    "n_returnees": Metric.RETURNEES_WATCHED,
    "n_confirmed": Metric.CASES_CONFIRMED,
    "n_home_q": Metric.HOME_Q_CURRENT,
}
# Areas at these levels are counted live: small enough for the path index (a community has a few thousand
# residents); the levels above read the statistics.
LIVE_LEVELS = frozenset({AreaLevel.COMMUNITY})


def whole_area_in_scope(user: Any, area: Area) -> bool:
    """Whether the user's scope of residents holds all of `area` (so the area's statistics are theirs)."""
    if user.is_superuser:
        return True
    return (
        PEOPLE_SCOPE.get(user.role) == "path"
        and bool(user.scope_path)
        and area.path.startswith(user.scope_path)
    )


def count_live(user: Any, area: Area) -> dict[str, int]:
    """Households, residents and vulnerable residents in `area` within the user's scope, in one query of
    three counts on a constant path prefix (each an index scan)."""
    households = Household.objects.visible_to(user).filter(path__startswith=area.path)
    residents = Resident.objects.visible_to(user).filter(path__startswith=area.path)
    return (
        Area.objects.filter(pk=area.pk)
        .annotate(
            n_households=SubqueryCount(households.order_by().values("pk")),
            n_residents=SubqueryCount(residents.order_by().values("pk")),
            n_vulnerable=SubqueryCount(residents.exclude(tags="").order_by().values("pk")),
        )
        .values("n_households", "n_residents", "n_vulnerable")
        .get()
    )


def count_live_many(user: Any, pks: list[int]) -> dict[int, dict[str, int]]:
    """The live counts of several areas in one query (correlated counts): the tables of an installation
    before its first night, when there are no statistics to read. The path index cannot serve a correlated
    prefix, so this form is for small registries only; with statistics, tables read them instead."""
    households = Household.objects.visible_to(user).filter(path__startswith=OuterRef("path"))
    residents = Resident.objects.visible_to(user).filter(path__startswith=OuterRef("path"))
    rows = (
        Area.objects.filter(pk__in=pks)
        .annotate(
            n_households=SubqueryCount(households.order_by().values("pk")),
            n_residents=SubqueryCount(residents.order_by().values("pk")),
            n_vulnerable=SubqueryCount(residents.exclude(tags="").order_by().values("pk")),
        )
        .values_list("pk", "n_households", "n_residents", "n_vulnerable")
    )
    return {pk: {"n_households": h, "n_residents": r, "n_vulnerable": v} for pk, h, r, v in rows}


def with_figures(
    user: Any,
    areas: Iterable[Area],
    *,
    epidemic: bool = False,
    live: frozenset[str] = LIVE_LEVELS,
    day: datetime.date | None | EllipsisType = ...,
) -> list[Area]:
    """The areas, each with n_households, n_residents, n_vulnerable and `counted_on` (the day of the
    statistics they were read from, None when counted live) set as attributes; with `epidemic`, also
    n_returnees, n_confirmed, n_home_q and `epidemic_on` (None before the first computed day). `live`: the
    levels counted live when statistics exist (a table of areas passes none: its rows are read in one
    query). `day`: the last counted day when the caller has it already (read here otherwise)."""
    areas = list(areas)
    day = last_computed_day() if day is ... else day
    from_stats = {
        a.pk for a in areas if day is not None and a.level not in live and whole_area_in_scope(user, a)
    }
    metrics = [*(REGISTRY.values() if from_stats else ()), *(EPIDEMIC.values() if epidemic else ())]
    values = (
        figures_of(paths=[a.path for a in areas], metrics=metrics, day=day, computed=True)
        if day is not None and metrics
        else {}
    )
    counted = [a.pk for a in areas if a.pk not in from_stats]
    live_counts = count_live_many(user, counted) if len(counted) > 1 else {}
    for area in areas:
        if area.pk in from_stats:
            figures: dict[str, Any] = {a: values.get((area.path, m), 0) for a, m in REGISTRY.items()}
            figures["counted_on"] = day
        else:
            figures = {**(live_counts.get(area.pk) or count_live(user, area)), "counted_on": None}
        if epidemic:
            figures.update({a: values.get((area.path, m), 0) if day else None for a, m in EPIDEMIC.items()})
            figures["epidemic_on"] = day
        for attr, value in figures.items():
            setattr(area, attr, value)
    return areas


def scope_figures(user: Any) -> tuple[dict[str, int], datetime.date | None]:
    """The counts of a staff home page for the user's whole scope: households, residents, vulnerable and
    returnees; from the statistics when the scope is an area above the community."""
    area = user.area if user.is_superuser or PEOPLE_SCOPE.get(user.role) == "path" and user.area_id else None
    day = last_computed_day() if area is not None and area.level not in LIVE_LEVELS else None
    if area is not None and day is not None and whole_area_in_scope(user, area):
        metrics = [*REGISTRY.values(), Metric.RETURNEES_WATCHED]
        values = figures_of(paths=[area.path], metrics=metrics, day=day, computed=True)
        figures = {attr.removeprefix("n_"): values.get((area.path, m)) or 0 for attr, m in REGISTRY.items()}
        figures["returnees"] = values.get((area.path, Metric.RETURNEES_WATCHED)) or 0
        return figures, day
    people = Resident.objects.visible_to(user).aggregate(
        residents=Count("pk"), vulnerable=Count("pk", filter=~Q(tags=""))
    )
    return {
        "households": Household.objects.visible_to(user).count(),
        "residents": people["residents"],
        "vulnerable": people["vulnerable"],
        "returnees": TravelRecord.objects.visible_to(user).count(),
    }, None
