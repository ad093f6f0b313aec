"""The gate roster of the seeded city: a week of shifts for every gate, and the city's 72-hour gap view.

    DATABASE_URL=postgres://.../lf_bench_mobilize python bench/bench_mobilize.py --out out.json

DATABASE_URL is a database of the benchmark's own (migrated here); the seeded city is read, never written,
from the sibling database `lf_bench_seed`.

1. The city's areas, compounds and gates are copied from the seeded city, with their ids and paths (what the
   benchmark wrote before is removed first; the target must not hold residents).
2. Every gate gets a roster rule (three in four 3 x 8 h, the others 4 x 6 h; 1-3 people a shift), and
   `mobilize.roster.generate_shifts_sql` generates 7 days of shifts for every gate of the city in one
   statement: `roster_generate_city_s` is its time (then a second run, which adds nothing, is timed too).
3. Twenty volunteers per community, and assignments for the week (PostgreSQL's triggers count them on
   their shifts as they go in): each shift gets 0 to its number of people
   at random (about 7 in 10 places filled, one in ten of them only invited), so that the view has gaps of
   every kind.
4. The city commander's gap view (`/mobilize/gaps/`: the count of gaps per community and the first 300 gaps
   of the next 72 hours) is requested `--requests` times through Django's test client (in process, full
   middleware, after `--warmup`); `roster_gaps_city_p95_ms` is their p95. A community's view is timed the
   same way for comparison.
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
from httpget import p95  # bench/httpget.py
from seeded import (  # bench/seeded.py
    SEED_DATABASE,
    copy_tables,
    own_database_beside_seed,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VOLUNTEERS_PER_COMMUNITY = 20
WRITTEN = [  # the tables this benchmark fills in its own database, emptied at the start of each run
    "mobilize_assignment", "mobilize_shift", "mobilize_rosterrule", "mobilize_claim", "mobilize_helpcall",
    "mobilize_hoursentry", "mobilize_volunteer", "places_gate", "places_compound", "places_area",
]  # fmt: skip


def log(msg: str) -> None:
    print(f"[mobilize {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    import django

    django.setup()


def copy_places(source: str) -> dict[str, int]:
    from django.db import connection

    tables = {
        "places_area": "id, code, name, level, parent_id, path",
        "places_compound": "id, community_id, name, address, path",
        "places_gate": "id, compound_id, name, is_open, accepted_kinds, path",
    }
    with connection.cursor() as dst:
        dst.execute("DELETE FROM accounts_user WHERE username LIKE 'bench_mobilize_%%'")
        dst.execute(f"TRUNCATE {', '.join(WRITTEN)} CASCADE")
        return copy_tables(source, dst, tables)


def sql(statement: str, params: list[Any] | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.rowcount


def write_rules() -> int:
    return sql(
        """INSERT INTO mobilize_rosterrule (path, gate_id, people_per_shift, pattern, first_hour, active)
           SELECT path, id, 1 + id %% 3, CASE WHEN id %% 4 = 0 THEN '4x6' ELSE '3x8' END,
                  CASE WHEN id %% 4 = 0 THEN 0 ELSE 8 END, TRUE
           FROM places_gate"""
    )


def write_people(now: datetime.datetime) -> dict[str, int]:
    volunteers = sql(
        """INSERT INTO mobilize_volunteer (path, community_id, name, phone, id_hash, id_cipher, id_prefix,
               id_last4, kind, employer, skills, availability, address, status, reported_at, decided_at,
               decline_reason, lapses_on)
           SELECT a.path, a.id, '志愿者' || n, '139' || lpad((a.id * 100 + n)::text, 8, '0'),
                  md5(a.id || ':' || n), '', left(a.code, 6), lpad(n::text, 4, '0'), 'volunteer', '', 'gate',
                  '', '', 'active', %s, %s, '', %s
           FROM places_area a CROSS JOIN generate_series(1, %s) n WHERE a.level = 'community'""",
        [now, now, (now + datetime.timedelta(days=180)).date(), VOLUNTEERS_PER_COMMUNITY],
    )
    sql("ANALYZE mobilize_volunteer, mobilize_shift")
    assignments = sql(
        """INSERT INTO mobilize_assignment (shift_id, volunteer_id, status, is_lead, invited_at, end_reason)
           SELECT s.id, v.id, CASE WHEN random() < 0.1 THEN 'invited' ELSE 'accepted' END, FALSE, %s, ''
           FROM mobilize_shift s
           CROSS JOIN LATERAL (
               SELECT id FROM mobilize_volunteer v WHERE v.path = s.path
               ORDER BY random() LIMIT (floor(random() * (s.needed + 1.4)))::int
           ) v""",
        [now],
    )
    sql("ANALYZE mobilize_assignment")
    return {"volunteers": volunteers, "assignments": assignments}


def user(username: str, role: str, area: Any) -> Any:
    from lianfang.accounts.models import User

    return User.objects.create_user(username=username, password=None, role=role, area=area, name=username)


def time_page(client: Any, url: str, n: int, warmup: int) -> tuple[list[float], int]:
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, response.status_code
    times = []
    size = 0
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        size = len(response.content)
    return times, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    url = require_database_url("mobilize")
    source = own_database_beside_seed(url, "mobilize")
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from lianfang.core.roles import Role
    from lianfang.mobilize.roster import generate_shifts_sql
    from lianfang.places.models import Area, AreaLevel

    call_command("migrate", verbosity=0)
    now = timezone.now()
    t = time.perf_counter()
    places = copy_places(source)
    log(f"places copied from {SEED_DATABASE}: {places} in {time.perf_counter() - t:.1f} s")
    rules = write_rules()
    sql("ANALYZE mobilize_rosterrule")
    connection.close()
    t = time.perf_counter()
    shifts = generate_shifts_sql(start_day=timezone.localdate(), days=7)
    generate_s = time.perf_counter() - t
    t = time.perf_counter()
    again = generate_shifts_sql(start_day=timezone.localdate(), days=7)
    again_s = time.perf_counter() - t
    log(f"{shifts:,} shifts for {rules:,} gates in {generate_s:.2f} s (again: {again} in {again_s:.2f} s)")
    t = time.perf_counter()
    people = write_people(now)
    log(f"{people} in {time.perf_counter() - t:.0f} s")
    city = Area.objects.get(level=AreaLevel.CITY)
    community = Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("path").first()
    client = Client()
    client.force_login(user("bench_mobilize_commander", Role.COMMAND, city))
    city_times, city_size = time_page(client, "/mobilize/gaps/", args.requests, args.warmup)
    client.force_login(user("bench_mobilize_staff", Role.COMMUNITY, community))
    com_times, com_size = time_page(client, "/mobilize/gaps/", args.requests, args.warmup)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    shape = (
        f"{places['places_gate']:,} gates of {places['places_compound']:,} compounds in "
        f"{Area.objects.filter(level=AreaLevel.COMMUNITY).count():,} communities; {shifts:,} shifts over "
        f"7 days, {people['volunteers']:,} volunteers, {people['assignments']:,} assignments"
    )
    metrics = {
        "roster_generate_city_s": {
            "value": round(generate_s, 2),
            "unit": "s",
            "goal": "< 10",
            "note": (
                f"generate_shifts_sql: 7 days of shifts for every gate of the seeded city in one INSERT ... "
                f"SELECT (3 x 8 h or 4 x 6 h per rule), {shifts:,} rows; the second run adds {again} in "
                f"{again_s:.2f} s; {shape}; load average {load}"
            ),
        },
        "roster_gaps_city_p95_ms": {
            "value": round(p95(city_times), 1),
            "unit": "ms",
            "goal": "< 300",
            "note": (
                f"GET /mobilize/gaps/ as the city commander through Django's test client (in process, full "
                f"middleware), {len(city_times)} requests after {args.warmup} warm-up; p50 "
                f"{statistics.median(city_times):.1f} ms; {city_size:,} bytes; a community's view p95 "
                f"{p95(com_times):.1f} ms (p50 {statistics.median(com_times):.1f} ms, {com_size:,} bytes); "
                f"{shape}; load average {load}"
            ),
        },
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(metrics, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
