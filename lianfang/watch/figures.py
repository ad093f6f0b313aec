"""Reading the daily statistics: the functions the dashboard, the detectors, the risk rules, the daily report
and the API build on. They read the stored rows only (watch/stats.py computes them), a few queries whatever
the number of days or nodes.

Missing is not zero: a day listed in `StatDay` was computed, and a figure without a row that day is 0; a day
not in `StatDay` was never computed, and its figures are None.

A node is an area (by its path) or a grid node under a community: `<community path>g<grid id>.`, and
`<area path>g0.` for what has no grid (households without one, records placed at the area itself). These
functions do not check scopes: callers read through `DailyStat.objects.visible_to(user)` or check the node
first (`DailyStat.scope.covers`), as the API does (`user=` reads through the scope).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lianfang.access.models import DecisionCode
from lianfang.core.errors import DomainError
from lianfang.places.models import Area, Grid
from lianfang.watch.metrics import REFUSAL_PREFIX, Metric
from lianfang.watch.models import DailyStat, NodeLevel, StatDay

GRID_NODE = re.compile(r"^(?P<area>(?:[^.]+\.)+)g(?P<grid>\d+)\.$")
MAX_SPAN_DAYS = 366  # the longest series (and backfill) asked for at once
FLOW_IN, FLOW_OUT = "flow_in:", "flow_out:"  # + the hour, 00..23: gate flow at community level and above
HOURS = [f"{h:02d}" for h in range(24)]
KNOWN_METRICS = frozenset(
    [
        *Metric.values,
        *(REFUSAL_PREFIX + code for code in DecisionCode.values),
        *(FLOW_IN + h for h in HOURS),
        *(FLOW_OUT + h for h in HOURS),
    ]
)


def known_metric(code: str) -> bool:
    """Whether `code` names a figure the statistics can hold (Metric, refusal:<code>, flow_in/out:HH)."""
    return code in KNOWN_METRICS


def check_span(start: datetime.date, end: datetime.date) -> int:
    """The number of days from `start` to `end` (inclusive); refused when `start` is after `end`
    (`stats_range_reversed`) or the span is longer than MAX_SPAN_DAYS (`stats_range_too_long`)."""
    if start > end:
        raise DomainError(
            "stats_range_reversed",
            _("The first day ({start}) is after the last day ({end}).").format(
                start=start.isoformat(), end=end.isoformat()
            ),
            field="from",
        )
    days = (end - start).days + 1
    if days > MAX_SPAN_DAYS:
        raise DomainError(
            "stats_range_too_long",
            _("At most {n} days at a time; {start} to {end} is {days} days.").format(
                n=MAX_SPAN_DAYS, start=start.isoformat(), end=end.isoformat(), days=days
            ),
            field="to",
        )
    return days


@dataclass(frozen=True)
class Node:
    """A node of the statistics tree: its path, level and name; the area or grid it stands for."""

    path: str
    level: str
    name: str
    code: str = ""
    area_id: int | None = None
    grid_id: int | None = None


def node_path_for_grid(community_path: str, grid_id: int | None) -> str:
    """The path of a grid's node under its community; `grid_id` None (or 0): the community's g0 node."""
    return f"{community_path}g{int(grid_id or 0)}."


def split_grid_node(path: str) -> tuple[str, int] | None:
    """(area path, grid id) of a grid node's path (grid id 0 for g0), None for any other path."""
    found = GRID_NODE.match(path)
    return (found["area"], int(found["grid"])) if found else None


def _rows(user: Any) -> QuerySet:
    return DailyStat.objects.visible_to(user) if user is not None else DailyStat.objects.all()


def _days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]


def computed_days(start: datetime.date, end: datetime.date) -> set[datetime.date]:
    """The days from `start` to `end` whose statistics were computed."""
    return set(StatDay.objects.filter(day__gte=start, day__lte=end).values_list("day", flat=True))


def series(
    *, path: str, metric: str, start: datetime.date, end: datetime.date, user: Any = None
) -> list[tuple[datetime.date, int | None]]:
    """(day, value) for every day from `start` to `end` (inclusive): the stored value, 0 for a computed day
    without a row, None for a day never computed. Two queries. `user`: read through their scope (a node
    outside it reads as 0 on computed days: check the node first)."""
    if start > end:
        return []
    done = computed_days(start, end)
    values = dict(
        _rows(user).filter(path=path, metric=metric, day__gte=start, day__lte=end).values_list("day", "value")
    )
    return [(day, values.get(day, 0) if day in done else None) for day in _days(start, end)]


def last_computed_day() -> datetime.date | None:
    """The last day whose statistics were computed (None before the first night)."""
    return StatDay.objects.order_by("-day").values_list("day", flat=True).first()


def figures_of(
    *,
    paths: Iterable[str],
    metrics: Iterable[str],
    day: datetime.date,
    user: Any = None,
    computed: bool = False,
) -> dict[tuple[str, str], int | None]:
    """{(path, metric): value} of one day for every pair of the given paths and metrics: 0 for a pair
    without a row on a computed day, None for all of them when the day was never computed. Two queries;
    one with `computed` (the caller knows the day was computed, e.g. from `last_computed_day`)."""
    paths, metrics = list(dict.fromkeys(paths)), list(dict.fromkeys(metrics))
    if not computed and not StatDay.objects.filter(day=day).exists():
        return {(p, m): None for p in paths for m in metrics}
    out: dict[tuple[str, str], int | None] = {(p, m): 0 for p in paths for m in metrics}
    rows = (
        _rows(user).filter(day=day, path__in=paths, metric__in=metrics).values_list("path", "metric", "value")
    )
    for path, metric, value in rows:
        out[(path, metric)] = value
    return out


def node_for(path: str) -> Node | None:
    """The node of a path: an area, or a grid node (g0 included); None when there is no such area or grid."""
    grid_node = split_grid_node(path)
    if grid_node is not None:
        area_path, grid_id = grid_node
        if grid_id == 0:
            area = Area.objects.filter(path=area_path).first()
            return None if area is None else _g0(area_path)
        grid = Grid.objects.filter(pk=grid_id, path=area_path).first()
        return None if grid is None else _grid_node(grid)
    area = Area.objects.filter(path=path).first()
    return None if area is None else _area_node(area)


def children_nodes(path: str) -> list[Node]:
    """The children of a node, whose figures add up to its own: the child areas (by path), the grids of a
    community, and the area's g0 node when it has ever had figures (households without a grid, records
    placed at the area itself). A grid node has none. Four queries."""
    if split_grid_node(path) is not None or not Area.objects.filter(path=path).exists():
        return []
    nodes = [_area_node(a) for a in Area.objects.filter(parent__path=path).order_by("path")]
    nodes += [_grid_node(g) for g in Grid.objects.filter(path=path).order_by("code", "pk")]
    g0 = node_path_for_grid(path, None)
    if DailyStat.objects.filter(path=g0).exists():
        nodes.append(_g0(path))
    return nodes


def _area_node(area: Area) -> Node:
    return Node(path=area.path, level=area.level, name=area.name, code=area.code, area_id=area.pk)


def _grid_node(grid: Grid) -> Node:
    return Node(
        path=node_path_for_grid(grid.path, grid.pk),
        level=NodeLevel.GRID,
        name=grid.name,
        code=grid.code,
        grid_id=grid.pk,
    )


def _g0(area_path: str) -> Node:
    return Node(path=node_path_for_grid(area_path, None), level=NodeLevel.GRID, name=str(_("Not in a grid")))
