"""The SQL of the daily statistics (watch/stats.py runs it; docs/watch.md says what each figure means).

Every statement is set-based: one scan of each source table for the day, grouped by the record's area path
and grid, never a loop over households or residents. The leaf statements (`LEAVES`) each answer rows
`(path, grid_id, metric, value)`, where `path` is the area path of the record (its community, or the area an
alert was raised for) and `grid_id` its grid (NULL: none); stats.py turns them into the leaf nodes
`<path>g<grid id or 0>.` and rolls them up.

Parameters (psycopg named parameters): `day` (the local date), `start` and `end` (its first instant and the
first instant of the next day, aware), `watch_from` (the first day of the 14-day returnee watch), `tz` (the
city's time zone, for the hours of the gate flow). Only code constants are formatted into the text.

A record's grid counts only when it belongs to the record's own area (`h.path = x.path`): a passage of a
household of another community at this community's gate goes to this community's `g0` node, never to a grid
node of another community.
"""

from __future__ import annotations

from collections.abc import Iterable

from lianfang.access.models import Decision, DecisionCode, Direction
from lianfang.epi.models import (
    OPEN_CASE_STATUSES,
    CaseStatus,
    ContactStatus,
    LockdownScope,
    QuarantineKind,
)
from lianfang.watch.figures import FLOW_IN, FLOW_OUT
from lianfang.watch.metrics import REFUSAL_PREFIX, Metric

WORK = "lf_stat_work"  # the nodes' figures while they are computed (path, grid_id, metric, value)
CASES = "lf_stat_case"  # the cases reported by the day, with their status at its end
HELD = "lf_stat_held"  # the households held at the end of the day
GATE = "lf_stat_gate"  # the day's passages, counted per area, grid, direction, decision, code and hour
TEMP_TABLES = (WORK, CASES, HELD, GATE)


def q(value: str) -> str:
    """A code constant as an SQL literal (the values of the TextChoices above: letters and underscores)."""
    assert value.replace("_", "").replace(":", "").isalnum(), value
    return f"'{value}'"


def _in(values: Iterable[str]) -> str:
    return ", ".join(q(str(v)) for v in values)


def _unpivot(inner: str, pairs: list[tuple[str, str]]) -> str:
    """Rows (path, grid_id, metric, value) from one grouped row per (path, grid_id) with several counts."""
    values = ", ".join(f"({q(metric)}, x.{column})" for metric, column in pairs)
    return (
        f"SELECT x.path, x.grid_id, v.metric, v.value FROM ({inner}) x "
        f"CROSS JOIN LATERAL (VALUES {values}) AS v(metric, value)"
    )


OPEN = _in(OPEN_CASE_STATUSES)
EXCLUDED = q(CaseStatus.EXCLUDED)
HOME, FACILITY = q(QuarantineKind.HOME), q(QuarantineKind.FACILITY)
ALLOWED, REFUSED = q(Decision.ALLOWED), q(Decision.REFUSED)
IN, OUT = q(Direction.IN), q(Direction.OUT)
FEVER = q(DecisionCode.FEVER)

# ------------------------------------------------------------------ preparation (temporary tables)
CREATE_WORK = f"""
CREATE TEMPORARY TABLE {WORK} (
    path varchar(300) NOT NULL, grid_id bigint, metric varchar(40) NOT NULL, value bigint NOT NULL
) ON COMMIT DROP
"""

# The status of each case at the end of the day: the last change before the end, else (a case registered
# later with an earlier report date) the status it was registered with, else its status now.
CREATE_CASES = f"""
CREATE TEMPORARY TABLE {CASES} ON COMMIT DROP AS
SELECT c.id, c.path, c.grid_id, c.household_id, c.report_date, c.isolation_date,
       COALESCE(
           (SELECT ch.to_status FROM epi_casestatuschange ch
             WHERE ch.case_id = c.id AND ch.at < %(end)s ORDER BY ch.at DESC, ch.id DESC LIMIT 1),
           (SELECT ch.to_status FROM epi_casestatuschange ch
             WHERE ch.case_id = c.id ORDER BY ch.at, ch.id LIMIT 1),
           c.status) AS status
FROM epi_case c
WHERE c.report_date <= %(day)s
"""

# A lockdown is active at the end of the day from its first day to its last (`ends_on`), unless it was
# lifted before the day ended.
LOCKDOWN_ACTIVE = (
    "l.start <= %(day)s AND l.ends_on >= %(day)s AND (l.lifted_at IS NULL OR l.lifted_at >= %(end)s)"
)
# A quarantine is current at the end of the day from its start to its last day, unless it ended that day or
# before (released, lifted with its lockdown, became a case: `ended_on`).
QUARANTINE_CURRENT = (
    "q.start <= %(day)s AND q.planned_end >= %(day)s AND (q.ended_on IS NULL OR q.ended_on > %(day)s)"
)

# The households held at the end of the day, by the three reasons of epi/holds.py, read from the records'
# dates: inside an active lockdown; in current home quarantine; an open case of the household not isolated
# by then (the household the case was registered with).
CREATE_HELD = f"""
CREATE TEMPORARY TABLE {HELD} ON COMMIT DROP AS
SELECT h.id FROM epi_lockdown l
  JOIN places_household h ON h.compound_id = l.compound_id
  JOIN places_unit u ON u.id = h.unit_id
 WHERE {LOCKDOWN_ACTIVE}
   AND (l.scope_kind = {q(LockdownScope.COMPOUND)}
        OR (l.scope_kind = {q(LockdownScope.BUILDING)} AND u.building_id = l.building_id)
        OR (l.scope_kind = {q(LockdownScope.UNIT)} AND h.unit_id = l.unit_id))
UNION
SELECT q.household_id FROM epi_quarantine q
 WHERE q.kind = {HOME} AND q.household_id IS NOT NULL AND {QUARANTINE_CURRENT}
UNION
SELECT c.household_id FROM {CASES} c
 WHERE c.household_id IS NOT NULL AND c.status IN ({OPEN})
   AND (c.isolation_date IS NULL OR c.isolation_date > %(day)s)
"""

# The day's passages in one scan, counted per (area, grid, direction, decision, code, local hour): a few tens
# of thousands of rows for a city's million passages, grouped in memory (a hash), from which both the grid
# nodes' figures and the hourly flow are read.
CREATE_GATE = f"""
CREATE TEMPORARY TABLE {GATE} ON COMMIT DROP AS
SELECT p.path, CASE WHEN h.path = p.path THEN h.grid_id END AS grid_id, p.direction, p.decision, p.code,
       EXTRACT(HOUR FROM p.server_time AT TIME ZONE %(tz)s)::int AS hour, COUNT(*) AS n
FROM access_passage p LEFT JOIN places_household h ON h.id = p.household_id
WHERE p.server_time >= %(start)s AND p.server_time < %(end)s
GROUP BY 1, 2, 3, 4, 5, 6
"""

# ------------------------------------------------------------------ the leaves
HOUSEHOLDS = f"""
SELECT h.path, h.grid_id, {q(Metric.HOUSEHOLDS)} AS metric, COUNT(*) AS value
FROM places_household h WHERE h.created_at < %(end)s GROUP BY h.path, h.grid_id
"""

RESIDENTS = _unpivot(
    """SELECT r.path, r.grid_id, COUNT(*) AS n, COUNT(*) FILTER (WHERE btrim(r.tags) <> '') AS vulnerable
       FROM people_resident r WHERE r.household_id IS NOT NULL AND r.created_at < %(end)s
       GROUP BY r.path, r.grid_id""",
    [(Metric.RESIDENTS, "n"), (Metric.VULNERABLE, "vulnerable")],
)

RETURNEES = _unpivot(
    """SELECT r.path, r.grid_id,
              COUNT(DISTINCT t.resident_id) FILTER (WHERE t.arrival_date = %(day)s) AS arrived,
              COUNT(DISTINCT t.resident_id) AS watched
       FROM people_travelrecord t JOIN people_resident r ON r.id = t.resident_id
       WHERE t.arrival_date >= %(watch_from)s AND t.arrival_date <= %(day)s
       GROUP BY r.path, r.grid_id""",
    [(Metric.RETURNEES_ARRIVED, "arrived"), (Metric.RETURNEES_WATCHED, "watched")],
)

CASE_FIGURES = _unpivot(
    f"""SELECT c.path, c.grid_id,
              COUNT(*) FILTER (WHERE c.report_date = %(day)s AND c.status <> {EXCLUDED}) AS new,
              COUNT(*) FILTER (WHERE c.status <> {EXCLUDED}) AS cumulative,
              COUNT(*) FILTER (WHERE c.status = {q(CaseStatus.SUSPECTED)}) AS suspected,
              COUNT(*) FILTER (WHERE c.status = {q(CaseStatus.CONFIRMED)}) AS confirmed,
              COUNT(*) FILTER (WHERE c.status = {q(CaseStatus.ASYMPTOMATIC)}) AS asymptomatic,
              COUNT(*) FILTER (WHERE c.status = {q(CaseStatus.RECOVERED)}) AS recovered,
              COUNT(*) FILTER (WHERE c.status = {EXCLUDED}) AS excluded
       FROM {CASES} c GROUP BY c.path, c.grid_id""",
    [
        (Metric.CASES_NEW, "new"),
        (Metric.CASES_CUMULATIVE, "cumulative"),
        (Metric.CASES_SUSPECTED, "suspected"),
        (Metric.CASES_CONFIRMED, "confirmed"),
        (Metric.CASES_ASYMPTOMATIC, "asymptomatic"),
        (Metric.CASES_RECOVERED, "recovered"),
        (Metric.CASES_EXCLUDED, "excluded"),
    ],
)

# A unit's or building's lockdown counts in that building's grid; a compound's in its community's g0 node.
LOCKDOWNS = f"""
SELECT l.path,
       CASE WHEN l.scope_kind IN ({q(LockdownScope.UNIT)}, {q(LockdownScope.BUILDING)}) AND b.path = l.path
            THEN b.grid_id END AS grid_id,
       {q(Metric.LOCKDOWNS_ACTIVE)} AS metric, COUNT(*) AS value
FROM epi_lockdown l
  LEFT JOIN places_unit u ON u.id = l.unit_id
  LEFT JOIN places_building b ON b.id = COALESCE(l.building_id, u.building_id)
WHERE {LOCKDOWN_ACTIVE}
GROUP BY 1, 2
"""

HELD_FIGURES = f"""
SELECT h.path, h.grid_id, {q(Metric.HOUSEHOLDS_HELD)} AS metric, COUNT(*) AS value
FROM {HELD} x JOIN places_household h ON h.id = x.id WHERE h.created_at < %(end)s GROUP BY h.path, h.grid_id
UNION ALL
SELECT r.path, r.grid_id, {q(Metric.PEOPLE_HELD)}, COUNT(*)
FROM {HELD} x JOIN people_resident r ON r.household_id = x.id WHERE r.created_at < %(end)s
GROUP BY r.path, r.grid_id
"""

# `ends`: the first day a quarantine is over — the day it ended (`ended_on`), or the day after its last day,
# whichever comes first. Started on `start`, ended on `ends`, current on the days in between.
QUARANTINES = _unpivot(
    f"""SELECT q.path, q.grid_id,
              COUNT(*) FILTER (WHERE q.kind = {HOME} AND q.start = %(day)s) AS home_started,
              COUNT(*) FILTER (WHERE q.kind = {HOME} AND q.ends = %(day)s) AS home_ended,
              COUNT(*) FILTER (WHERE q.kind = {HOME} AND q.ends > %(day)s) AS home_current,
              COUNT(*) FILTER (WHERE q.kind = {FACILITY} AND q.start = %(day)s) AS facility_started,
              COUNT(*) FILTER (WHERE q.kind = {FACILITY} AND q.ends = %(day)s) AS facility_ended,
              COUNT(*) FILTER (WHERE q.kind = {FACILITY} AND q.ends > %(day)s) AS facility_current
       FROM (SELECT q.path, q.grid_id, q.kind, q.start,
                    LEAST(COALESCE(q.ended_on, q.planned_end + 1), q.planned_end + 1) AS ends
             FROM epi_quarantine q WHERE q.start <= %(day)s) q
       WHERE q.ends >= %(day)s
       GROUP BY q.path, q.grid_id""",
    [
        (Metric.HOME_Q_STARTED, "home_started"),
        (Metric.HOME_Q_ENDED, "home_ended"),
        (Metric.HOME_Q_CURRENT, "home_current"),
        (Metric.FACILITY_Q_STARTED, "facility_started"),
        (Metric.FACILITY_Q_ENDED, "facility_ended"),
        (Metric.FACILITY_Q_CURRENT, "facility_current"),
    ],
)

CONTACTS = f"""
SELECT ct.path, CASE WHEN c.path = ct.path THEN c.grid_id END AS grid_id,
       {q(Metric.CONTACTS_CONFIRMED)} AS metric, COUNT(*) AS value
FROM epi_contact ct JOIN epi_case c ON c.id = ct.case_id
WHERE ct.status = {q(ContactStatus.CONFIRMED)} AND ct.decided_at >= %(start)s AND ct.decided_at < %(end)s
GROUP BY 1, 2
"""

# Passages: the people let through (decision allowed) in and out; refused scans, in all and per code;
# fevers (referred at the gate). Allowed + referred + refused = every scan of the day.
GATE_FIGURES = f"""
SELECT g.path, g.grid_id, v.metric, SUM(v.value) AS value
FROM {GATE} g CROSS JOIN LATERAL (VALUES
    ({q(Metric.PASSAGES_IN)}, CASE WHEN g.decision = {ALLOWED} AND g.direction = {IN} THEN g.n ELSE 0 END),
    ({q(Metric.PASSAGES_OUT)}, CASE WHEN g.decision = {ALLOWED} AND g.direction = {OUT} THEN g.n ELSE 0 END),
    ({q(Metric.REFUSALS)}, CASE WHEN g.decision = {REFUSED} THEN g.n ELSE 0 END),
    ({q(Metric.FEVERS)}, CASE WHEN g.code = {FEVER} THEN g.n ELSE 0 END),
    ({q(REFUSAL_PREFIX)} || g.code, CASE WHEN g.decision = {REFUSED} THEN g.n ELSE 0 END)
) AS v(metric, value)
GROUP BY 1, 2, 3
"""

CALLS_MADE = f"""
SELECT cc.path, CASE WHEN h.path = cc.path THEN h.grid_id END AS grid_id,
       {q(Metric.CALLS_MADE)} AS metric, COUNT(*) AS value
FROM care_carecall cc JOIN places_household h ON h.id = cc.household_id
WHERE cc.date = %(day)s
GROUP BY 1, 2
"""

# Call windows of the day that ended without a call recorded before their end, of the households in care
# that day: a team begun by the day and not ended by it (`ended` is the first day without care; an open
# team's household must still be held that day). The policy of each team is chosen by `{pol}` (a CASE on
# its path, deepest policy first, 0 = the defaults) and the windows' ends come as `{windows}` (VALUES of
# policy, window, end), both built by stats.py from care's policies.
CALLS_OVERDUE = f"""
SELECT t.path, CASE WHEN h.path = t.path THEN h.grid_id END AS grid_id,
       {q(Metric.CALLS_OVERDUE)} AS metric, COUNT(*) AS value
FROM (SELECT t.id, t.household_id, t.path, t.ended, {{pol}} AS pol
        FROM care_careteam t
       WHERE t.started <= %(day)s AND (t.ended IS NULL OR t.ended > %(day)s)) t
  JOIN places_household h ON h.id = t.household_id
  JOIN (VALUES {{windows}}) AS w(pol, win, ends) ON w.pol = t.pol
WHERE (t.ended IS NOT NULL OR h.exits_held_until >= %(day)s)
  AND NOT EXISTS (SELECT 1 FROM care_carecall c
                   WHERE c.household_id = t.household_id AND c.date = %(day)s AND c."window" = w.win
                     AND c.called_at < w.ends)
GROUP BY 1, 2
"""

# An errand is done when it is delivered (confirmed only after delivery: the earlier time counts).
DONE_AT = "COALESCE(e.delivered_at, e.confirmed_at)"

ERRANDS = _unpivot(
    f"""SELECT e.path, CASE WHEN h.path = e.path THEN h.grid_id END AS grid_id,
              COUNT(*) FILTER (WHERE e.created_at >= %(start)s AND e.created_at < %(end)s) AS raised,
              COUNT(*) FILTER (WHERE {DONE_AT} >= %(start)s AND {DONE_AT} < %(end)s) AS done
       FROM care_errand e JOIN places_household h ON h.id = e.household_id
       WHERE (e.created_at >= %(start)s AND e.created_at < %(end)s)
          OR ({DONE_AT} >= %(start)s AND {DONE_AT} < %(end)s)
       GROUP BY 1, 2""",
    [(Metric.ERRANDS_RAISED, "raised"), (Metric.ERRANDS_DONE, "done")],
)

DISINFECTIONS = f"""
SELECT d.path, CASE WHEN b.path = d.path THEN b.grid_id END AS grid_id,
       {q(Metric.DISINFECTIONS)} AS metric, COUNT(*) AS value
FROM care_disinfection d JOIN places_building b ON b.id = d.building_id
WHERE d.date = %(day)s
GROUP BY 1, 2
"""

KITS = f"""
SELECT k.path, CASE WHEN h.path = k.path THEN h.grid_id END AS grid_id,
       {q(Metric.KITS_DELIVERED)} AS metric, COUNT(*) AS value
FROM care_kitdelivery k JOIN places_household h ON h.id = k.household_id
WHERE k.delivered_at >= %(start)s AND k.delivered_at < %(end)s
GROUP BY 1, 2
"""

# An alert counts where it was raised (`path`: a community, or the area of an early warning) and in its grid
# (its own, else its household's).
ALERTS = _unpivot(
    """SELECT a.path, COALESCE(a.grid_id, CASE WHEN h.path = a.path THEN h.grid_id END) AS grid_id,
              COUNT(*) FILTER (WHERE a.created_at >= %(start)s AND a.created_at < %(end)s) AS opened,
              COUNT(*) FILTER (WHERE a.handled_at >= %(start)s AND a.handled_at < %(end)s) AS resolved
       FROM core_alert a LEFT JOIN places_household h ON h.id = a.household_id
       WHERE (a.created_at >= %(start)s AND a.created_at < %(end)s)
          OR (a.handled_at >= %(start)s AND a.handled_at < %(end)s)
       GROUP BY 1, 2""",
    [(Metric.ALERTS_OPENED, "opened"), (Metric.ALERTS_RESOLVED, "resolved")],
)

# Every leaf statement but CALLS_OVERDUE (which stats.py completes with the day's call windows).
LEAVES = (
    HOUSEHOLDS,
    RESIDENTS,
    RETURNEES,
    CASE_FIGURES,
    LOCKDOWNS,
    HELD_FIGURES,
    QUARANTINES,
    CONTACTS,
    GATE_FIGURES,
    CALLS_MADE,
    ERRANDS,
    DISINFECTIONS,
    KITS,
    ALERTS,
)

# A leaf statement's rows become leaf nodes: only records whose path is an area count.
INSERT_LEAF = f"""
INSERT INTO {WORK} (path, grid_id, metric, value)
SELECT x.path || 'g' || COALESCE(x.grid_id, 0) || '.', x.grid_id, x.metric, SUM(x.value)
FROM ({{leaf}}) x JOIN places_area a ON a.path = x.path
GROUP BY 1, 2, 3 HAVING SUM(x.value) <> 0
"""

# The gate flow by hour, kept at the level of the gate's area (a community) and rolled up from there.
INSERT_FLOW = f"""
INSERT INTO {WORK} (path, grid_id, metric, value)
SELECT g.path, NULL,
       CASE WHEN g.direction = {IN} THEN {q(FLOW_IN)} ELSE {q(FLOW_OUT)} END || lpad(g.hour::text, 2, '0'),
       SUM(g.n)
FROM {GATE} g JOIN places_area a ON a.path = g.path
WHERE g.decision = {ALLOWED}
GROUP BY 1, 3
"""

# The median minutes from raised to done of the errands done that day, computed at every node from the
# records themselves (a median does not add up): the errand's leaf node and every area above it.
INSERT_MEDIAN = f"""
WITH done AS (
    SELECT e.path, CASE WHEN h.path = e.path THEN h.grid_id END AS grid_id,
           EXTRACT(EPOCH FROM {DONE_AT} - e.created_at) / 60.0 AS minutes
    FROM care_errand e JOIN places_household h ON h.id = e.household_id
    JOIN places_area own ON own.path = e.path
    WHERE {DONE_AT} >= %(start)s AND {DONE_AT} < %(end)s
), nodes AS (
    SELECT d.path || 'g' || COALESCE(d.grid_id, 0) || '.' AS path, d.grid_id, d.minutes FROM done d
    UNION ALL
    SELECT a.path, NULL, d.minutes FROM done d JOIN places_area a ON starts_with(d.path, a.path)
)
INSERT INTO {WORK} (path, grid_id, metric, value)
SELECT n.path, n.grid_id, {q(Metric.ERRAND_MINUTES_MEDIAN)},
       ROUND((percentile_cont(0.5) WITHIN GROUP (ORDER BY n.minutes))::numeric)::bigint
FROM nodes n GROUP BY n.path, n.grid_id
"""

DEPTH = "(length({col}) - length(replace({col}, '.', '')))"

MAX_DEPTH = f"SELECT COALESCE(MAX({DEPTH.format(col='path')}), 0) FROM {WORK}"

# One level up: the figures of the nodes at one depth summed into their parents (the path without its
# last segment). The median is left out: each node has its own from the records.
ROLL_UP = f"""
INSERT INTO {WORK} (path, grid_id, metric, value)
SELECT regexp_replace(w.path, '[^.]+[.]$', ''), NULL, w.metric, SUM(w.value)
FROM {WORK} w
WHERE {DEPTH.format(col="w.path")} = %(depth)s AND w.metric <> {q(Metric.ERRAND_MINUTES_MEDIAN)}
GROUP BY 1, 3
"""

# The nodes' rows, nonzero only: the areas with their level, the grid nodes (`…g<id>.`) as level grid.
FINAL_ROWS = f"""
SELECT w.path, MAX(w.grid_id), COALESCE(MAX(a.level), 'grid'), %(day)s, w.metric, SUM(w.value)
FROM {WORK} w LEFT JOIN places_area a ON a.path = w.path
WHERE a.path IS NOT NULL OR w.path ~ 'g[0-9]+[.]$'
GROUP BY w.path, w.metric
HAVING SUM(w.value) <> 0
"""

INSERT_FINAL = f"""
INSERT INTO {{table}} (path, grid_id, level, day, metric, value)
{FINAL_ROWS}
"""

DRY_TABLE = "lf_stat_dry"
# A dry run (the benchmark on a database it must not change) writes the rows here, with the indexes of
# watch_dailystat so that the insert costs the same.
CREATE_DRY = f"""
CREATE TEMPORARY TABLE {DRY_TABLE} (
    path varchar(255) NOT NULL, grid_id bigint, level varchar(10) NOT NULL, day date NOT NULL,
    metric varchar(40) NOT NULL, value bigint NOT NULL
) ON COMMIT DROP;
CREATE UNIQUE INDEX {DRY_TABLE}_unique ON {DRY_TABLE} (path, day, metric);
CREATE INDEX {DRY_TABLE}_path ON {DRY_TABLE} (path varchar_pattern_ops);
CREATE INDEX {DRY_TABLE}_level ON {DRY_TABLE} (level, metric, day);
CREATE INDEX {DRY_TABLE}_day ON {DRY_TABLE} (day, level)
"""
