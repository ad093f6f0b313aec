"""Contact candidates of a case on the seeded city (16 million passages): p50 over 50 cases, ratio to SQL.

    DATABASE_URL=postgres://... python bench/bench_contacts.py --out bench/out/contacts.json

Needs the city seeded by bench_seed with its gate log (`seed_demo --scale city --passage-days 14`): the
database of DATABASE_URL if it has passages, else the sibling database `lf_bench_seed` (bench/run.py
runs seed before contacts). Without one it stops with a clear message and a non-zero exit status.

In one transaction that is rolled back at the end, it registers 50 confirmed cases on random residents
whose household has passages (onset 2-9 days before the end of the log, isolated 0-3 days later), then
times, for each case and in alternation, `lianfang.epi.contacts.candidates(case, user=commander)` (the
whole answer: the case read, the policy, household and unit, gate co-presence with the people found,
decisions) and one hand-written SQL statement computing the same gate co-presence (the case household's
passages in the infectious period joined to the passages of the same gate within ±15 minutes, on the
same two indexes, joined to the people they name). A first pass warms both up; then `--rounds` timed
passes. The two answers are compared: the residents with a gate reason must be the SQL's residents.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The same co-presence as lianfang.epi.contacts, written by hand for PostgreSQL.
SQL = """
WITH c AS (
    SELECT p.gate_id, p.server_time
    FROM access_passage p
    LEFT JOIN access_pass cp ON cp.id = p.pass_id
    WHERE p.household_id = %(household)s
      AND p.server_time >= %(start)s AND p.server_time < %(end)s
      AND p.decision IN ('allowed', 'referred')
      AND (cp.resident_id IS NULL OR cp.resident_id = %(person)s)
), e AS (
    SELECT o.id, o.household_id, op.resident_id AS person, o.gate_id, o.server_time,
           MIN(ABS(EXTRACT(EPOCH FROM o.server_time - c.server_time))) AS seconds
    FROM c
    JOIN access_passage o
      ON o.gate_id = c.gate_id
     AND o.server_time BETWEEN c.server_time - make_interval(mins => %(window)s)
                           AND c.server_time + make_interval(mins => %(window)s)
    LEFT JOIN access_pass op ON op.id = o.pass_id
    WHERE o.decision IN ('allowed', 'referred')
      AND o.household_id IS NOT NULL AND o.household_id <> %(household)s
    GROUP BY o.id, o.household_id, op.resident_id, o.gate_id, o.server_time
)
SELECT r.id, r.name, h.label, e.gate_id, e.server_time, e.seconds
FROM e
JOIN people_resident r ON r.household_id = e.household_id
JOIN places_household h ON h.id = r.household_id
WHERE e.person IS NULL AND r.id <> %(person)s
UNION ALL
SELECT r.id, r.name, h.label, e.gate_id, e.server_time, e.seconds
FROM e
JOIN people_resident r ON r.id = e.person
LEFT JOIN places_household h ON h.id = r.household_id
WHERE r.id <> %(person)s AND r.household_id IS DISTINCT FROM %(household)s
ORDER BY 6, 1
"""


def passages_in(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=5) as conn:
            row = conn.execute("SELECT EXISTS (SELECT 1 FROM access_passage)").fetchone()
            return int(bool(row and row[0]))
    except Exception:
        return 0


def choose_database(url: str) -> tuple[str, str]:
    if passages_in(url):
        return url, "the given database"
    sibling = url.rsplit("/", 1)[0] + "/lf_bench_seed"
    if sibling != url and passages_in(sibling):
        return sibling, "the city seeded by bench_seed (lf_bench_seed)"
    raise SystemExit(
        "bench_contacts: no seeded city with a gate log, neither in DATABASE_URL's database nor in "
        "lf_bench_seed. Run bench_seed first (python bench/run.py --only seed,contacts) or "
        "manage.py seed_demo --scale city --passage-days 14 on that database."
    )


def pct(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def make_cases(n: int, rng: random.Random) -> list:
    """n confirmed cases on residents of random households that have passages (one per household)."""
    from django.db import connection
    from django.utils import timezone

    from lianfang.epi.models import Case, CaseSource, CaseStatus
    from lianfang.people.models import Resident

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id), max(server_time) FROM access_passage")
        lo, hi, last = cursor.fetchone()
    last_day = timezone.localtime(last).date()
    households: list[int] = []
    while len(households) < n:
        ids = [rng.randint(lo, hi) for _ in range(n * 4)]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT household_id FROM access_passage"
                " WHERE id = ANY(%s) AND household_id IS NOT NULL",
                [ids],
            )
            for (hid,) in cursor.fetchall():
                if hid not in households and len(households) < n:
                    households.append(hid)
    cases = []
    for hid in households:
        person = Resident.objects.filter(household_id=hid).exclude(cases__isnull=False).order_by("id").first()
        if person is None:
            continue
        onset = last_day - datetime.timedelta(days=rng.randint(2, 9))
        isolation = min(last_day, onset + datetime.timedelta(days=rng.randint(0, 3)))
        cases.append(
            Case.objects.create(
                resident=person,
                household_id=hid,
                status=CaseStatus.CONFIRMED,
                source=CaseSource.HOSPITAL,
                onset_date=onset,
                report_date=isolation,
                isolation_date=isolation,
                path=person.path,
                grid_id=person.grid_id,
            )
        )
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the cases")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must point at a PostgreSQL database (bench/pg.sh start)")
    url, source = choose_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from lianfang.accounts.models import User
    from lianfang.epi import contacts
    from lianfang.epi.policy import epi_policy_for_path

    translation.activate("zh-hans")
    rng = random.Random(args.seed)
    commander = User.objects.get(username="commander")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'access_passage'")
        passages = int(cursor.fetchone()[0])

    with transaction.atomic():
        cases = make_cases(args.cases, rng)
        params = {}
        for case in cases:
            rules = epi_policy_for_path(case.path)
            start, end = contacts.infectious_period(case, rules)
            params[case.pk] = {
                "household": case.household_id,
                "person": case.resident_id,
                "start": start,
                "end": end,
                "window": rules.contact_window_minutes,
            }

        def by_sql(case) -> tuple[list, float]:
            """The hand-written statement at its best: JIT off around it (untimed). With JIT on, the
            planner's overestimate of the range join makes PostgreSQL compile it (~190 ms here), which
            would flatter the ratio; candidates() runs with the server's defaults, as the app does."""
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")
                t = time.perf_counter()
                cursor.execute(SQL, params[case.pk])
                rows = cursor.fetchall()
                ms = (time.perf_counter() - t) * 1000
                cursor.execute("RESET jit")
            return rows, ms

        def by_service(case) -> tuple[list, float]:
            t = time.perf_counter()
            ranked = contacts.candidates(case, user=commander)
            return ranked, (time.perf_counter() - t) * 1000

        # Warm-up pass; the answers are compared here.
        agree, found, gate_people, sql_rows = 0, [], [], []
        for case in cases:
            rows, _ms = by_sql(case)
            ranked, _ms = by_service(case)
            sql_people = {r[0] for r in rows}
            gate = {c.resident_id for c in ranked if any(x.kind == "gate" for x in c.reasons)}
            agree += sql_people == gate
            found.append(len(ranked))
            gate_people.append(len(gate))
            sql_rows.append(len(rows))

        service_ms: list[float] = []
        sql_ms: list[float] = []
        for rnd in range(args.rounds):
            order = cases[:] if rnd % 2 == 0 else cases[::-1]
            for i, case in enumerate(order):
                pair = ((by_service, service_ms), (by_sql, sql_ms))
                for fn, into in pair if i % 2 == 0 else pair[::-1]:
                    into.append(fn(case)[1])

        # The plan of the slowest case's queries, for docs and regressions.
        slowest = max(cases, key=lambda c: len(by_sql(c)[0]))
        with CaptureQueriesContext(connection) as ctx:
            by_service(slowest)
        explains = []
        for q in sorted(ctx.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:2]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                explains.append(q["sql"] + "\n" + "\n".join(r[0] for r in cursor.fetchall()))
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + SQL, params[slowest.pk])
            explains.append("-- hand-written SQL\n" + "\n".join(r[0] for r in cursor.fetchall()))
        queries = len(ctx.captured_queries)
        transaction.set_rollback(True)

    p50, p95 = statistics.median(service_ms), pct(service_ms, 95)
    sql_p50, sql_p95 = statistics.median(sql_ms), pct(sql_ms, 95)
    ratio = p50 / sql_p50 if sql_p50 else 0.0
    out_dir = Path(args.out).parent
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "contacts_explain.txt").write_text("\n\n".join(explains) + "\n", encoding="utf-8")
    common = (
        f"{len(cases)} confirmed cases on random households with passages, {passages:,} passages "
        f"({source}); infectious periods of 3-7 days, window ±15 min; {args.rounds} timed passes after a "
        f"warm-up, alternating with the SQL; load average {os.getloadavg()[0]:.1f}"
    )
    note = (
        f"{common}; p95 {p95:.1f} ms; median {statistics.median(found):.0f} candidates per case "
        f"(max {max(found)}), {statistics.median(gate_people):.0f} of them through the gate; "
        f"{queries} queries per call; gate contacts equal to the SQL's for {agree}/{len(cases)} cases"
    )
    ratio_note = (
        f"candidates() p50 {p50:.1f} ms / hand-written SQL p50 {sql_p50:.1f} ms (SQL p95 {sql_p95:.1f} ms, "
        f"timed with JIT off, its best; "
        f"one statement: the case household's passages joined to the same gate's passages within ±15 min on "
        f"access_passage_hh_time and access_passage_gate_time, then to the people; median "
        f"{statistics.median(sql_rows):.0f} rows); {common}"
    )
    metrics = {
        "contacts_p50_ms": {"value": round(p50, 1), "unit": "ms", "note": note, "goal": "< 200"},
        "contacts_vs_sql_ratio": {
            "value": round(ratio, 2),
            "unit": "x",
            "note": ratio_note,
            "goal": "<= 1.5",
        },
    }
    Path(args.out).write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(metrics, ensure_ascii=False, indent=2))
    if agree != len(cases):
        raise SystemExit(f"bench_contacts: candidates() and the SQL disagree on {len(cases) - agree} case(s)")


if __name__ == "__main__":
    main()
