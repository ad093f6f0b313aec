"""The nightly statistics of the whole seeded city for one day: wall seconds, with PostgreSQL's CPU seconds.

    DATABASE_URL=postgres://... python bench/bench_stats.py --out bench/out/stats.json [--runs 3] [--day D]

Needs the city seeded by bench_seed (3 million residents, 1.14 million households, 14 days of passages):
the database of DATABASE_URL when it holds passages, else its sibling database `lf_bench_seed`; with
neither it stops with an error.

It changes nothing in that database: `watch.stats.compute_day(day=..., dry_run=True)` runs every statement
of the real computation (the leaves from the registry, the gate log, epi, care and the alerts; the hourly
flow; the medians; the roll-up) and writes the day's rows into a temporary table with the indexes of
watch_dailystat instead of the table itself, in one transaction; nothing else is written (no StatDay).

The day is the last whole day of the gate log (or --day). The computation runs `--runs` times (the first
one reads the tables from the disk or the page cache); the figure is the median wall time. Beside it:
PostgreSQL's CPU seconds for the same computation (user + system of the server process serving this
connection, read from /proc; the computation runs without parallel workers, so that process does all the
work), the rows written, and the slowest statements.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchdb import require_database_url  # bench/benchdb.py (this folder is on sys.path)
from seeded import PASSAGES, find_seeded_city  # bench/seeded.py

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 60.0


def log(msg: str) -> None:
    print(f"[stats {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def choose_database(url: str) -> tuple[str, str]:
    found = find_seeded_city(url, PASSAGES)
    if found:
        return found
    raise SystemExit(
        "bench_stats needs a seeded city with passages: neither DATABASE_URL nor its sibling database "
        "lf_bench_seed has any. Seed one first (make bench BENCH=seed), then run this again."
    )


def backend_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a PostgreSQL server process (None when /proc does not show it)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class StatementClock:
    """Django's execute_wrapper: the wall time of each statement, by its first words."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = " ".join(sql.split())[:90]
            self.times[key] = self.times.get(key, 0.0) + time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--day", default="", help="YYYY-MM-DD (default: the last whole day of the gate log)")
    args = parser.parse_args()
    url, source = choose_database(require_database_url("stats"))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Max
    from django.utils import timezone

    from lianfang.access.models import Passage
    from lianfang.watch.stats import compute_day, day_bounds

    if args.day:
        day = datetime.date.fromisoformat(args.day)
    else:
        last = Passage.objects.aggregate(m=Max("server_time"))["m"]
        day = timezone.localtime(last).date() - datetime.timedelta(days=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
        cursor.execute("SELECT COUNT(*) FROM access_passage WHERE server_time >= %s AND server_time < %s",
                       [*day_bounds(day)])  # fmt: skip
        passages = int(cursor.fetchone()[0])
    log(f"{source}: day {day}, {passages} passages that day")
    load = os.getloadavg()[0]
    walls: list[float] = []
    cpus: list[float] = []
    rows = 0
    clock = StatementClock()
    for n in range(args.runs):
        cpu_before = backend_cpu(pid)
        began = time.perf_counter()
        with connection.execute_wrapper(clock):
            rows = compute_day(day=day, dry_run=True)
        wall = time.perf_counter() - began
        cpu_after = backend_cpu(pid)
        walls.append(wall)
        if cpu_before is not None and cpu_after is not None:
            cpus.append(cpu_after - cpu_before)
        cpu_text = f"{cpus[-1]:.2f} s" if cpus else "not readable"
        log(f"run {n + 1}: {wall:.2f} s, {rows} rows, PostgreSQL CPU {cpu_text}")
    wall = statistics.median(walls)
    cpu = statistics.median(cpus) if cpus else None
    slowest = sorted(clock.times.items(), key=lambda kv: -kv[1])[:5]
    for sql, seconds in slowest:
        log(f"{seconds / args.runs:6.2f} s per run  {sql}")
    note = (
        f"{source}, day {day} ({passages} passages): median of {args.runs} dry runs "
        f"({', '.join(f'{w:.1f}' for w in walls)} s), {rows} rows, machine load {load:.1f} at the start; "
        "PostgreSQL CPU "
        + (f"{cpu:.1f} s" if cpu is not None else "not readable")
        + "; slowest: "
        + "; ".join(f"{sql[:40]}… {seconds / args.runs:.1f} s" for sql, seconds in slowest[:3])
    )
    result = {
        "daily_stats_city_s": {
            "value": round(wall, 2),
            "unit": "s",
            "note": note,
            "goal": f"< {GOAL_S:.0f} s",
        },
    }
    if cpu is not None:
        result["daily_stats_city_pg_cpu_s"] = {
            "value": round(cpu, 2),
            "unit": "s",
            "note": "CPU seconds of the PostgreSQL server process for the same computation (from /proc)",
        }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"daily_stats_city_s = {wall:.2f} s (goal < {GOAL_S:.0f} s)")


if __name__ == "__main__":
    main()
