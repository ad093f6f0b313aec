"""The gap view: the shifts of the next 72 hours and how well each is covered.

One rule, in SQL (`GAP_SQL`, on the counts of each shift's assignments that PostgreSQL keeps: see
mobilize.models.Shift), for the list of one gate or community and for the summary of a city:
- `uncovered`: nobody accepted and nobody is invited;
- `under`: fewer people accepted or invited than the shift needs;
- `unconfirmed`: enough invited, but fewer accepted than needed;
- `at_risk`: enough accepted, the shift starts within 15 minutes (or has started) and fewer than needed have
  checked in;
- `ok`: otherwise (green).
A shift is in the view when it has not ended and starts within 72 hours of now (a shift running across
midnight belongs to the view of both days).

In the afternoon (GAP_ALERT_HOUR) a gap tonight — a shift starting between 18:00 and 08:00 the next
morning that is uncovered, under-covered or unconfirmed — raises one ROSTER_GAP alert per gate and night.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lianfang.core.alerts import new_alert, raise_alerts, respond_minutes_at
from lianfang.core.models import AlertKind, AlertSeverity
from lianfang.core.roles import Role
from lianfang.mobilize.models import Shift
from lianfang.places.models import Gate

HORIZON = datetime.timedelta(hours=72)
# No shift lasts longer (the patterns are 8 and 6 hours): lets the start's index bound the scan from below.
LONGEST_SHIFT = datetime.timedelta(hours=24)
AT_RISK_BEFORE = datetime.timedelta(minutes=15)
NIGHT_FROM, NIGHT_UNTIL = datetime.time(18, 0), datetime.time(8, 0)
GAP_ALERT_HOUR = 14
GAP_STATUSES = ("uncovered", "under", "unconfirmed", "at_risk")
ALERTING = ("uncovered", "under", "unconfirmed")
STATUS_LABELS = {
    "uncovered": _("Uncovered"),
    "under": _("Under-covered"),
    "unconfirmed": _("Unconfirmed"),
    "at_risk": _("At risk"),
    "ok": _("Covered"),
}

GAP_SQL = """
    SELECT sh.id, sh.gate_id, sh.path, sh.starts_at, sh.ends_at, sh.needed,
           sh.n_covering, sh.n_invited, sh.n_checked_in,
           CASE WHEN sh.n_covering + sh.n_invited = 0 THEN 'uncovered'
                WHEN sh.n_covering + sh.n_invited < sh.needed THEN 'under'
                WHEN sh.n_covering < sh.needed THEN 'unconfirmed'
                WHEN sh.n_checked_in < sh.needed AND sh.starts_at - %(risk)s <= %(now)s THEN 'at_risk'
                ELSE 'ok' END AS gap
    FROM mobilize_shift sh
    WHERE sh.ends_at > %(from)s AND sh.starts_at < %(until)s AND sh.starts_at > %(from)s - %(longest)s
      AND {where}
"""


@dataclass
class GapRow:
    shift_id: int
    gate_id: int
    path: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    needed: int
    covering: int
    invited: int
    checked_in: int
    gap: str

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.gap])


def _where(user: Any, *, gate_id: int | None, path: str) -> tuple[str, dict[str, Any]] | None:
    """The scope of the shifts `user` may see (Shift.scope), narrowed to a gate or an area path."""
    if Shift.scope.q_for(user) is None:
        return None
    clauses, params = ["TRUE"], {}
    if not user.is_superuser:
        if user.role == Role.GATE:
            clauses.append("sh.gate_id = %(own_gate)s")
            params["own_gate"] = user.gate_id
        else:
            clauses.append("sh.path LIKE %(scope)s")
            params["scope"] = _like(user.scope_path)
    if gate_id is not None:
        clauses.append("sh.gate_id = %(gate)s")
        params["gate"] = gate_id
    if path:
        clauses.append("sh.path LIKE %(path)s")
        params["path"] = _like(path)
    return " AND ".join(clauses), params


def _like(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _run(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _params(now: datetime.datetime, frm: datetime.datetime, until: datetime.datetime) -> dict[str, Any]:
    return {"now": now, "from": frm, "until": until, "risk": AT_RISK_BEFORE, "longest": LONGEST_SHIFT}


def gap_rows(
    user: Any,
    *,
    gate_id: int | None = None,
    path: str = "",
    now: datetime.datetime | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    only_gaps: bool = False,
    limit: int = 2000,
) -> list[GapRow]:
    """The shifts of the next 72 hours (or from `since` until `until`) that `user` may see, each with its
    gap status, by start and gate."""
    now = now or timezone.now()
    scoped = _where(user, gate_id=gate_id, path=path)
    if scoped is None:
        return []
    where, params = scoped
    sql = f"SELECT * FROM ({GAP_SQL.format(where=where)}) g"
    if only_gaps:
        sql += " WHERE g.gap <> 'ok'"
    sql += " ORDER BY g.starts_at, g.gate_id LIMIT %(limit)s"
    params.update(_params(now, since or now, until or now + HORIZON), limit=limit)
    return [GapRow(*row) for row in _run(sql, params)]


@dataclass
class AreaGaps:
    path: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def n_gaps(self) -> int:
        return sum(self.counts.get(s, 0) for s in GAP_STATUSES)


def tonight(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime, datetime.date]:
    """Tonight's window (18:00 today to 08:00 tomorrow, local) and the date that names it."""
    day = timezone.localtime(now).date()
    start = timezone.make_aware(datetime.datetime.combine(day, NIGHT_FROM))
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), NIGHT_UNTIL))
    return start, end, day


def raise_gap_alerts(*, now: datetime.datetime | None = None) -> int:
    """One ROSTER_GAP alert per gate with a gap tonight (dedup key roster_gap:<gate>:<date>); returns how
    many were raised."""
    now = now or timezone.now()
    start, end, day = tonight(now)
    sql = (
        f"SELECT * FROM ({GAP_SQL.format(where='TRUE')}) g "
        "WHERE g.gap = ANY(%(alerting)s) AND g.starts_at >= %(start)s"
    )
    params = _params(now, start, end) | {"alerting": list(ALERTING), "start": start}
    per_gate: dict[int, list[GapRow]] = defaultdict(list)
    for row in _run(sql, params):
        r = GapRow(*row)
        per_gate[r.gate_id].append(r)
    if not per_gate:
        return 0
    names = {g.pk: str(g) for g in Gate.objects.filter(pk__in=list(per_gate)).select_related("compound")}
    minutes = respond_minutes_at((rows[0].path for rows in per_gate.values()), AlertKind.ROSTER_GAP)
    alerts = []
    for gate_id, rows in per_gate.items():
        first = timezone.localtime(rows[0].starts_at)
        alerts.append(
            new_alert(
                kind=AlertKind.ROSTER_GAP,
                severity=AlertSeverity.URGENT if rows[0].gap == "uncovered" else AlertSeverity.WARNING,
                title=gettext("Gate {gate}: {n} shift(s) tonight not covered, the first at {time}").format(
                    gate=names.get(gate_id, gate_id), n=len(rows), time=f"{first:%H:%M}"
                ),
                path=rows[0].path,
                source_type="gate",
                source_id=str(gate_id),
                dedup_key=f"roster_gap:{gate_id}:{day.isoformat()}",
                created_at=now,
                minutes=minutes[rows[0].path],
            )
        )
    return len(raise_alerts(alerts))


def gap_view(
    user: Any,
    *,
    gate_id: int | None = None,
    only_gaps: bool = False,
    now: datetime.datetime | None = None,
    limit: int = 300,
) -> tuple[dict[str, AreaGaps], list[GapRow]]:
    """The gap view: every community's shifts of the next 72 hours counted by status (one aggregate over the
    shifts' kept counts), and the first `limit` shifts — only those with a gap when `only_gaps` — read by
    the start's index until the limit is reached. Two statements: one that did both materialized every shift
    of the city and sorted them on disk, three times slower."""
    now = now or timezone.now()
    scoped = _where(user, gate_id=gate_id, path="")
    if scoped is None:
        return {}, []
    where, params = scoped
    sql = f"SELECT g.path, g.gap, count(*) FROM ({GAP_SQL.format(where=where)}) g GROUP BY g.path, g.gap"
    params.update(_params(now, now, now + HORIZON))
    summary: dict[str, AreaGaps] = {}
    for path, gap, n in _run(sql, params):
        summary.setdefault(path, AreaGaps(path)).counts[gap] = n
    return summary, gap_rows(user, gate_id=gate_id, now=now, only_gaps=only_gaps, limit=limit)
