"""Sealing a 1,000-household compound (about 2,500 residents): apply_lockdown wall time, and lifting it.

    DATABASE_URL=postgres://... python bench/bench_lockdown.py --out lockdown.json [--rounds 3]

Builds its own compound on the (fresh, migrated) database: 20 buildings x 5 units x 10 households, with
2 or 3 residents each alternately (2,500 residents), plus a neighbouring compound of 200 households that
the lockdown must leave alone. Then, per round: `preview_lockdown`, `apply_lockdown` of the compound
(one home quarantine and one start record per resident, holds recomputed, one transaction, committed)
and `lift_lockdown`, each timed as the caller sees it. The figure is the median apply time over the
rounds; each round's check: every household of the compound held until the last day, none elsewhere.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchdb import require_database_url  # bench/benchdb.py (this folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")
    import django

    django.setup()


def build(n_households: int) -> tuple[Any, Any, int]:
    """The area tree, a health worker, the compound to seal and a neighbour; returns (user, compound,
    residents in the compound)."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from lianfang.accounts.models import User
    from lianfang.core.roles import Role
    from lianfang.people.models import Resident
    from lianfang.places.models import Area, AreaLevel, Building, Compound, Household, Unit

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        city = Area.objects.create(code="349900", name="基准市", level=AreaLevel.CITY, path="349900.")
        district = Area.objects.create(
            code="349901", name="基准区", level=AreaLevel.DISTRICT, parent=city, path="349900.349901."
        )
        street = Area.objects.create(
            code="349901001000",
            name="基准街道",
            level=AreaLevel.STREET,
            parent=district,
            path=district.path + "349901001000.",
        )
        community = Area.objects.create(
            code="349901001001",
            name="基准社区",
            level=AreaLevel.COMMUNITY,
            parent=street,
            path=street.path + "349901001001.",
        )
        user = User.objects.create_user(
            username="health_bench", password="x-Bench-2026", role=Role.HEALTH, area=community, name="health"
        )
        path = community.path
        target = Compound.objects.create(community=community, name="阳光国际城西区", path=path)
        neighbour = Compound.objects.create(community=community, name="春晖园", path=path)
        in_target = 0
        for compound, count in ((target, n_households), (neighbour, 200)):
            units_per_building, per_unit = 5, 10
            n_buildings = -(-count // (units_per_building * per_unit))
            buildings = Building.objects.bulk_create(
                [Building(compound=compound, number=str(b + 1), path=path) for b in range(n_buildings)]
            )
            units = Unit.objects.bulk_create(
                [
                    Unit(building=b, number=str(u + 1), path=path)
                    for b in buildings
                    for u in range(units_per_building)
                ]
            )
            households: list[Any] = []
            for unit in units:
                for k in range(per_unit):
                    if len(households) == count:
                        break
                    room = f"{k // 2 + 1}0{k % 2 + 1}"
                    households.append(
                        Household(
                            unit=unit,
                            room=room,
                            compound=compound,
                            path=path,
                            label=Household.make_label(unit.building.number, unit.number, room),
                        )
                    )
            households = Household.objects.bulk_create(households, batch_size=2000)
            people = [
                Resident(name=f"居民{h.pk}-{i}", household=h, path=path)
                for n, h in enumerate(households)
                for i in range(2 + n % 2)
            ]
            Resident.objects.bulk_create(people, batch_size=2000)
            if compound is target:
                in_target = len(people)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return user, target, in_target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    require_database_url("lockdown")
    setup_django()
    from django.utils import timezone

    from lianfang.epi.models import Quarantine
    from lianfang.epi.services import apply_lockdown, lift_lockdown, preview_lockdown
    from lianfang.places.models import Household

    t0 = time.perf_counter()
    user, compound, residents = build(args.households)
    built_s = time.perf_counter() - t0
    print(f"built {args.households} households, {residents} residents in {built_s:.1f} s", flush=True)

    today = timezone.localdate()
    applies, lifts, previews = [], [], []
    for r in range(args.rounds):
        t = time.perf_counter()
        p = preview_lockdown(user=user, scope="compound", target_id=compound.pk, start=today, days=14)
        previews.append(time.perf_counter() - t)
        assert (p.households, p.residents) == (args.households, residents), p

        t = time.perf_counter()
        lockdown = apply_lockdown(user=user, scope="compound", target_id=compound.pk, start=today, days=14)
        applies.append(time.perf_counter() - t)

        held = Household.objects.filter(exits_held_until=lockdown.ends_on)
        assert held.filter(compound=compound).count() == args.households
        assert held.exclude(compound=compound).count() == 0
        assert Quarantine.objects.filter(lockdown=lockdown, status="active").count() == residents
        assert (lockdown.households, lockdown.residents) == (args.households, residents)

        t = time.perf_counter()
        lift_lockdown(user=user, lockdown=lockdown, reason="bench", today=today)
        lifts.append(time.perf_counter() - t)
        assert not Household.objects.filter(exits_held_until__isnull=False).exists()
        print(
            f"round {r + 1}: preview {previews[-1] * 1000:.0f} ms, apply {applies[-1]:.3f} s, "
            f"lift {lifts[-1]:.3f} s",
            flush=True,
        )

    value = round(statistics.median(applies), 3)
    note = (
        f"apply_lockdown of a compound of {args.households:,} households / {residents:,} residents on "
        f"PostgreSQL, median of {args.rounds} rounds (each: {', '.join(f'{a:.2f}' for a in applies)} s); "
        f"lift_lockdown median {statistics.median(lifts):.2f} s; preview median "
        f"{statistics.median(previews) * 1000:.0f} ms"
    )
    data = {
        "lockdown_1000_households_s": {"value": value, "unit": "s", "note": note, "goal": "< 2 s"},
    }
    Path(args.out).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(note)


if __name__ == "__main__":
    main()
