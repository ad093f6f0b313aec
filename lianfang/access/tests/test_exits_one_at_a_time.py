"""Two members of one household go out at two gates in the same instant: the household's one exit is
counted once. The second exit waits until the first is stored, then counts it: the scan function takes a
lock on the household before it counts, in the same statement that stores the exit."""

import datetime
import threading
import time
import uuid

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from lianfang.access import gatecache
from lianfang.access.models import Passage
from lianfang.access.scan import ScanInput, record_scan, record_scans
from lianfang.access.tests.conftest import at
from lianfang.places.models import Gate

D = datetime.date(2026, 3, 2)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_exits_of_one_household_at_the_same_instant_count_once(world, passes, scan):
    west = Gate.objects.create(
        compound=world.gate_a.compound, name="西门", is_open=True, path=world.gate_a.path
    )
    when = at(D, 9)
    first_stored = threading.Event()
    results, errors = {}, []

    def first_member() -> None:
        try:
            with transaction.atomic():
                results["first"] = scan(passes["household_a1"], "out", when)
                first_stored.set()
                time.sleep(0.5)  # stored but not committed yet when the second member scans
        except Exception as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            first_stored.set()
            connection.close()

    def second_member() -> None:
        try:
            first_stored.wait(10)
            results["second"] = scan(passes["household_a1"], "out", when, gate=west)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_member), threading.Thread(target=second_member)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert results["first"].code == "exit_allowed"
    assert results["second"].code == "quota_used"
    assert results["second"].next_allowed == D + datetime.timedelta(days=2)
    assert Passage.objects.filter(counted=True).count() == 1


def test_an_exit_is_counted_decided_and_stored_in_one_statement(world, passes):
    gate = gatecache.for_gate(world.gate_a.pk)
    warm = ScanInput(client_id=uuid.uuid4(), token="X", direction="in", temperature=36.5)
    record_scan(gate=gate, scan=warm)  # the policy's cache
    with time_machine.travel(at(D, 9), tick=False), CaptureQueriesContext(connection) as ctx:
        result = record_scan(
            gate=gate,
            scan=ScanInput(
                client_id=uuid.uuid4(),
                token=passes["household_a1"].qr_text,
                direction="out",
                temperature=36.5,
            ),
        )
    statements = [q["sql"].split("(")[0] for q in ctx.captured_queries]
    assert result.code == "exit_allowed"
    assert statements == ["SELECT * FROM access_record_scan"]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_batches_from_two_gates_with_the_same_households_in_opposite_order_do_not_deadlock(world, passes):
    west = Gate.objects.create(
        compound=world.gate_a.compound, name="西门", is_open=True, path=world.gate_a.path
    )
    ours = [passes["household_a1"].qr_text, passes["household_a2"].qr_text]
    rounds = 10
    start = threading.Barrier(2)
    errors: list[Exception] = []

    def gate_sends(gate_id: int, tokens: list[str]) -> None:
        ctx = gatecache.for_gate(gate_id)
        try:
            for _ in range(rounds):
                start.wait(10)
                batch = [
                    ScanInput(client_id=uuid.uuid4(), token=t, direction=d, temperature=36.5)
                    for t in tokens
                    for d in ("out", "in")
                ]
                record_scans(gate=ctx, scans=batch)
        except Exception as exc:  # a deadlock: PostgreSQL aborts one of the two batches
            errors.append(exc)
            start.abort()
        finally:
            connection.close()

    threads = [
        threading.Thread(target=gate_sends, args=(world.gate_a.pk, ours)),
        threading.Thread(target=gate_sends, args=(west.pk, ours[::-1])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert Passage.objects.count() == rounds * 2 * 4
    assert Passage.objects.filter(counted=True).count() == 2  # one exit per household in the window
