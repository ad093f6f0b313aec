"""Resident search over a 3,000,000-resident city: p95 latency as the commander and as community staff.

    DATABASE_URL=postgres://... python bench/bench_search.py --out bench/out/search.json

Needs a seeded city. When the database of DATABASE_URL has no residents, the city seeded by
bench_seed in the sibling database `lf_bench_seed` is used if it exists (bench/run.py runs seed
before search); otherwise the city is seeded here first (`seed_demo --scale city`, several minutes).

Six kinds of query, about 200 of each per user, made from real residents of the user's scope:
surname + first given character (王建), pinyin initials (wjg), full pinyin prefix (wangjian),
last four of the phone, last four of the ID number, and an address (3栋2单元401). Each query runs
`lianfang.people.search.search_residents(user, q)` and materialises the result list (limit 50).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchdb import require_database_url  # bench/benchdb.py (this folder is on sys.path)
from seeded import find_seeded_city  # bench/seeded.py

ROOT = Path(__file__).resolve().parent.parent
KINDS = ["name", "initials", "pinyin", "phone4", "id4", "address"]


def choose_database(url: str, scale: str) -> tuple[str, str]:
    found = find_seeded_city(url)
    if found:
        return found
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [sys.executable, "manage.py", "seed_demo", "--scale", scale, "-v", "0"], cwd=ROOT, env=env, check=True
    )
    return url, f"a {scale} city seeded here"


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def queries_for(resident, kind: str) -> str | None:
    if kind == "name":
        return resident.name[:2]
    if kind == "initials":
        return resident.name_initials or None
    if kind == "pinyin":
        py = resident.name_pinyin
        return py[: max(4, len(py) - 2)] if py else None
    if kind == "phone4":
        return resident.phone_last4 or None
    if kind == "id4":
        return resident.id_last4 or None
    if kind == "address":
        return resident.household.label if resident.household_id else None
    raise ValueError(kind)


def sample_residents(user, n: int, rng: random.Random) -> list:
    from lianfang.people.models import Resident

    visible = Resident.objects.visible_to(user)
    if user.role == "command":
        lo, hi = (
            Resident.objects.order_by("id").values_list("id", flat=True)[0],
            Resident.objects.order_by("-id").values_list("id", flat=True)[0],
        )
        ids = rng.sample(range(lo, hi + 1), min(n * 2, hi - lo + 1))
    else:
        all_ids = list(visible.values_list("id", flat=True))
        ids = rng.sample(all_ids, min(n, len(all_ids)))
    return list(visible.filter(id__in=ids).select_related("household")[:n])


def explain(user, q: str) -> str:
    from django.db import connection

    from lianfang.people.search import search_residents

    qs = search_residents(user, q)
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(r[0] for r in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--per-kind", type=int, default=200)
    parser.add_argument("--scale", default="city", help="what to seed when there is no city yet")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    url, source = choose_database(require_database_url("search"), args.scale)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from lianfang.accounts.models import User
    from lianfang.people.models import Resident
    from lianfang.people.search import search_residents

    rng = random.Random(args.seed)
    total = Resident.objects.count()
    users = {"commander": User.objects.get(username="commander"), "staff": User.objects.get(username="staff")}
    timings: dict[tuple[str, str], list[float]] = {}
    hits: dict[tuple[str, str], int] = {}
    slowest: dict[tuple[str, str], tuple[float, str]] = {}
    for uname, user in users.items():
        people = sample_residents(user, args.per_kind, rng)
        for kind in KINDS:
            qs = [q for r in people if (q := queries_for(r, kind))]
            for q in qs[:10]:  # warm up
                list(search_residents(user, q))
            times = []
            found = 0
            for q in qs:
                t = time.perf_counter()
                rows = list(search_residents(user, q))
                ms = (time.perf_counter() - t) * 1000
                times.append(ms)
                found += bool(rows)
                if ms > slowest.get((uname, kind), (0.0, ""))[0]:
                    slowest[(uname, kind)] = (ms, q)
            timings[(uname, kind)] = times
            hits[(uname, kind)] = found
            print(
                f"{uname:9} {kind:8} n={len(times):3} found={found:3} "
                f"median={statistics.median(times):6.1f} ms "
                f"p95={p95(times):6.1f} ms max={max(times):6.1f} ms ({slowest[(uname, kind)][1]})",
                flush=True,
            )
    everything = [t for ts in timings.values() for t in ts]
    overall = p95(everything)
    per_kind = {k: p95([t for (u, kk), ts in timings.items() if kk == k for t in ts]) for k in KINDS}
    explains = []
    for (uname, kind), times in timings.items():
        if p95(times) > 50:
            text = explain(users[uname], slowest[(uname, kind)][1])
            explains.append(f"-- {uname} {kind} {slowest[(uname, kind)][1]}\n{text}\n")
    if explains:
        out_dir = Path(args.out).parent
        (out_dir / "search_explain.txt").write_text("\n".join(explains), encoding="utf-8")
        print("\n".join(explains))
    note = (
        f"{len(everything)} searches over {total:,} residents ({source}), as commander (whole city) and "
        f"community staff; p95 by kind: "
        + ", ".join(f"{k} {v:.1f}" for k, v in per_kind.items())
        + f" ms; median {statistics.median(everything):.1f} ms; result list materialised (limit 50)"
    )
    metrics = {"search_p95_ms": {"value": round(overall, 1), "unit": "ms", "note": note, "goal": "< 100"}}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(metrics, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
