"""The JSON API of the daily statistics (added to /api/v1/ by lianfang/api.py): one figure of one node over
a range of days, null for the days never computed (docs/api.md, docs/watch.md).

The node is an area (`area`: its code or id) or a grid (`grid`: its code or id). It must be in the caller's
scope for the statistics (`watch.models.WATCH_SCOPE`: the staff of the area; a grid worker their own grid
only); outside it, or unknown, 404."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from lianfang.core.bounds import EVENT, parse_date, parse_id
from lianfang.core.errors import DomainError
from lianfang.core.scoping import not_found
from lianfang.places.models import Area, Grid
from lianfang.watch.figures import Node, check_span, known_metric, node_for, node_path_for_grid, series
from lianfang.watch.models import DailyStat

router = Router(tags=["watch"])

DEFAULT_DAYS = 30


class StatPoint(Schema):
    day: datetime.date
    value: int | None = Field(..., description="null: the day's statistics were never computed (not zero).")


class StatSeriesOut(Schema):
    node: str = Field(..., description="The node's path (a grid node ends in g<grid id>.).")
    level: str = Field(..., description="city, district, street, community or grid.")
    name: str
    code: str = Field(..., description="The area's or grid's code.")
    metric: str
    start: datetime.date
    end: datetime.date
    series: list[StatPoint]


def _by_code_or_id(qs: Any, raw: str) -> Any:
    found = qs.filter(code=raw).first()
    if found is None and (pk := parse_id(raw)) is not None:
        found = qs.filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def _node(user: Any, area: str | None, grid: str | None) -> Node:
    if bool(area) == bool(grid):
        raise DomainError(
            "stats_node_required", _("Give either an area (area) or a grid (grid)."), field="area"
        )
    if area:
        path, grid_id = _by_code_or_id(Area.objects.visible_to(user), area.strip()).path, None
    else:
        found = _by_code_or_id(Grid.objects.visible_to(user), str(grid).strip())
        path, grid_id = node_path_for_grid(found.path, found.pk), found.pk
    if not DailyStat.scope.covers(user, DailyStat(path=path, grid_id=grid_id)):
        raise not_found()
    node = node_for(path)
    if node is None:
        raise not_found()
    return node


@router.get(
    "/stats",
    response=StatSeriesOut,
    summary="One figure of an area or grid, day by day (null for days never computed)",
)
def stats_series(
    request,
    metric: str = Query(..., description="A figure's code, e.g. fevers, refusal:quota_used, flow_in:08."),
    area: str | None = Query(None, description="An area's code (e.g. 340403001001) or id."),
    grid: str | None = Query(None, description="A grid's code or id (instead of an area)."),
    start: str | None = Query(
        None, alias="from", description="First day, YYYY-MM-DD (default: 29 days before `to`)."
    ),
    end: str | None = Query(
        None, alias="to", description="Last day, YYYY-MM-DD (default: today); at most 366 days."
    ),
):
    if not known_metric(metric):
        raise DomainError(
            "unknown_metric", _("Unknown figure: {code}.").format(code=metric[:60]), field="metric"
        )
    node = _node(request.user, area, grid)
    last = parse_date(end, EVENT, field="to") or timezone.localdate()
    first = parse_date(start, EVENT, field="from") or last - datetime.timedelta(days=DEFAULT_DAYS - 1)
    check_span(first, last)
    points = series(path=node.path, metric=metric, start=first, end=last, user=request.user)
    return StatSeriesOut(
        node=node.path, level=node.level, name=node.name, code=node.code, metric=metric,
        start=first, end=last, series=[StatPoint(day=d, value=v) for d, v in points],
    )  # fmt: skip
