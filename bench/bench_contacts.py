"""Contact candidates of a case on the seeded city (16 million passages): p50 over 50 cases, ratio to SQL.

    DATABASE_URL=postgres://... python bench/bench_contacts.py --out bench/out/contacts.json

Needs the city seeded by bench_seed with its gate log (`seed_demo --scale city --passage-days 14`): the
database of DATABASE_URL if it has passages, else the sibling database `lf_bench_seed` (bench/run.py
runs seed before contacts). Without one it stops with a clear message and a non-zero exit status.

In one transaction that is rolled back at the end, it registers 50 confirmed cases on random residents
whose household has passages (onset 2-9 days before the end of the log, isolated 0-3 days later); on every
other case the nearest gate candidate is confirmed and the next one dismissed (so decisions and secondary
contacts are part of the answer). Then it times, for each case and in alternation, the two sides below on
the same connection, sent the same way (Django's cursor) under the same settings — JIT included:
lianfang/settings.py turns it off for the app's connections. A first pass warms both up and compares their
answers; then `--rounds` timed passes.

- `lianfang.epi.contacts.candidates(case, user=commander)`, the whole service as a page or the API calls
  it: the user's scope compiled into the statement, then (PostgreSQL) ONE statement that reads the case
  within that scope, its policy and infectious period, and finds household, unit, gate co-presence per
  person, decisions and secondary contacts; then the Python objects of the answer (a Candidate per
  person, a Reason per co-present passage with its translated text), scored and ranked.
- `SQL` below, by hand, ONE statement computing the same answer: household and unit members, the gate
  co-presence grouped per person (encounters with gate name, time and distance, nearest first), name,
  household label, decision, secondary contacts, decided people no longer found (scored from their stored
  reasons), ranked the same way. Its inputs (case, person, household, unit, infectious period, window)
  are computed beforehand, untimed: it does no scope check, reads no policy, builds no objects and no
  texts.

Both answers must agree for every case — the same people in the same order, with the same number of gate
encounters, the same nearest distance and the same decision — or the benchmark fails.
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

from benchdb import require_database_url  # bench/benchdb.py (this folder is on sys.path)
from seeded import PASSAGES, find_seeded_city  # bench/seeded.py

ROOT = Path(__file__).resolve().parent.parent

# The same answer as lianfang.epi.contacts.candidates(), written by hand for PostgreSQL, in one statement:
# the case's household and unit (same_unit_contacts), the other households' passages at the same gate within
# ±window of the case household's passages in the infectious period (access_passage_hh_time, then one
# access_passage_gate_time range scan per case passage), the people they name (a household pass: its
# household's members; a personal pass: its holder), grouped per person (encounters with their gate,
# time and distance, nearest first), the decisions and the secondary contacts (members of confirmed close
# contacts' households), with name and household label, ranked as candidates() ranks them (household,
# unit + encounters, gate + encounters, secondary, nearest first, label, id).
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
           MIN(ABS(EXTRACT(EPOCH FROM o.server_time - c.server_time)))::float8 AS seconds
    FROM c
    JOIN access_passage o
      ON o.gate_id = c.gate_id
     AND o.server_time BETWEEN c.server_time - make_interval(mins => %(window)s)
                           AND c.server_time + make_interval(mins => %(window)s)
    LEFT JOIN access_pass op ON op.id = o.pass_id
    WHERE o.decision IN ('allowed', 'referred')
      AND o.household_id IS NOT NULL AND o.household_id <> %(household)s
    GROUP BY o.id, op.resident_id
), named AS (
    SELECT r.id AS rid, e.gate_id, e.server_time, e.seconds
    FROM e JOIN people_resident r ON r.household_id = e.household_id
    WHERE e.person IS NULL AND r.id <> %(person)s
    UNION ALL
    SELECT r.id, e.gate_id, e.server_time, e.seconds
    FROM e JOIN people_resident r ON r.id = e.person
    WHERE r.id <> %(person)s AND r.household_id IS DISTINCT FROM %(household)s
), gate AS (
    SELECT n.rid, count(*) AS encounters, min(n.seconds) AS closest,
           array_agg(gt.name ORDER BY n.seconds, n.server_time) AS gates,
           array_agg(n.server_time ORDER BY n.seconds, n.server_time) AS times,
           array_agg(n.seconds ORDER BY n.seconds, n.server_time) AS seconds
    FROM named n JOIN (SELECT id, name FROM places_gate WHERE id IN (SELECT gate_id FROM c)) gt
      ON gt.id = n.gate_id
    GROUP BY n.rid
), near AS (
    SELECT r.id AS rid, r.household_id = %(household)s AS same_household
    FROM people_resident r JOIN places_household h ON h.id = r.household_id
    WHERE (h.id = %(household)s OR (%(same_unit)s AND h.unit_id = %(unit)s)) AND r.id <> %(person)s
), decided AS (
    SELECT d.resident_id AS rid, d.id, d.status, d.degree, d.reasons, v.resident_id AS via
    FROM epi_contact d LEFT JOIN epi_contact v ON v.id = d.via_id
    WHERE d.case_id = %(case)s
), secondary AS (
    SELECT DISTINCT ON (r.id) r.id AS rid, m.id AS via, m.name AS via_name
    FROM decided x
    JOIN people_resident m ON m.id = x.rid
    JOIN people_resident r ON r.household_id = m.household_id AND r.id <> %(person)s
    WHERE x.status = 'confirmed' AND x.degree = 1
    ORDER BY r.id, m.id
), found AS (
    SELECT coalesce(near.rid, gate.rid, secondary.rid, decided.rid) AS rid, near.same_household,
           near.rid IS NOT NULL AS near, gate.encounters, gate.closest, gate.gates, gate.times,
           gate.seconds, secondary.via AS secondary_via, secondary.via_name, decided.id AS contact_id,
           decided.status, decided.degree, decided.reasons, decided.via
    FROM near
    FULL JOIN gate ON gate.rid = near.rid
    FULL JOIN secondary ON secondary.rid = coalesce(near.rid, gate.rid)
    FULL JOIN decided ON decided.rid = coalesce(near.rid, gate.rid, secondary.rid)
), ranked AS (
    SELECT r.id, r.name, concat_ws(' ', co.name, h.label) AS label, f.encounters, f.closest, f.gates,
           f.times, f.seconds, f.status, f.contact_id, f.reasons, f.via, f.secondary_via, f.via_name,
           CASE WHEN f.same_household THEN 1000
                WHEN f.near THEN 800 + least(coalesce(f.encounters, 0), 199)
                WHEN f.encounters IS NOT NULL THEN 100 + least(f.encounters, 699)
                WHEN f.secondary_via IS NOT NULL
                 AND NOT coalesce(f.status = 'confirmed' AND f.degree = 1, false) THEN 50
                ELSE (  -- decided, no longer found: its stored reasons
                    SELECT CASE WHEN bool_or(x->>'kind' = 'household') THEN 1000
                                WHEN bool_or(x->>'kind' = 'unit')
                                THEN 800 + least(count(*) FILTER (WHERE x->>'kind' = 'gate'), 199)
                                WHEN bool_or(x->>'kind' = 'gate')
                                THEN 100 + least(count(*) FILTER (WHERE x->>'kind' = 'gate'), 699)
                                WHEN bool_or(x->>'kind' = 'secondary') THEN 50 ELSE 0 END
                    FROM jsonb_array_elements(f.reasons) x)
           END AS score
    FROM found f
    JOIN people_resident r ON r.id = f.rid
    LEFT JOIN places_household h ON h.id = r.household_id
    LEFT JOIN places_compound co ON co.id = h.compound_id
)
SELECT id, encounters, closest, status, score, name, label, gates, times, seconds, contact_id, reasons, via,
       secondary_via, via_name
FROM ranked
ORDER BY score DESC, closest NULLS LAST, label, id
"""


def choose_database(url: str) -> tuple[str, str]:
    found = find_seeded_city(url, PASSAGES)
    if found:
        return found
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


def decide_some(cases: list, user) -> None:
    """On every other case, as a health worker would have begun: the nearest gate candidate confirmed
    (their household becomes secondary candidates) and the next one dismissed."""
    from lianfang.epi import contacts
    from lianfang.epi.models import Contact, ContactStatus

    for case in cases[::2]:
        gate = [c for c in contacts.candidates(case, user=user) if c.reasons[0].kind == "gate"]
        for cand, status in zip(gate, (ContactStatus.CONFIRMED, ContactStatus.DISMISSED), strict=False):
            Contact.objects.create(
                case=case,
                resident_id=cand.resident_id,
                status=status,
                degree=1,
                reasons=[r.as_json() for r in cand.reasons],
                path=case.path,
                note="bench",
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the cases")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    url, source = choose_database(require_database_url("contacts"))
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
        decide_some(cases, commander)
        params = {}
        for case in cases:
            rules = epi_policy_for_path(case.path)
            start, end = contacts.infectious_period(case, rules)
            params[case.pk] = {
                "case": case.pk,
                "household": case.household_id,
                "unit": case.household.unit_id,
                "same_unit": rules.same_unit_contacts,
                "person": case.resident_id,
                "start": start,
                "end": end,
                "window": rules.contact_window_minutes,
            }

        def by_sql(case) -> tuple[list, float]:
            """The hand-written statement, sent as the app sends its queries (same connection, same
            settings; its parameters computed beforehand, untimed)."""
            with connection.cursor() as cursor:
                t = time.perf_counter()
                cursor.execute(SQL, params[case.pk])
                rows = cursor.fetchall()
                ms = (time.perf_counter() - t) * 1000
            return rows, ms

        def by_service(case) -> tuple[list, float]:
            t = time.perf_counter()
            ranked = contacts.candidates(case, user=commander)
            return ranked, (time.perf_counter() - t) * 1000

        def answer_of_sql(rows: list) -> list:
            return [(r[0], r[1] or 0, r[2], r[3]) for r in rows]

        def answer_of_service(ranked: list) -> list:
            return [
                (c.resident_id, sum(x.kind == "gate" for x in c.reasons),
                 None if c.closest_seconds == float("inf") else c.closest_seconds, c.decision)
                for c in ranked
            ]  # fmt: skip

        # Warm-up pass; the answers are compared here: the same people in the same order, with the same
        # number of gate encounters, the same nearest distance and the same decision.
        agree, found, gate_people, sql_rows = 0, [], [], []
        for case in cases:
            rows, _ms = by_sql(case)
            ranked, _ms = by_service(case)
            agree += answer_of_sql(rows) == answer_of_service(ranked)
            found.append(len(ranked))
            gate_people.append(sum(1 for c in ranked if any(x.kind == "gate" for x in c.reasons)))
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
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + SQL, params[slowest.pk])
            explains.append("-- hand-written SQL\n" + "\n".join(r[0] for r in cursor.fetchall()))
            cursor.execute("SHOW jit")
            jit = cursor.fetchone()[0]
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
        f"warm-up, alternating with the SQL, both on the app's connection (jit={jit}); load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    note = (
        f"{common}; p95 {p95:.1f} ms; median {statistics.median(found):.0f} candidates per case "
        f"(max {max(found)}), {statistics.median(gate_people):.0f} of them through the gate; "
        f"{queries} queries per call; the same ranked people, encounters, nearest distances and decisions "
        f"as the SQL for {agree}/{len(cases)} cases"
    )
    ratio_note = (
        f"candidates() p50 {p50:.1f} ms / hand-written SQL p50 {sql_p50:.1f} ms (SQL p95 {sql_p95:.1f} ms, "
        f"one statement giving the same ranked answer: household and unit, the case household's passages "
        f"joined to the same gate's passages within ±15 min on access_passage_hh_time and "
        f"access_passage_gate_time, the people they name grouped per person with their encounters, names, "
        f"labels, decisions and secondary contacts, its inputs computed untimed; median "
        f"{statistics.median(sql_rows):.0f} rows); {common}; every other case has a confirmed and a "
        f"dismissed contact"
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
