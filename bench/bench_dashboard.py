"""The city dashboard over HTTP with 30 days of statistics of the seeded city: p95, and its ratio to the rows.

    DATABASE_URL=postgres://.../lf_bench_dashboard python bench/bench_dashboard.py --out out.json

DATABASE_URL is a database of the benchmark's own (migrated here if it is not yet); the seeded city is read,
never written, from the sibling database `lf_bench_seed` (bench/run.py runs seed first). The statistics of the
seeded city are not computed by this benchmark: it writes synthetic ones of the same shape.

1. The city's tree is copied from the seeded city into DATABASE_URL: areas (city, districts, streets,
   communities), grids and compounds, with their ids and paths. Everything the benchmark wrote before is
   removed first (the target must not hold residents: it is not a city of its own).
2. 30 days of `watch.DailyStat` rows for every node of the tree, stored nonzero only, as the nightly
   statistics store them: per grid about 30 figures with realistic sparsity (the registry and gate
   passages every day, cases, holds, quarantines, care, alerts and fevers on some days; refusals by code);
   every area the sum of its children (the errand median computed per level); gate flow by hour
   (`flow_in:HH`, `flow_out:HH`) at community level and above. Each day is listed in `StatDay`.
3. What else the page reads, at a city's scale: three detectors with a signal per node and day (grid fevers,
   community cases; a few alarms), risk levels (history, approvals, compounds), a daily report per community
   and day (a fifth missing today), and a month of alerts (some open).
4. The city commander's dashboard `/` is requested over HTTP from a gunicorn on 127.0.0.1 (1 sync worker,
   persistent database connections, the full middleware stack, a real session cookie): warm-up, then
   `--requests` sequential requests; `dashboard_p95_ms` is their p95.
5. The same page's SQL (every query of one request, captured through Django's test client) is replayed on
   one connection, each query's rows fetched, after each request (so that both meet the same load of a
   shared machine): the time of reading the pre-aggregated rows alone. `dashboard_vs_rows_ratio` = the
   page's p95 over HTTP / the p95 of the replay.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchdb import require_database_url  # bench/benchdb.py (this folder is on sys.path)
from httpget import get, p95, wait_up  # bench/httpget.py
from seeded import (  # bench/seeded.py
    SEED_DATABASE,
    copy_tables,
    own_database_beside_seed,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = int(os.environ.get("LIANFANG_BENCH_DASHBOARD_PORT", 8768))
USERNAME = "bench_dashboard_commander"
FLOOR = "/accounts/password/"
DAYS = 30
WRITTEN = [  # the tables this benchmark fills in its own database, emptied at the start of each run
    "watch_dailystat", "watch_statday", "watch_signal", "watch_detector", "watch_riskassessment",
    "watch_riskrule", "watch_dailyreportevent", "watch_dailyreport", "core_alertevent", "core_alert",
    "places_compound", "places_grid", "places_area",
]  # fmt: skip
REFUSAL_CODES = ["quota_used", "closed_hours", "pass_suspended", "wrong_gate", "pass_expired"]
# Per grid and day: (metric, probability of a nonzero figure, typical size). Stock figures of the registry
# are drawn once per grid; cases and quarantines follow an outbreak that grows over the month.
DAILY = [
    ("returnees_arrived", 0.3, 3), ("returnees_watched", 0.8, 20), ("cases_suspected", 0.1, 1),
    ("cases_confirmed", 0.15, 2), ("cases_asymptomatic", 0.05, 1), ("cases_recovered", 0.08, 1),
    ("cases_excluded", 0.05, 1), ("lockdowns_active", 0.1, 1), ("home_q_started", 0.2, 4),
    ("home_q_ended", 0.15, 4), ("facility_q_started", 0.06, 2), ("facility_q_ended", 0.05, 2),
    ("contacts_confirmed", 0.06, 3), ("refusals", 0.9, 12), ("fevers", 0.2, 1), ("calls_made", 0.4, 30),
    ("calls_overdue", 0.1, 3), ("errands_raised", 0.3, 5), ("errands_done", 0.3, 5),
    ("disinfections", 0.4, 6), ("kits_delivered", 0.2, 4), ("alerts_opened", 0.2, 1),
    ("alerts_resolved", 0.2, 1),
]  # fmt: skip
HOUR_WEIGHTS = [0, 0, 0, 0, 0, 1, 3, 8, 10, 7, 5, 5, 6, 5, 4, 4, 5, 8, 9, 7, 4, 3, 2, 1]


def log(msg: str) -> None:
    print(f"[dashboard {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")
    import django

    django.setup()


# --------------------------------------------------------------------------- the tree
def copy_tree(source: str) -> dict[str, int]:
    """Areas, grids and compounds of the seeded city, with their ids, into this database."""
    from django.db import connection

    tables = {
        "places_area": "id, code, name, level, parent_id, path",
        "places_grid": "id, community_id, code, name, path",
        "places_compound": "id, community_id, name, address, path",
    }
    with connection.cursor() as dst:
        dst.execute(f"TRUNCATE {', '.join(WRITTEN)} CASCADE")
        return copy_tables(source, dst, tables)


def parents(path: str) -> list[str]:
    """The area paths above and including a community path, city first."""
    parts = path.rstrip(".").split(".")
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


def write_stats(days: list[datetime.date], rng: random.Random) -> dict[str, int]:
    """30 days of figures for every node; returns the row counts by level."""
    from django.db import connection

    from lianfang.places.models import Area, Grid

    level_of = dict(Area.objects.values_list("path", "level"))
    grids = list(Grid.objects.order_by("id").values_list("id", "path"))
    registry = {
        gid: (hh := rng.randint(250, 650), int(hh * rng.uniform(2.6, 3.2)), int(hh * rng.uniform(0.2, 0.4)))
        for gid, _p in grids
    }
    cumulative: dict[int, int] = defaultdict(int)
    held: dict[int, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    with connection.cursor() as cursor:
        for i, day in enumerate(days):
            outbreak = 0.005 + 0.03 * i / len(days)
            sums: dict[tuple[str, str], int] = defaultdict(int)
            rows: list[tuple[Any, ...]] = []
            for gid, community in grids:
                households, residents, vulnerable = registry[gid]
                new = rng.randint(1, 3) if rng.random() < outbreak else 0
                cumulative[gid] += new
                held[gid] = max(0, held[gid] + (new * rng.randint(20, 60)) - rng.randint(0, 15))
                values = {
                    "households": households,
                    "residents": residents,
                    "vulnerable": vulnerable,
                    "passages_out": int(households * rng.uniform(0.4, 0.6)),
                    "passages_in": int(households * rng.uniform(0.38, 0.58)),
                    "cases_new": new,
                    "cases_cumulative": cumulative[gid],
                    "people_held": held[gid],
                    "households_held": held[gid] // 3,
                    "home_q_current": held[gid] + rng.randint(0, 5) * (rng.random() < 0.4),
                    "facility_q_current": cumulative[gid] * 2 if rng.random() < 0.3 else 0,
                }
                for metric, chance, size in DAILY:
                    if rng.random() < chance:
                        values[metric] = max(1, int(rng.expovariate(1 / size)))
                for code in REFUSAL_CODES:
                    if rng.random() < 0.5:
                        values[f"refusal:{code}"] = rng.randint(1, 5)
                node = f"{community}g{gid}."
                for metric, value in values.items():
                    if value:
                        rows.append((node, "grid", gid, day, metric, value))
                        for above in parents(community):
                            sums[(above, metric)] += value
            for (path, metric), value in sums.items():
                rows.append((path, level_of[path], None, day, metric, value))
                if metric == "errands_done":
                    rows.append(
                        (path, level_of[path], None, day, "errand_minutes_median", rng.randint(25, 90))
                    )
            flows: dict[tuple[str, str], int] = defaultdict(int)
            for (path, metric), value in sums.items():
                if metric in ("passages_in", "passages_out") and level_of[path] == "community":
                    kind = "flow_in" if metric == "passages_in" else "flow_out"
                    total = sum(HOUR_WEIGHTS)
                    for hour, weight in enumerate(HOUR_WEIGHTS):
                        share = value * weight // total
                        if share:
                            for above in parents(path):
                                flows[(above, f"{kind}:{hour:02d}")] += share
            rows.extend(
                (path, level_of[path], None, day, metric, value) for (path, metric), value in flows.items()
            )
            with cursor.cursor.copy(
                "COPY watch_dailystat (path, level, grid_id, day, metric, value) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                "INSERT INTO watch_statday (day, computed_at, rows, seconds) VALUES (%s, now(), %s, 0)",
                [day, len(rows)],
            )
            for row in rows:
                counts[row[1]] += 1
        cursor.execute("ANALYZE watch_dailystat")
    return dict(counts)


# --------------------------------------------------------------------------- signals, risk, reports, alerts
def write_the_rest(days: list[datetime.date], rng: random.Random) -> dict[str, int]:
    from django.db import connection
    from django.utils import timezone

    from lianfang.core.models import Alert, AlertKind, AlertStatus
    from lianfang.places.models import Area, Compound, Grid
    from lianfang.watch.models import (
        DailyReport,
        DailyStat,
        Detector,
        ReportStatus,
        RiskAssessment,
        RiskRule,
        RiskStatus,
        Signal,
    )

    today = days[-1]
    fevers = Detector.objects.create(name="网格发热 EARS C2", metric="fevers", level="grid", method="c2")
    cases = Detector.objects.create(
        name="社区新增病例 EARS C3", metric="cases_new", level="community", method="c3"
    )
    held = Detector.objects.create(
        name="社区管控人数阈值", metric="people_held", level="community", method="threshold", threshold=200
    )
    observed = {
        (p, m, d): v
        for p, m, d, v in DailyStat.objects.filter(
            level__in=("grid", "community"), metric__in=("fevers", "cases_new", "people_held")
        ).values_list("path", "metric", "day", "value")
    }
    grids = list(Grid.objects.values_list("id", "path"))
    communities = list(Area.objects.filter(level="community").values_list("id", "path"))
    signals = []
    for day in days:
        for gid, community in grids:
            path = f"{community}g{gid}."
            value = observed.get((path, "fevers", day), 0)
            signals.append(
                Signal(
                    detector=fevers,
                    path=path,
                    grid_id=gid,
                    level="grid",
                    day=day,
                    observed=value,
                    expected=0.3,
                    upper=2.5,
                    alarm=value > 2.5,
                )
            )
        for _cid, path in communities:
            value = observed.get((path, "cases_new", day), 0)
            signals.append(
                Signal(
                    detector=cases,
                    path=path,
                    level="community",
                    day=day,
                    observed=value,
                    expected=0.6,
                    upper=3.2,
                    alarm=value > 3.2,
                )
            )
            value = observed.get((path, "people_held", day), 0)
            signals.append(
                Signal(
                    detector=held,
                    path=path,
                    level="community",
                    day=day,
                    observed=value,
                    upper=200,
                    alarm=value >= 200,
                )
            )
    Signal.objects.bulk_create(signals, batch_size=5000)
    rule = RiskRule.objects.create(code="feb2020", name="2020年2月规则", kind="feb2020", is_default=True)
    assessments = []
    now = timezone.now()
    streets = list(Area.objects.filter(level="street").values_list("id", "path"))
    for area_id, path in streets + communities:
        for back in (21, 7):
            level = rng.choices(["low", "medium", "high"], [85, 12, 3])[0]
            effective = today - datetime.timedelta(days=back)
            assessments.append(
                RiskAssessment(
                    area_id=area_id,
                    path=path,
                    rule=rule,
                    day=effective,
                    suggested=level,
                    status=RiskStatus.APPROVED,
                    level=level,
                    effective_from=effective,
                    decided_at=now,
                )
            )
        assessments.append(RiskAssessment(area_id=area_id, path=path, rule=rule, day=today, suggested="low"))
    for cid, path in Compound.objects.values_list("id", "path"):
        if rng.random() < 0.05:
            assessments.append(
                RiskAssessment(
                    compound_id=cid,
                    path=path,
                    rule=rule,
                    day=today,
                    suggested="medium",
                    status=RiskStatus.APPROVED,
                    level="medium",
                    effective_from=today,
                    decided_at=now,
                )
            )
    RiskAssessment.objects.bulk_create(assessments, batch_size=5000)
    reports = []
    for cid, path in communities:
        for day in days:
            if day == today:
                status = rng.choices(
                    [ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.DRAFT, None],
                    [50, 30, 10, 10],
                )[0]
            else:
                status = ReportStatus.ACCEPTED
            if status:
                reports.append(DailyReport(community_id=cid, path=path, day=day, status=status))
    DailyReport.objects.bulk_create(reports, batch_size=5000)
    kinds = [
        AlertKind.FEVER,
        AlertKind.CALL_OVERDUE,
        AlertKind.UNREACHABLE,
        AlertKind.ERRAND_OVERDUE,
        AlertKind.EARLY_WARNING,
        AlertKind.CASE,
    ]
    alerts = []
    for n in range(DAYS * 120):
        gid, community = rng.choice(grids)
        created = now - datetime.timedelta(minutes=rng.randint(0, DAYS * 24 * 60))
        status = AlertStatus.OPEN if rng.random() < 0.05 else AlertStatus.RESOLVED
        alerts.append(
            Alert(
                kind=rng.choice(kinds),
                status=status,
                title="bench",
                path=community,
                handler_path=community,
                grid_id=gid,
                created_at=created,
                dedup_key=f"bench:{n}",
            )
        )
    Alert.objects.bulk_create(alerts, batch_size=5000)
    with connection.cursor() as cursor:
        for table in (
            "watch_signal",
            "watch_riskassessment",
            "watch_dailyreport",
            "core_alert",
            "places_area",
        ):
            cursor.execute(f"ANALYZE {table}")
    return {
        "signals": len(signals),
        "risk assessments": len(assessments),
        "daily reports": len(reports),
        "alerts": len(alerts),
    }


# --------------------------------------------------------------------------- measuring
def commander() -> Any:
    from lianfang.accounts.models import User
    from lianfang.core.roles import Role
    from lianfang.places.models import Area

    User.objects.filter(username=USERNAME).delete()
    user = User(username=USERNAME, role=Role.COMMAND, name="市指挥部", area=Area.objects.get(level="city"))
    user.set_unusable_password()
    user.save()
    return user


def page_queries(user: Any) -> tuple[list[str], str]:
    """Every SQL statement of one dashboard request (test client, status 200), and a session cookie."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    if response.status_code != 200:
        raise SystemExit(f"the dashboard answered {response.status_code}")
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return [q["sql"] for q in ctx.captured_queries], cookie


def replay(cursor: Any, sql: list[str]) -> float:
    """Milliseconds to run the page's statements once on one connection and fetch every row."""
    t = time.perf_counter()
    for statement in sql:
        cursor.execute(statement)
        cursor.fetchall()
    return (time.perf_counter() - t) * 1000


def measure(
    cookie: str, sql: list[str], requests: int, warmup: int
) -> tuple[list[float], list[float], list[float], int]:
    """The page over HTTP and the replay of its statements, alternately (one request, one replay), so that
    both meet the same load of a shared machine."""
    from django.db import connection

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lianfang.settings",
        "DB_CONN_MAX_AGE": "600",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.pop("DJANGO_DEBUG", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "lianfang.wsgi:application", "-b", f"127.0.0.1:{PORT}",
         "-w", "1", "--worker-class", "sync", "--log-level", "warning", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{PORT}"
    http: list[float] = []
    rows: list[float] = []
    floor: list[float] = []  # a logged-in page that reads nothing but the session and the user
    size = 0
    try:
        wait_up(base + "/healthz")
        with connection.cursor() as cursor:
            for n in range(warmup + requests):
                ms, status, size = get(base + "/", cookie)
                if status != 200:
                    raise SystemExit(f"the dashboard answered {status} over HTTP")
                replayed = replay(cursor, sql)
                bare, _status, _size = get(base + FLOOR, cookie)
                if n >= warmup:
                    http.append(ms)
                    rows.append(replayed)
                    floor.append(bare)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return http, rows, floor, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--requests", type=int, default=200, help="timed requests (and replays)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--reuse", action="store_true", help="keep the rows of the last run (development)")
    args = parser.parse_args()
    url = require_database_url("dashboard")
    source = own_database_beside_seed(url, "dashboard")
    setup_django()
    from django.core.management import call_command
    from django.utils import timezone

    from lianfang.watch.models import DailyStat

    rng = random.Random(args.seed)
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    built: dict[str, Any] = {}
    call_command("migrate", verbosity=0)
    if not (args.reuse and DailyStat.objects.filter(day=today).exists()):
        t = time.perf_counter()
        built["tree"] = copy_tree(source)
        log(f"tree copied from {SEED_DATABASE}: {built['tree']} in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        built["stats"] = write_stats(days, rng)
        log(
            f"{sum(built['stats'].values()):,} daily figures {built['stats']} "
            f"in {time.perf_counter() - t:.0f} s"
        )
        t = time.perf_counter()
        built["rest"] = write_the_rest(days, rng)
        log(f"{built['rest']} in {time.perf_counter() - t:.0f} s")
    user = commander()
    sql, cookie = page_queries(user)
    log(f"the dashboard runs {len(sql)} queries")
    stat_rows = DailyStat.objects.count()
    http, rows, floor, size = measure(cookie, sql, args.requests, args.warmup)
    ratio = p95(http) / p95(rows)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    shape = (
        f"the seeded city's tree ({SEED_DATABASE}: 1 city, districts, streets, communities, grids) with "
        f"{stat_rows:,} DailyStat rows over {DAYS} days (nonzero only; by level: "
        f"{built.get('stats', 'as the last run')}), "
        f"{built.get('rest', '')}"
    )
    metrics = {
        "dashboard_p95_ms": {
            "value": round(p95(http), 1),
            "unit": "ms",
            "goal": "< 300",
            "note": (
                f"GET / as the city commander over HTTP (gunicorn 1 sync worker, full middleware, session "
                f"cookie), {len(http)} sequential requests after {args.warmup} warm-up; p50 "
                f"{statistics.median(http):.1f} ms; {len(sql)} SQL queries per page; {size:,} bytes; "
                f"{shape}; load average {load}"
            ),
        },
        "dashboard_vs_rows_ratio": {
            "value": round(ratio, 2),
            "unit": "×",
            "goal": "≤ 2",
            "note": (
                f"p95 of the page over HTTP ({p95(http):.1f} ms) / p95 of replaying the same {len(sql)} SQL "
                f"statements of one request (session and user included) on one connection and fetching "
                f"every row ({p95(rows):.1f} ms, p50 {statistics.median(rows):.1f} ms), {len(rows)} times, "
                f"alternating with the requests; ratio of the p50s "
                f"{statistics.median(http) / statistics.median(rows):.2f}; for scale, a logged-in page that "
                f"reads only the session and the user ({FLOOR}) took p50 {statistics.median(floor):.1f} ms, "
                f"p95 {p95(floor):.1f} ms in the same loop"
            ),
        },
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(metrics, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
