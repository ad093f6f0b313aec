"""Sixteen clerks issuing from one community store at once (movements/s, no negative balance, no deadlock),
and every balance of a city-sized stock checked against its ledger in one query.

    DATABASE_URL=postgres://... python bench/bench_supplies.py --out supplies.json [--seconds 10] \
        [--stores 600]

1. `stock_moves_per_s`: a community store holds 40 items in 3 lots each; 16 clerks, each a process with its
   own database connection and its own store-keeper account, post issues of 1 to 3 units of a random item
   (the ledger's `post_movement`: FEFO, the balances locked in the fixed order, the low-stock check) for
   `--seconds`. One item holds only 500 units, so that clerks run it out and are refused
   (`insufficient_stock`) while others still issue it. The figure is the movements written per second of
   wall time; the run fails if any clerk saw a database error (a deadlock), if a balance is below zero or
   if any balance differs from its ledger.
2. `stock_audit_city_s`: a city's stock, written straight into the tables (INSERT … SELECT from
   generate_series, through the ledger's own trigger): `--stores` community stores × 40 items × 3 lots,
   each lot received once and issued 39 times (40 movements a balance: 2.88 million movements for 600
   stores), balances summed from them. The figure is the median wall time of `ledger.audit_ledger()` (every
   balance against the sum of its movements, one query) over 3 runs; it must find nothing.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchdb import require_database_url  # bench/benchdb.py (this folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CLERKS = 16
ITEMS = 40
LOTS = 3
MOVES_PER_BALANCE = 40


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")
    import django

    django.setup()


def build(stores: int) -> dict[str, Any]:
    """The area tree (a city, one district, `stores` communities), 40 items with 3 lots each, a store per
    community, 16 store keepers of the first community."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from lianfang.accounts.models import User
    from lianfang.core.roles import Role
    from lianfang.places.models import Area, AreaLevel
    from lianfang.supplies.ledger import Line, find_lot, post_movements
    from lianfang.supplies.models import Item, ItemCategory, Location, LocationKind, MovementKind, Threshold

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:  # a rerun on the same database starts from nothing
        cursor.execute(
            "TRUNCATE supplies_movement, supplies_balance, supplies_threshold, supplies_lot, "
            "supplies_location, supplies_item CASCADE"
        )
    User.objects.filter(username__startswith="clerk_bench_").delete()
    for level in (AreaLevel.COMMUNITY, AreaLevel.DISTRICT, AreaLevel.CITY):
        Area.objects.filter(code__startswith="3499", level=level).delete()
    with transaction.atomic():
        city = Area.objects.create(code="349900", name="基准市", level=AreaLevel.CITY, path="349900.")
        district = Area.objects.create(
            code="349901", name="基准区", level=AreaLevel.DISTRICT, parent=city, path="349900.349901."
        )
        communities = Area.objects.bulk_create(
            Area(
                code=f"3499010{n:05d}",
                name=f"基准社区{n}",
                level=AreaLevel.COMMUNITY,
                parent=district,
                path=f"{district.path}3499010{n:05d}.",
            )
            for n in range(stores)
        )
        Location.objects.bulk_create(
            Location(name=f"{a.name}物资站", kind=LocationKind.COMMUNITY_STORE, area=a, path=a.path)
            for a in communities
        )
        items = Item.objects.bulk_create(
            Item(name=f"物资{n:02d}", unit="件", category=ItemCategory.OTHER) for n in range(ITEMS)
        )
        for item in items:
            for lot in range(LOTS):
                find_lot(item=item, code=f"L{lot}")
        clerks = [
            User.objects.create_user(
                username=f"clerk_bench_{n}", password="x-Bench-2026", role=Role.COMMUNITY, area=communities[0]
            )
            for n in range(CLERKS)
        ]
    store = Location.objects.get(area=communities[0])
    for t, item in enumerate(items):
        Threshold.objects.create(location=store, item=item, minimum=100 if t % 2 else 0)
        for lot in item.lots.all():
            post_movements(
                user=clerks[0],
                lines=[
                    Line(
                        kind=MovementKind.RECEIVE,
                        location=store,
                        item=item,
                        lot=lot,
                        quantity=500 // LOTS if t == 0 else 1_000_000,
                    )
                ],
            )
    return {"store": store.pk, "items": [i.pk for i in items], "clerks": [c.pk for c in clerks]}


def backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a PostgreSQL backend on this machine, from /proc (0 when unreadable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def clerk(
    user_id: int, store_id: int, item_ids: list[int], seconds: float, seed: int, ready: Any, go: Any, out: Any
) -> None:
    """One clerk process: set Django up, say ready, wait for the start, then issue for `seconds`; put what
    was written and what was refused on `out`."""
    setup_django()
    from django.db import DatabaseError, connection

    from lianfang.accounts.models import User
    from lianfang.core.errors import DomainError
    from lianfang.supplies.ledger import post_movement
    from lianfang.supplies.models import IssueTo, MovementKind

    user = User.objects.get(pk=user_id)
    user.scope_path  # noqa: B018  (its area read now, not in the first posting)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    rng = random.Random(seed)
    written = refused = 0
    errors: list[str] = []
    ready.put(1)
    go.wait()
    cpu, server = time.process_time(), backend_cpu(backend)
    until = time.time() + seconds
    while time.time() < until:
        item = item_ids[0] if rng.random() < 0.2 else rng.choice(item_ids)
        try:
            written += len(
                post_movement(
                    user=user,
                    kind=MovementKind.ISSUE,
                    location=store_id,
                    item=item,
                    quantity=rng.randint(1, 3),
                    issued_to=IssueTo.OTHER,
                )
            )
        except DomainError as err:
            refused += 1
            if err.code != "insufficient_stock":
                errors.append(err.code)
        except DatabaseError as err:
            errors.append(str(err).splitlines()[0])
    cpu, server = time.process_time() - cpu, backend_cpu(backend) - server
    connection.close()
    out.put({"written": written, "refused": refused, "errors": errors, "cpu": cpu, "server": server})


def run_clerks(world: dict[str, Any], seconds: float) -> dict[str, Any]:
    from django.db import connection

    from lianfang.supplies.ledger import audit_ledger
    from lianfang.supplies.models import Balance

    connection.close()
    ctx = mp.get_context("spawn")
    ready, out, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [
        ctx.Process(target=clerk, args=(uid, world["store"], world["items"], seconds, n, ready, go, out))
        for n, uid in enumerate(world["clerks"])
    ]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=300)
    started = time.perf_counter()
    go.set()
    results = [out.get(timeout=seconds + 300) for _ in procs]
    wall = time.perf_counter() - started
    for p in procs:
        p.join(30)
    written = sum(r["written"] for r in results)
    errors = [e for r in results for e in r["errors"]]
    lowest = min(Balance.objects.values_list("quantity", flat=True))
    mismatched = audit_ledger()
    return {
        "written": written,
        "refused": sum(r["refused"] for r in results),
        "errors": errors,
        "lowest": lowest,
        "mismatched": len(mismatched),
        "per_s": written / wall,
        "client_ms": 1000 * sum(r["cpu"] for r in results) / max(written, 1),
        "server_ms": 1000 * sum(r["server"] for r in results) / max(written, 1),
        "load": os.getloadavg()[0],
    }


CITY_SQL = """
INSERT INTO supplies_movement (kind, location_id, item_id, lot_id, quantity, direction, at, effective_day,
                               reason, issued_to, reference, path)
SELECT CASE WHEN m = 0 THEN 'receive' ELSE 'issue' END, l.id, lot.item_id, lot.id,
       CASE WHEN m = 0 THEN 1000 ELSE 1 + (l.id * 7 + lot.id * 13 + m) %% 20 END,
       CASE WHEN m = 0 THEN 1 ELSE -1 END, now(), (now() AT TIME ZONE 'Asia/Shanghai')::date,
       '', '', '', l.path
FROM supplies_location l CROSS JOIN supplies_lot lot CROSS JOIN generate_series(0, %s) m
"""
BALANCE_SQL = """
INSERT INTO supplies_balance (location_id, item_id, lot_id, quantity)
SELECT location_id, item_id, lot_id, sum(direction * quantity) FROM supplies_movement
GROUP BY location_id, item_id, lot_id
ON CONFLICT (location_id, item_id, lot_id) DO UPDATE SET quantity = EXCLUDED.quantity
"""


def build_city() -> tuple[int, float]:
    """Write the city's ledger and balances; (movements, seconds taken)."""
    from django.db import connection

    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE supplies_movement, supplies_balance CASCADE")
        cursor.execute(CITY_SQL, [MOVES_PER_BALANCE - 1])
        cursor.execute(BALANCE_SQL)
        cursor.execute("VACUUM (ANALYZE) supplies_movement")
        cursor.execute("VACUUM (ANALYZE) supplies_balance")
        cursor.execute("SELECT count(*) FROM supplies_movement")
        (count,) = cursor.fetchone()
    return int(count), time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--stores", type=int, default=600)
    args = parser.parse_args()
    require_database_url("supplies")
    setup_django()
    from django.db import connection

    from lianfang.supplies.ledger import audit_ledger

    world = build(args.stores)
    clerks = run_clerks(world, args.seconds)
    print(json.dumps({k: v for k, v in clerks.items() if k != "errors"}), clerks["errors"][:5], flush=True)
    if clerks["errors"] or clerks["lowest"] < 0 or clerks["mismatched"]:
        raise SystemExit(f"bench_supplies: the clerks' run went wrong: {clerks}")
    connection.close()
    movements, built = build_city()
    print(f"city ledger: {movements} movements written in {built:.1f} s", flush=True)
    times = []
    for _ in range(3):
        t = time.perf_counter()
        found = audit_ledger()
        times.append(time.perf_counter() - t)
        if found:
            raise SystemExit(f"bench_supplies: the audit found {len(found)} balances off their ledger")
    audit = statistics.median(times)
    print(f"audit: {[round(x, 2) for x in times]}", flush=True)
    result = {
        "stock_moves_per_s": {
            "value": round(clerks["per_s"], 1),
            "unit": "movements/s",
            "goal": "≥ 500",
            "note": (
                f"{CLERKS} clerk processes issuing from one store for {args.seconds:g} s: "
                f"{clerks['written']} movements, {clerks['refused']} refused as short (the item run out), "
                "no database error (no deadlock), no negative balance, every balance equal to its ledger; "
                f"CPU per movement: {clerks['client_ms']:.2f} ms in the clerks, "
                f"{clerks['server_ms']:.2f} ms in PostgreSQL; "
                f"load average {clerks['load']:.1f} on {os.cpu_count()} cores"
            ),
        },
        "stock_audit_city_s": {
            "value": round(audit, 2),
            "unit": "s",
            "goal": "< 5",
            "note": (
                f"every balance against its ledger, one query: {args.stores} stores × {ITEMS} items × {LOTS} "
                f"lots, {movements:,} movements; median of 3"
            ),
        },
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
