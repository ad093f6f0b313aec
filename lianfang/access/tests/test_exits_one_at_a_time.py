"""Two members of one household go out at two gates in the same instant: the household's one exit is
counted once. The second exit waits until the first is stored, then counts it (PostgreSQL: a lock on the
household in the scan function; SQLite: one immediate transaction per scan). The concurrent case needs
PostgreSQL (marker `postgresql`); the Python path's transaction is checked on both databases."""

import datetime
import threading
import time
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from lianfang.access import gatecache
from lianfang.access.models import Passage
from lianfang.access.scan import ScanInput, record_scan
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


def test_the_python_path_reads_and_stores_a_scan_in_one_transaction(world, passes):
    gate = gatecache.for_gate(world.gate_a.pk)
    warm = ScanInput(client_id=uuid.uuid4(), token="X", direction="in", temperature=36.5)
    record_scan(gate=gate, scan=warm)  # the policy's cache
    with CaptureQueriesContext(connection) as ctx:
        result = record_scan(
            gate=gate,
            scan=ScanInput(
                client_id=uuid.uuid4(),
                token=passes["household_a1"].qr_text,
                direction="out",
                temperature=36.5,
            ),
            now=at(D, 9),
            portable=True,
        )
    statements = [q["sql"].split()[0].upper() for q in ctx.captured_queries]
    assert result.code == "exit_allowed"
    assert statements == ["SAVEPOINT", "SELECT", "INSERT", "RELEASE"]
