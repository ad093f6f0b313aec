"""Two services change two reasons of one household at the same time: a case is registered at home while
the lockdown around the household is lifted. The household stays held, whichever commits first:
`recompute_holds` locks the households before it reads their reasons, so the later transaction sees the
earlier one's change. (Without the lock the lift's UPDATE, waiting on the row, rewrote it from a snapshot
taken before the case existed and the household went free.) PostgreSQL only (marker `postgresql`)."""

import threading
import time

import pytest
from django.db import connection, transaction

from lianfang.epi.models import CaseSource, CaseStatus
from lianfang.epi.services import (
    apply_lockdown,
    create_case,
    create_facility,
    lift_lockdown,
    start_quarantine,
)
from lianfang.places.models import HOLD_OPEN_ENDED, Household

WAITING = """SELECT COUNT(*) FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"""


def wait_until_a_session_waits_for_a_lock(seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else cached until the transaction ends
            cursor.execute(WAITING)
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_case_registered_while_the_lockdown_is_lifted_keeps_its_household_held(world, unit31, today):
    facility = create_facility(
        user=world.health_a, area=world.community_a, name="淮南宾馆", rooms=[("101", 1)]
    )
    start_quarantine(
        user=world.health_a,
        resident=world.zhang_san,
        kind="facility",
        reason="contact",
        room=facility.rooms.get(),
        today=today,
    )
    lockdown = apply_lockdown(user=world.health_a, scope="unit", target_id=unit31.unit.pk, start=today)
    alone = world.household_a1  # 张三's; held only by the lockdown while he is in the facility
    assert Household.objects.get(pk=alone.pk).exits_held_until == lockdown.ends_on
    case_written = threading.Event()
    errors: list[Exception] = []
    waited: list[bool] = []

    def register_the_case() -> None:  # back home and confirmed, not yet taken to hospital
        try:
            with transaction.atomic():
                create_case(
                    user=world.health_a,
                    resident=world.zhang_san,
                    status=CaseStatus.CONFIRMED,
                    source=CaseSource.SCREENING,
                    today=today,
                )
                case_written.set()
                waited.append(wait_until_a_session_waits_for_a_lock())  # the lift, on the household
        except Exception as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            case_written.set()
            connection.close()

    def lift() -> None:
        try:
            case_written.wait(10)
            lift_lockdown(user=world.health_a, lockdown=lockdown, reason="全员核酸阴性", today=today)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register_the_case), threading.Thread(target=lift)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert errors == [] and waited == [True]
    assert Household.objects.get(pk=alone.pk).exits_held_until == HOLD_OPEN_ENDED
    assert Household.objects.get(pk=unit31.households[1].pk).exits_held_until is None
