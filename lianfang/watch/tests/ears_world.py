"""Daily figures written by hand for the detector tests, on top of the personas' `world`: the nodes of
grids A1 and A2 (community A) and of community B, and the days whose statistics were 'computed'."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from lianfang.places.models import Grid
from lianfang.watch.figures import node_path_for_grid
from lianfang.watch.models import DailyStat, Detector, StatDay

DAY = datetime.date(2026, 3, 1)


def days_before(n: int, day: datetime.date = DAY) -> list[datetime.date]:
    """The n days ending on `day`, oldest first."""
    return [day - datetime.timedelta(days=n - 1 - i) for i in range(n)]


def computed(days: Iterable[datetime.date]) -> None:
    StatDay.objects.bulk_create([StatDay(day=d) for d in days], ignore_conflicts=True)


def grid_node(grid: Grid) -> str:
    return node_path_for_grid(grid.community.path, grid.pk)


def figures(
    *,
    path: str,
    level: str,
    metric: str,
    values: Sequence[int],
    end: datetime.date = DAY,
    grid: Grid | None = None,
) -> None:
    """The figure of one node over the days ending on `end` (zeros are not stored, as the statistics do)."""
    days = days_before(len(values), end)
    DailyStat.objects.bulk_create(
        [
            DailyStat(path=path, level=level, metric=metric, day=d, value=v, grid=grid)
            for d, v in zip(days, values, strict=True)
            if v
        ]
    )


def only_detector(**fields: object) -> Detector:
    """Switch the default detectors off and make this one the only one in use."""
    Detector.objects.update(is_active=False)
    return Detector.objects.create(**{"name": "test", "baseline": 7, "alpha": 0.001, **fields})
