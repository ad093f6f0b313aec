"""Reading the daily statistics: every page, detector and report reads figures through here.

Only nonzero figures are stored: on a computed day (listed in `StatDay`) a figure without a row is 0; a day
that was never computed is missing (None), not zero."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from lianfang.watch.models import DailyStat, StatDay


def node_path_for_grid(community_path: str, grid_id: int | None) -> str:
    """The statistics node of a grid under its community (`g0` holds the households without a grid)."""
    return f"{community_path}g{grid_id or 0}."


def computed_days(start: datetime.date, end: datetime.date) -> set[datetime.date]:
    return set(StatDay.objects.filter(day__range=(start, end)).values_list("day", flat=True))


def series(
    *, path: str, metric: str, start: datetime.date, end: datetime.date
) -> list[tuple[datetime.date, int | None]]:
    """The figure of one node for each day from start to end (inclusive)."""
    done = computed_days(start, end)
    rows = DailyStat.objects.filter(path=path, metric=metric, day__range=(start, end))
    values = dict(rows.values_list("day", "value"))
    days = [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]
    return [(d, values.get(d, 0) if d in done else None) for d in days]


def figures_of(
    *, paths: Iterable[str], metrics: Iterable[str], day: datetime.date
) -> dict[tuple[str, str], int | None]:
    """Several figures of several nodes on one day, in one query."""
    paths, metrics = list(paths), list(metrics)
    done = StatDay.objects.filter(day=day).exists()
    found = {
        (p, m): v
        for p, m, v in DailyStat.objects.filter(path__in=paths, metric__in=metrics, day=day).values_list(
            "path", "metric", "value"
        )
    }
    return {(p, m): found.get((p, m), 0) if done else None for p in paths for m in metrics}
