"""Running the early-warning detectors over the daily statistics, and reading their alarms.

`run_detectors(day=...)` runs every active `Detector` (a method over one figure at one level of the tree)
for one day, over every node of its level, after that day's statistics were computed:

- one query per detector reads the figure of every node of the level over the days the method needs
  (`ears.Options.history` days before `day`, and the day); a day listed in `StatDay` without a row for a
  node is 0 there (only nonzero figures are stored), a day not listed is missing (ears.py: a window with a
  missing day gives no signal);
- a node without a single row in the window (0 every day) gets no signal: no method alarms on it, and
  a city has thousands of quiet grids; every other node whose window is complete gets one `Signal` row
  (observed, expected, upper bound, alarm), upserted on (detector, node, day) in one statement, and the
  detectors' signals of that day for other nodes are deleted: running a day twice gives the same rows
  (and writes none the second time);
- each alarm raises one alert (`core.alerts.raise_alerts`, kind EARLY_WARNING, dedup key
  `ews:<figure>:<node path>:<day>`: one alert however many detectors alarm on it, and a second run raises
  none). A grid node's alert is on its
  community's path with its grid set, so that the community's staff and the grid's worker see it; an
  area node's alert is on the area. Title and detail are written in the site's language (Chinese).

A detector whose options are out of range (edited by hand) is skipped and named in the summary: one bad
row does not stop the others.

`signals_for(user=..., day=...)` reads the recent alarms a user may see (for the dashboard and homes).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lianfang.core.alerts import new_alert, raise_alerts, respond_minutes_at
from lianfang.core.errors import DomainError
from lianfang.core.models import Alert, AlertKind, AlertSeverity
from lianfang.places.models import Area, Grid
from lianfang.watch import ears
from lianfang.watch.figures import computed_days
from lianfang.watch.metrics import REFUSAL_PREFIX, Metric
from lianfang.watch.models import DailyStat, Detector, DetectorMethod, Signal

GRID_NODE = re.compile(r"^(?P<community>.*\.)g(?P<grid>\d+)\.$")
MAX_RECENT_DAYS = 90


@dataclass(frozen=True)
class Node:
    """A node of the statistics tree: its path, the area path its alerts go to (a grid node's community),
    and its grid (the `grid` of its DailyStat rows: none for `g0`, nor for a grid deleted since)."""

    path: str
    area_path: str
    grid_id: int | None

    @classmethod
    def of(cls, path: str, grid_id: int | None) -> Node:
        m = GRID_NODE.match(path)
        return cls(path=path, area_path=m["community"] if m else path, grid_id=grid_id if m else None)


@dataclass(frozen=True)
class Found:
    detector: Detector
    options: ears.Options
    node: Node
    signal: ears.DaySignal


def detector_options(detector: Detector) -> ears.Options:
    """The detector's options, checked (DomainError when out of range)."""
    return ears.check_options(
        ears.Options(
            method=detector.method,
            baseline=detector.baseline,
            alpha=detector.alpha,
            min_sigma=detector.min_sigma,
            threshold=detector.threshold,
        )
    )


def dedup_key(metric: str, path: str, day: datetime.date) -> str:
    """One alert per figure, node and day, however many detectors alarm on it (the first one names it)."""
    return f"ews:{metric}:{path}:{day.isoformat()}"


def _windows(
    detector: Detector, options: ears.Options, day: datetime.date, done: set[datetime.date]
) -> list[tuple[Node, list[float | None]]]:
    """Every node of the detector's level with a row in the window, and its figure day by day."""
    start = day - datetime.timedelta(days=options.history)
    rows = DailyStat.objects.filter(
        level=detector.level, metric=detector.metric, day__range=(start, day)
    ).values_list("path", "day", "value", "grid_id")
    values: dict[str, dict[datetime.date, int]] = defaultdict(dict)
    grids: dict[str, int | None] = {}
    for path, d, value, grid_id in rows:
        values[path][d] = value
        grids[path] = grid_id or grids.get(path)
    days = [start + datetime.timedelta(days=i) for i in range(options.history + 1)]
    return [
        (Node.of(path, grids[path]), [float(by_day.get(d, 0)) if d in done else None for d in days])
        for path, by_day in values.items()
    ]


def metric_label(code: str) -> str:
    if code.startswith(REFUSAL_PREFIX):
        return f"{Metric.REFUSALS.label}（{code.removeprefix(REFUSAL_PREFIX)}）"
    try:
        return str(Metric(code).label)
    except ValueError:
        return code


def _node_names(nodes: list[Node]) -> dict[str, str]:
    """A readable name of each node: the area's name, or the community's and the grid's."""
    numbers = {n.path: int(m["grid"]) for n in nodes if (m := GRID_NODE.match(n.path))}
    grids = dict(Grid.objects.filter(id__in=set(numbers.values()) - {0}).values_list("id", "name"))
    areas = dict(Area.objects.filter(path__in={n.area_path for n in nodes}).values_list("path", "name"))
    names = {}
    for n in nodes:
        area = areas.get(n.area_path, n.area_path)
        if n.path not in numbers:
            names[n.path] = area
        elif numbers[n.path]:
            names[n.path] = "{} {}".format(area, grids.get(numbers[n.path], f"#{numbers[n.path]}"))
        else:
            names[n.path] = "{} {}".format(area, _("(no grid)"))
    return names


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}"


def _alert_text(found: Found, node_name: str, day: datetime.date) -> tuple[str, str]:
    d, s, o = found.detector, found.signal, found.options
    figure = metric_label(d.metric)
    title = _("Early warning: {figure} in {node}").format(figure=figure, node=node_name)
    method = DetectorMethod(d.method).label
    if d.method == DetectorMethod.THRESHOLD:
        detail = _("{method} on {day}: observed {observed}, threshold {threshold}.").format(
            method=method, day=day.isoformat(), observed=_number(s.observed), threshold=_number(o.threshold)
        )
    elif s.upper is None:
        detail = _(
            "{method} on {day}: observed {observed}, expected {expected}; the two days before were already "
            "above the bound (C3 {statistic} > {z})."
        ).format(
            method=method,
            day=day.isoformat(),
            observed=_number(s.observed),
            expected=_number(s.expected),
            statistic=_number(s.statistic),
            z=_number(o.z),
        )
    else:
        detail = _(
            "{method} on {day}: observed {observed}, expected {expected}, upper bound {upper}."
        ).format(
            method=method,
            day=day.isoformat(),
            observed=_number(s.observed),
            expected=_number(s.expected),
            upper=_number(s.upper),
        )
    return title, _("{detail} Detector: {name}.").format(detail=detail, name=d.name)


def _raise_alarm_alerts(alarms: list[Found], day: datetime.date) -> tuple[int, dict[str, int]]:
    """Raise one alert per alarm whose key was not raised before; the alert id of every alarm's key."""
    if not alarms:
        return 0, {}
    keys = [dedup_key(f.detector.metric, f.node.path, day) for f in alarms]
    taken = set(Alert.objects.filter(dedup_key__in=keys).values_list("dedup_key", flat=True))
    fresh = [(f, key) for f, key in zip(alarms, keys, strict=True) if key not in taken]
    names = _node_names([f.node for f, _key in fresh])
    minutes = respond_minutes_at((f.node.area_path for f, _key in fresh), AlertKind.EARLY_WARNING)
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        alerts = []
        for f, key in fresh:
            title, detail = _alert_text(f, names[f.node.path], day)
            alerts.append(
                new_alert(
                    kind=AlertKind.EARLY_WARNING,
                    title=title,
                    detail=detail,
                    path=f.node.area_path,
                    grid_id=f.node.grid_id,
                    severity=AlertSeverity.WARNING,
                    source_type="detector",
                    source_id=str(f.detector.pk),
                    dedup_key=key,
                    created_at=now,
                    minutes=minutes[f.node.area_path],
                )
            )
    raised = raise_alerts(alerts)
    ids = dict(Alert.objects.filter(dedup_key__in=keys).values_list("dedup_key", "id"))
    return len(raised), ids


# The day's signals of the detectors run, in one statement each: rows that changed are written (a second
# run of the same figures writes nothing: `computed_at` is when a row last changed), rows of nodes that
# have no signal any more are deleted.
UPSERT_SIGNALS = """
INSERT INTO {table}
    (detector_id, path, level, grid_id, day, observed, expected, upper, alarm, alert_id, computed_at)
SELECT n.detector_id, n.path, n.level, n.grid_id, %s, n.observed, n.expected, n.upper, n.alarm, n.alert_id, %s
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::bigint[], %s::float8[], %s::float8[], %s::float8[],
            %s::boolean[], %s::bigint[])
     AS n(detector_id, path, level, grid_id, observed, expected, upper, alarm, alert_id)
ON CONFLICT (detector_id, path, day) DO UPDATE SET
    level = EXCLUDED.level, grid_id = EXCLUDED.grid_id, observed = EXCLUDED.observed,
    expected = EXCLUDED.expected, upper = EXCLUDED.upper, alarm = EXCLUDED.alarm,
    alert_id = EXCLUDED.alert_id, computed_at = EXCLUDED.computed_at
WHERE ({table}.level, {table}.grid_id, {table}.observed, {table}.expected, {table}.upper, {table}.alarm,
       {table}.alert_id)
      IS DISTINCT FROM (EXCLUDED.level, EXCLUDED.grid_id, EXCLUDED.observed, EXCLUDED.expected,
                        EXCLUDED.upper, EXCLUDED.alarm, EXCLUDED.alert_id)
"""
DELETE_GONE_SIGNALS = """
DELETE FROM {table} s
WHERE s.day = %s AND s.detector_id = ANY(%s::bigint[])
  AND NOT EXISTS (SELECT 1 FROM unnest(%s::bigint[], %s::text[]) AS n(detector_id, path)
                  WHERE n.detector_id = s.detector_id AND n.path = s.path)
"""


def _store_signals(
    found: list[Found], alert_ids: dict[str, int], detector_ids: list[int], day: datetime.date
) -> int:
    """Upsert the signals found and delete the detectors' other signals of the day; rows written."""
    table = connection.ops.quote_name(Signal._meta.db_table)
    columns: tuple[list[Any], ...] = tuple([] for _ in range(9))
    for f in found:
        key = dedup_key(f.detector.metric, f.node.path, day)
        row = (
            f.detector.pk,
            f.node.path,
            f.detector.level,
            f.node.grid_id,
            f.signal.observed,
            f.signal.expected,
            f.signal.upper,
            bool(f.signal.alarm),
            alert_ids.get(key) if f.signal.alarm else None,
        )
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    with connection.cursor() as cursor:
        cursor.execute(DELETE_GONE_SIGNALS.format(table=table), [day, detector_ids, columns[0], columns[1]])
        cursor.execute(UPSERT_SIGNALS.format(table=table), [day, timezone.now(), *columns])
        return cursor.rowcount


@transaction.atomic
def run_detectors(*, day: datetime.date) -> dict[str, Any]:
    """Run every active detector for `day`; store its signals and raise an alert per alarm. Returns a
    summary: detectors run, signals found, signal rows written (new or changed), alarms, alerts newly
    raised, detectors refused (id -> code)."""
    detectors = list(Detector.objects.filter(is_active=True).order_by("id"))
    refused: dict[int, str] = {}
    runnable: list[tuple[Detector, ears.Options]] = []
    for d in detectors:
        try:
            runnable.append((d, detector_options(d)))
        except DomainError as e:
            refused[d.pk] = e.code
    summary: dict[str, Any] = {
        "day": day.isoformat(),
        "computed": False,
        "detectors": len(runnable),
        "signals": 0,
        "written": 0,
        "alarms": 0,
        "alerts_raised": 0,
        "refused": refused,
    }
    history = max((o.history for _d, o in runnable), default=0)
    done = computed_days(day - datetime.timedelta(days=history), day)
    if day not in done:
        return summary  # the day's statistics were never computed: nothing to say about it
    summary["computed"] = True

    found: list[Found] = []
    for d, options in runnable:
        last = options.history
        for node, values in _windows(d, options, day, done):
            signal = ears.signal_on(values, last, options)
            if signal.alarm is not None:
                found.append(Found(detector=d, options=options, node=node, signal=signal))

    alarms = [f for f in found if f.signal.alarm]
    raised, alert_ids = _raise_alarm_alerts(alarms, day)
    written = _store_signals(found, alert_ids, [d.pk for d, _options in runnable], day)
    summary.update(signals=len(found), written=written, alarms=len(alarms), alerts_raised=raised)
    return summary


def signals_for(*, user: Any, day: datetime.date, days: int = 7, limit: int = 100) -> list[Signal]:
    """The alarms of the `days` days up to `day` that `user` may see, newest first (grid workers: their
    grid's; staff: their area's)."""
    days = min(max(days, 1), MAX_RECENT_DAYS)
    since = day - datetime.timedelta(days=days - 1)
    return list(
        Signal.objects.visible_to(user)
        .filter(alarm=True, day__range=(since, day))
        .select_related("detector", "alert")
        .order_by("-day", "path", "detector_id")[: max(limit, 0)]
    )
