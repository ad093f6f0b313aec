"""Two staff put the same volunteer on two overlapping shifts at the same moment: the volunteer's row is
locked by each assignment before the overlap is checked, so one is written and the other refused."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from lianfang.core.errors import DomainError
from lianfang.mobilize.models import Assignment
from lianfang.mobilize.services import assign_volunteer
from lianfang.mobilize.tests.conftest import add_shift, local
from lianfang.places.models import Gate


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_overlapping_assignments_of_one_person_write_one(world, volunteers):
    v = volunteers[0]
    east = add_shift(world, local(2026, 3, 2, 8))
    west = add_shift(world, local(2026, 3, 2, 12), gate=Gate.objects.get(name="西门"))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def assign(shift_id: int) -> None:
        try:
            barrier.wait()
            assign_volunteer(user=world.staff_a, shift=shift_id, volunteer=v.pk, now=local(2026, 3, 1, 9))
            outcomes.append("ok")
        except DomainError as err:
            outcomes.append(err.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(s.pk,)) for s in (east, west)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["ok", "overlap"]
    assert Assignment.objects.filter(volunteer=v).count() == 1
