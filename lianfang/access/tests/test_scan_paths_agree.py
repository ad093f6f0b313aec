"""The gate's SQL function and its Python oracle agree, scan by scan.

Each case builds a random gate situation (pass state and kind, gate, outing policy, home quarantine,
earlier exits, token spelling, temperature, direction, a retry), then scans once through the oracle
(scan_oracle.record_scan: a read, the checks in Python, an insert) and once through `record_scan` (one call
of the SQL function access_record_scan, the only production path), each in a savepoint rolled back
afterwards, and compares the answers, the stored passages, the fever alerts and the household flags.
"""

import datetime
import random
import uuid
from decimal import Decimal

import time_machine
from django.db import transaction
from django.utils import translation

from lianfang.access import gatecache, policy
from lianfang.access.models import OutingPolicy, Pass, Passage, PassKind, PassStatus
from lianfang.access.scan import ScanInput, record_scan
from lianfang.access.tests import scan_oracle
from lianfang.access.tests.conftest import at
from lianfang.access.tokens import make_token
from lianfang.core.models import Alert
from lianfang.places.models import Gate, Household

D = datetime.date(2026, 3, 2)
CASES = 200


class _Rollback(Exception):
    pass


def _observe(record, *, gate, token, direction, temperature, now, client_id, retry_at):
    """Scan (and maybe retry) in a savepoint; return what a device and the log would see."""
    seen = {}
    try:
        with transaction.atomic():
            ctx = gatecache.for_gate(gate.pk)
            answers = []
            for when in [now] + ([retry_at] if retry_at else []):
                scan = ScanInput(
                    client_id=client_id, token=token, direction=direction, temperature=temperature
                )
                with time_machine.travel(when, tick=False):
                    r = record(gate=ctx, scan=scan)
                answers.append((r.as_dict(), r.stored))
            seen["answers"] = answers
            seen["passages"] = list(
                Passage.objects.order_by("server_time", "client_id").values(
                    "client_id",
                    "gate_id",
                    "device_id",
                    "guard_id",
                    "pass_obj_id",
                    "household_id",
                    "direction",
                    "temperature",
                    "decision",
                    "code",
                    "counted",
                    "exits_left",
                    "next_allowed",
                    "client_time",
                    "server_time",
                    "path",
                )
            )
            seen["alerts"] = list(Alert.objects.values_list("kind", "title", "household_id", "source_id"))
            seen["flags"] = list(
                Household.objects.order_by("pk").values_list("pk", "flag_reason", "flagged_at")
            )
            raise _Rollback
    except _Rollback:
        pass
    return seen


def _situation(rng, world, passes):
    """Change the world at random (inside the test's transaction) and return one scan to make. Each
    way to be refused is rare, so that most cases get far enough down the checks to reach the quota."""

    def pick(usual, *unusual, p=0.12):
        return rng.choice(unusual) if unusual and rng.random() < p else usual

    kind = pick(PassKind.HOUSEHOLD, PassKind.PERSON, PassKind.VEHICLE, PassKind.WORK, p=0.3)
    home = pick(rng.choice(["household_a1", "household_a2"]), "household_b", None)
    household = getattr(world, home) if home else None
    compound = pick(household.compound if household else None, None, world.compound_b)
    area_path = rng.choice([world.community_a.path, world.street.path, world.community_b.path])
    p = Pass.objects.create(
        kind=kind,
        household=household,
        compound=compound,
        path=compound.path if compound else area_path,
        status=pick(PassStatus.ACTIVE, PassStatus.SUSPENDED, PassStatus.REVOKED),
        version=rng.choice([1, 2]),
        valid_from=D + datetime.timedelta(days=pick(-30, 0, 1)),
        valid_to=D + datetime.timedelta(days=pick(30, 0, -1)),
    )
    token = pick(
        rng.choice([p.qr_text, p.display_number.lower()]),
        make_token(p.pk, p.version + 1),
        make_token(p.pk, 1),
        make_token(987654, 1),
        p.qr_text[:-1] + ("A" if p.qr_text[-1] != "A" else "B"),
        "hello",
        "ZZZZ-ZZZZ",
        p=0.2,
    )

    gate = pick(world.gate_a, world.compound_a.gates.get(name="西门"), p=0.05)
    Gate.objects.filter(pk=gate.pk).update(
        accepted_kinds=pick("household person vehicle work", "household person", "work", "", p=0.1)
    )
    if rng.random() < 0.6:
        OutingPolicy.objects.create(
            area=rng.choice([world.city, world.street, world.community_a]),
            exits_per_period=rng.choice([1, 1, 2, 3]),
            period_days=rng.choice([1, 2, 2, 3]),
            closed_from=rng.choice([None, datetime.time(22), datetime.time(8)]),
            closed_until=rng.choice([None, datetime.time(6), datetime.time(10)]),
            exempt_kinds=rng.choice(["work", "", "vehicle work", "household"]),
            fever_line=rng.choice([Decimal("37.3"), Decimal("37.5")]),
            temperature_required=rng.choice([True, False]),
        )
    Household.objects.filter(pk=world.household_a1.pk).update(
        exits_held_until=rng.choice(
            [None, None, D - datetime.timedelta(days=1), D, D + datetime.timedelta(days=3)]
        )
    )
    for h in (world.household_a1, world.household_a2):
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            Passage.objects.create(
                gate=world.gate_a,
                household=h,
                direction="out",
                decision="allowed",
                code="exit_allowed",
                counted=rng.random() < 0.8,
                server_time=at(D - datetime.timedelta(days=rng.choice([0, 1, 2, 3])), rng.randrange(24)),
                path=world.gate_a.path,
            )
    policy.clear_cache()
    gatecache.clear()
    now = at(D, rng.choice([0, 7, 9, 9, 12, 23]), rng.choice([0, 1, 59]))
    return dict(
        gate=gate,
        token=token,
        direction=rng.choice(["in", "out", "out"]),
        temperature=pick(36.6, 37.2, 37.3, 37.5, 38.4, None, p=0.3),
        now=now,
        client_id=uuid.uuid4(),
        retry_at=rng.choice([None, None, now + datetime.timedelta(minutes=3)]),
    )


def test_the_sql_function_and_the_python_oracle_decide_alike(world, passes):
    rng = random.Random(20261129)
    codes = set()
    with translation.override("en"):
        for case in range(CASES):
            try:
                with transaction.atomic():
                    scan = _situation(rng, world, passes)
                    python = _observe(scan_oracle.record_scan, **scan)
                    database = _observe(record_scan, **scan)
                    assert database == python, f"case {case}: {scan}"
                    codes.update(a["code"] for a, _stored in python["answers"])
                    raise _Rollback
            except _Rollback:
                pass
    # The random cases reach every decision the gate makes for a pass.
    assert codes >= {
        "entry_allowed",
        "exit_allowed",
        "exit_exempt",
        "fever",
        "quota_used",
        "closed_hours",
        "gate_closed",
        "kind_not_accepted",
        "wrong_compound",
        "pass_unknown",
        "pass_replaced",
        "pass_revoked",
        "pass_suspended",
        "quarantined",
        "pass_expired",
        "pass_not_yet_valid",
        "token_malformed",
        "token_forged",
        "temperature_missing",
    }
