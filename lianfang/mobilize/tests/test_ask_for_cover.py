"""Ask for cover: the N volunteers least recently asked who are free and under their limits are invited."""

from __future__ import annotations

import pytest
import time_machine

from lianfang.mobilize.models import Volunteer
from lianfang.mobilize.services import ask_for_cover, assign_volunteer
from lianfang.mobilize.tests.conftest import add_shift, local

pytestmark = pytest.mark.django_db


def test_the_least_recently_asked_free_volunteers_are_invited(world, volunteers):
    v1, v2, v3 = volunteers
    Volunteer.objects.filter(pk=v1.pk).update(last_asked_at=local(2026, 2, 20))
    Volunteer.objects.filter(pk=v2.pk).update(last_asked_at=local(2026, 2, 25))
    with time_machine.travel(local(2026, 3, 1, 9), tick=False):
        busy = add_shift(world, local(2026, 3, 2, 4))
        assign_volunteer(user=world.staff_a, shift=busy.pk, volunteer=v3.pk)  # v3 never asked but busy
        s = add_shift(world, local(2026, 3, 2, 8))
        invited = ask_for_cover(user=world.staff_a, shift=s.pk, count=1)
        assert [a.volunteer_id for a in invited] == [v1.pk]
        again = ask_for_cover(user=world.staff_a, shift=s.pk, count=5)
        assert [a.volunteer_id for a in again] == [v2.pk]
    v1.refresh_from_db()
    assert v1.last_asked_at == local(2026, 3, 1, 9)
