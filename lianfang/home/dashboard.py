"""The command dashboard of an area (or of a grid): what the command centre's and a district's home shows, and
what `/dashboard/<area code>/` shows for any area in the user's scope.

It reads only pre-aggregated rows, in a fixed number of queries whatever the size of the area:
`watch.DailyStat` (the figures, by the rule of `watch.figures`: on a computed day listed in `StatDay` a
figure without a row is 0, a day never computed is missing and shown as "—"), `watch.Signal` (alarms of
the last three days), `watch.RiskAssessment` (levels in force), `watch.DailyReport` (who has reported
today), and `core.Alert` counted by kind. Never residents, households or gate passages: the test
`test_dashboard_reads_only_aggregates` fails if a query touches them.

The places it shows (areas and grids, "nodes") and who may open them are in home.dashboard_nodes.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.models import Alert, AlertKind, AlertStatus
from lianfang.core.roles import REFRESH_STATS
from lianfang.home.dashboard_nodes import Node, breadcrumbs, child_key, child_nodes, url_maker
from lianfang.places.models import Area, AreaLevel
from lianfang.watch.metrics import Metric
from lianfang.watch.models import (
    DailyReport,
    DailyStat,
    NodeLevel,
    ReportStatus,
    RiskLevelChoice,
    Signal,
    StatDay,
)
from lianfang.watch.risk import in_force_rows
from lianfang.watch.stats import compute_today

TREND_DAYS = 30  # the charts show the last 30 days, or the last 14 (a switch on the page)
ALARM_DAYS = 3  # early-warning alarms of the last three days
ALARMS_SHOWN = 20
UNREPORTED_SHOWN = 30
RISK_SHOWN = 20
UNRESOLVED = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.ASSIGNED)
RISK_ORDER: dict[str, int] = {RiskLevelChoice.LOW: 1, RiskLevelChoice.MEDIUM: 2, RiskLevelChoice.HIGH: 3}

# Hourly gate flow (kept at community level and above): metric "flow_in:07" = entries from 07:00 to 07:59.
HOURS = [f"{h:02d}" for h in range(24)]
FLOW_IN = [f"flow_in:{h}" for h in HOURS]
FLOW_OUT = [f"flow_out:{h}" for h in HOURS]
FLOW_PREFIX = "flow_"  # both, in one condition

# Today's key figures, each with its change from yesterday.
KEY_FIGURES = [
    Metric.CASES_NEW,
    Metric.CASES_CUMULATIVE,
    Metric.PEOPLE_HELD,
    Metric.HOME_Q_CURRENT,
    Metric.FACILITY_Q_CURRENT,
    Metric.FEVERS,
    Metric.PASSAGES_OUT,
    Metric.PASSAGES_IN,
]
TREND_METRICS = [
    Metric.CASES_NEW,
    Metric.CASES_CUMULATIVE,
    Metric.PEOPLE_HELD,
    Metric.HOME_Q_CURRENT,
    Metric.FACILITY_Q_CURRENT,
    Metric.FEVERS,
]
NODE_METRICS = sorted({*KEY_FIGURES, *TREND_METRICS, Metric.ALERTS_OPENED})
# The columns of the table of child areas; `sort` names one of them (or "name").
CHILD_COLUMNS = [
    ("cases", Metric.CASES_NEW),
    ("cumulative", Metric.CASES_CUMULATIVE),
    ("held", Metric.PEOPLE_HELD),
    ("fevers", Metric.FEVERS),
]
SORTS = ("name", *(key for key, _metric in CHILD_COLUMNS))


# ------------------------------------------------------------------ the figures
class Figures:
    """Figures read in one query, answered by the rule of `watch.figures`: a day not computed is None."""

    def __init__(self, rows: Any, done: set[datetime.date]) -> None:
        self.found = {(path, metric, day): value for path, metric, day, value in rows}
        self.done = done

    def get(self, path: str, metric: str, day: datetime.date) -> int | None:
        if day not in self.done:
            return None
        return self.found.get((path, metric, day), 0)


def change(today: int | None, yesterday: int | None) -> int | None:
    return None if today is None or yesterday is None else today - yesterday


def number(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def signed(value: int | None) -> str:
    if value is None:
        return "—"
    return f"+{value:,}" if value > 0 else f"−{-value:,}" if value < 0 else "0"


def key_figures(figures: Figures, node: Node, day: datetime.date, open_alerts: int) -> list[dict[str, Any]]:
    yesterday = day - datetime.timedelta(days=1)
    cards = []
    for metric in KEY_FIGURES:
        today_value = figures.get(node.path, metric, day)
        delta = change(today_value, figures.get(node.path, metric, yesterday))
        cards.append(
            {
                "metric": str(metric),
                "label": str(metric.label),
                "value": today_value,
                "text": number(today_value),
                "change": delta,
                "change_text": signed(delta),
                "up": delta is not None and delta > 0,
            }
        )
    raised = figures.get(node.path, Metric.ALERTS_OPENED, day)
    cards.append(
        {
            "metric": "open_alerts",
            "label": _("Open alerts"),
            "value": open_alerts,
            "text": number(open_alerts),
            "note": _("raised that day: {n}").format(n=number(raised)),
        }
    )
    return cards


def trend_charts(figures: Figures, node: Node, days: list[datetime.date]) -> list[dict[str, Any]]:
    def data(metric: str) -> list[int | None]:
        return [figures.get(node.path, metric, d) for d in days]

    x = [d.strftime("%m-%d") for d in days]
    return [
        {
            "id": "cases",
            "kind": "trend",
            "title": _("Cases"),
            "x": x,
            "series": [
                {
                    "key": Metric.CASES_NEW,
                    "name": str(Metric.CASES_NEW.label),
                    "type": "bar",
                    "data": data(Metric.CASES_NEW),
                },
                {
                    "key": Metric.CASES_CUMULATIVE,
                    "name": str(Metric.CASES_CUMULATIVE.label),
                    "type": "line",
                    "axis": 1,
                    "data": data(Metric.CASES_CUMULATIVE),
                },
            ],
        },
        {
            "id": "held",
            "kind": "trend",
            "title": _("People held and in quarantine"),
            "x": x,
            "series": [
                {"key": m, "name": str(m.label), "type": "line", "data": data(m)}
                for m in (Metric.PEOPLE_HELD, Metric.HOME_Q_CURRENT, Metric.FACILITY_Q_CURRENT)
            ],
        },
        {
            "id": "fevers",
            "kind": "trend",
            "title": str(Metric.FEVERS.label),
            "x": x,
            "series": [
                {
                    "key": Metric.FEVERS,
                    "name": str(Metric.FEVERS.label),
                    "type": "bar",
                    "data": data(Metric.FEVERS),
                },
            ],
        },
    ]


def flow_chart(figures: Figures, node: Node, day: datetime.date, now: datetime.datetime) -> dict[str, Any]:
    """Entries and exits by hour, the day against the day before; today's hours still to come are empty."""
    yesterday = day - datetime.timedelta(days=1)
    last_hour = now.hour if day == now.date() else 23

    def hourly(metrics: list[str], on: datetime.date, cut: int) -> list[int | None]:
        return [figures.get(node.path, m, on) if h <= cut else None for h, m in enumerate(metrics)]

    return {
        "id": "flow",
        "kind": "hourly",
        "title": _("Gate flow by hour"),
        "x": HOURS,
        "series": [
            {
                "key": "in",
                "name": _("Entries, this day"),
                "type": "line",
                "data": hourly(FLOW_IN, day, last_hour),
            },
            {
                "key": "out",
                "name": _("Exits, this day"),
                "type": "line",
                "data": hourly(FLOW_OUT, day, last_hour),
            },
            {
                "key": "in_before",
                "name": _("Entries, the day before"),
                "type": "line",
                "dashed": True,
                "data": hourly(FLOW_IN, yesterday, 23),
            },
            {
                "key": "out_before",
                "name": _("Exits, the day before"),
                "type": "line",
                "dashed": True,
                "data": hourly(FLOW_OUT, yesterday, 23),
            },
        ],
    }


# ------------------------------------------------------------------ the children
def child_rows(
    user: Any,
    node: Node,
    children: list[Node],
    day: datetime.date,
    done: set[datetime.date],
    risk: dict[str, str],
    unreported: Counter[str],
    sort: str,
) -> list[dict[str, Any]]:
    metrics = [metric for _key, metric in CHILD_COLUMNS]
    rows = (
        DailyStat.objects.visible_to(user)
        .filter(path__in=[c.path for c in children], day=day, metric__in=metrics)
        .values_list("path", "metric", "day", "value")
    )
    figures = Figures(rows, done)
    table: list[dict[str, Any]] = []
    for child in children:
        values = {key: figures.get(child.path, metric, day) for key, metric in CHILD_COLUMNS}
        if child.grid_id is None and child.level == NodeLevel.GRID and not any(values.values()):
            continue  # `g0` is listed only when households without a grid have figures
        table.append(
            {
                "node": child,
                "url": child.url if child.grid_id is not None or child.code else "",
                "values": [(key, number(values[key])) for key, _metric in CHILD_COLUMNS],
                "sort_values": values,
                "risk": risk.get(child.path, ""),
                "unreported": unreported.get(child.path, 0),
            }
        )
    if sort != "name":
        # Largest first; a missing figure after every number.
        table.sort(key=lambda r: (r["sort_values"][sort] is None, -(r["sort_values"][sort] or 0)))
    return table


# ------------------------------------------------------------------ risk levels
def risk_levels(user: Any, *, path: str, day: datetime.date) -> list[tuple[str, str, str, str, str]]:
    """The risk levels in force on `day` under `path` (the node itself included), chosen by watch.risk:
    for each target (a street, community or compound), (level, path, target level or "compound", name,
    area code). One query."""
    rows = in_force_rows(user, day=day, under=path).values_list(
        "level", "path", "area__path", "area__level", "area__name", "area__code", "compound__name"
    )
    return [
        (level, area_path, area_level, name, code) if code else (level, own_path, "compound", compound, "")
        for level, own_path, area_path, area_level, name, code, compound in rows
    ]


def risk_summary(node: Node, levels: list[tuple[str, str, str, str, str]]) -> dict[str, Any]:
    """The node's own level, each child's highest level within it, the chart and the list of areas at
    medium and high risk."""
    own = ""
    by_child: dict[str, str] = {}
    counts: Counter[tuple[str, str]] = Counter()
    at_risk = []
    depth = len(node.path)
    for row in levels:
        level, path, target = row[0], row[1], row[2]
        counts[(target, level)] += 1
        if level != RiskLevelChoice.LOW:
            at_risk.append(row)
        if path == node.path:
            own = level if target != "compound" else own
            continue
        key = node.path + path[depth:].split(".", 1)[0] + "."
        if RISK_ORDER[level] > RISK_ORDER.get(by_child.get(key, ""), 0):
            by_child[key] = level
    targets = [("street", _("Streets")), ("community", _("Communities")), ("compound", _("Compounds"))]
    present = [(t, label) for t, label in targets if any(counts[(t, lv)] for lv in RISK_ORDER)]
    colours = {
        RiskLevelChoice.LOW: "#2e7d32",
        RiskLevelChoice.MEDIUM: "#f9a825",
        RiskLevelChoice.HIGH: "#c62828",
    }
    chart = {
        "id": "risk",
        "kind": "stacked",
        "title": _("Areas by risk level"),
        "x": [str(label) for _t, label in present],
        "series": [
            {
                "key": str(level),
                "name": str(level.label),
                "type": "bar",
                "color": colours[level],
                "data": [counts[(t, level)] for t, _label in present],
            }
            for level in (RiskLevelChoice.LOW, RiskLevelChoice.MEDIUM, RiskLevelChoice.HIGH)
        ],
    }
    at_risk.sort(key=lambda r: (-RISK_ORDER[r[0]], r[1], r[3]))
    labels: dict[str, str] = {level.value: str(level.label) for level in RiskLevelChoice}
    area_url = url_maker("dashboard:area")
    shown = [
        {"level": level, "label": labels[level], "name": name, "url": area_url(code) if code else ""}
        for level, _path, _target, name, code in at_risk[:RISK_SHOWN]
    ]
    return {
        "own": own,
        "own_label": labels[own] if own else "",
        "by_child": by_child,
        "chart": chart if present else None,
        "at_risk": shown,
        "at_risk_more": max(0, len(at_risk) - RISK_SHOWN),
    }


# ------------------------------------------------------------------ alarms, alerts, daily reports
def recent_alarms(user: Any, node: Node, day: datetime.date) -> list[dict[str, Any]]:
    """Early-warning alarms of the last three days under the node, the latest and largest first, with the
    name of their place (a grid's through its community, an area's by its path): one query."""
    since = day - datetime.timedelta(days=ALARM_DAYS - 1)
    area_name = Area.objects.filter(path=OuterRef("path")).values("name")[:1]
    rows = (
        Signal.objects.visible_to(user)
        .filter(path__startswith=node.path, alarm=True, day__range=(since, day))
        .annotate(area_name=Subquery(area_name))
        .order_by("-day", "-observed", "path")
        .values_list(
            "day",
            "path",
            "grid_id",
            "grid__name",
            "grid__community__name",
            "area_name",
            "detector__name",
            "detector__metric",
            "observed",
            "upper",
            "alert_id",
        )[: ALARMS_SHOWN + 1]
    )
    labels = dict(Metric.choices)
    area_url, grid_url = url_maker("dashboard:area"), url_maker("dashboard:grid")
    alert_url = url_maker("watch:alert-detail")
    values = _("observed {observed}, upper bound {upper}")
    alarms = []
    for signal_day, path, grid_id, grid, community, area, detector, metric, observed, upper, alert in rows:
        alarms.append(
            {
                "day": signal_day,
                "place": f"{community} {grid}" if grid_id else area or path,
                "url": grid_url(grid_id) if grid_id else area_url(path.rstrip(".").rsplit(".", 1)[-1]),
                "detector": detector,
                "alert_url": alert_url(alert) if alert else "",
                "metric": str(labels.get(metric, metric)),
                "values": values.format(
                    observed=f"{observed:g}", upper="—" if upper is None else f"{upper:.1f}"
                ),
            }
        )
    return alarms


def open_alerts(user: Any, node: Node) -> list[dict[str, Any]]:
    """Unresolved alerts under the node, counted by kind (one query on the indexed path)."""
    alerts = Alert.objects.visible_to(user).filter(status__in=UNRESOLVED)
    alerts = (
        alerts.filter(grid_id=node.grid_id) if node.grid_id else alerts.filter(path__startswith=node.path)
    )
    counts = alerts.order_by().values("kind").annotate(n=Count("id"))
    labels = dict(AlertKind.choices)
    return sorted(
        ({"kind": c["kind"], "label": str(labels.get(c["kind"], c["kind"])), "n": c["n"]} for c in counts),
        key=lambda c: (-c["n"], c["kind"]),
    )


def unreported(user: Any, node: Node, day: datetime.date) -> list[tuple[str, str, str]]:
    """(URL of its dashboard, name, path) of the communities under the node whose daily report for `day`
    was not submitted (nor accepted): one query."""
    if node.grid_id is not None or node.level == NodeLevel.GRID:
        return []
    reported = DailyReport.objects.visible_to(user).filter(
        day=day, status__in=(ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
    )
    rows = (
        Area.objects.visible_to(user)
        .filter(level=AreaLevel.COMMUNITY, path__startswith=node.path)
        .exclude(pk__in=reported.values("community_id"))
        .order_by("path")
        .values_list("code", "name", "path")
    )
    area_url = url_maker("dashboard:area")
    return [(area_url(code), name, path) for code, name, path in rows]


# ------------------------------------------------------------------ the page
def can_refresh(day: datetime.date, user: Any = None) -> bool:
    """The "Refresh today" button: today's dashboard, for a role that may recompute the figures."""
    return day == timezone.localdate() and (user is None or REFRESH_STATS.allows(user))


def refresh_today(*, user: Any) -> None:
    """Compute today's figures again (watch.stats.compute_today): the whole city's, so that every level
    adds up; refused for a role that may not."""
    compute_today(user=user)


def dashboard_context(user: Any, node: Node, *, day: datetime.date, sort: str = "name") -> dict[str, Any]:
    """Everything the dashboard of `node` on `day` shows, in a fixed number of queries."""
    now = timezone.localtime()
    today = now.date()
    start = day - datetime.timedelta(days=TREND_DAYS - 1)
    yesterday = day - datetime.timedelta(days=1)
    days = [start + datetime.timedelta(days=i) for i in range(TREND_DAYS)]
    computed = dict(StatDay.objects.filter(day__range=(start, day)).values_list("day", "computed_at"))
    done = set(computed)
    is_grid = node.level == NodeLevel.GRID
    node_rows = (
        DailyStat.objects.visible_to(user)
        .filter(path=node.path)
        .filter(
            Q(day__range=(start, day), metric__in=NODE_METRICS)
            | Q(day__in=(yesterday, day), metric__startswith=FLOW_PREFIX)
        )
        .values_list("path", "metric", "day", "value")
    )
    figures = Figures(node_rows, done)
    alerts = open_alerts(user, node)
    levels = [] if is_grid else risk_levels(user, path=node.path, day=day)
    risk = risk_summary(node, levels)
    missing = unreported(user, node, day)
    missing_by_child = Counter(child_key(node, p) for _c, _n, p in missing if len(p) > len(node.path))
    children = child_nodes(user, node)
    sort = sort if sort in SORTS else "name"
    rows = child_rows(user, node, children, day, done, risk["by_child"], missing_by_child, sort)
    charts = trend_charts(figures, node, days)
    if not is_grid:
        charts.append(flow_chart(figures, node, day, now))
    if risk["chart"] is not None:
        charts.append(risk["chart"])
    return {
        "node": node,
        "day": day,
        "today": today,
        "is_today": day == today,
        "computed_at": computed.get(day),
        "previous_day": yesterday,
        "next_day": day + datetime.timedelta(days=1) if day < today else None,
        "breadcrumbs": breadcrumbs(user, node),
        "cards": key_figures(figures, node, day, sum(a["n"] for a in alerts)),
        "charts": charts,
        "chart_data": {"charts": charts},
        "alarms": recent_alarms(user, node, day),
        "alarms_shown": ALARMS_SHOWN,
        "open_alerts": alerts,
        "risk": risk,
        "unreported": missing[:UNREPORTED_SHOWN],
        "unreported_count": len(missing),
        "children": rows,
        "child_columns": [(key, str(metric.label)) for key, metric in CHILD_COLUMNS],
        "sort": sort,
        "can_refresh": bool(node.code) and can_refresh(day, user),  # an area (a grid has no code)
    }
