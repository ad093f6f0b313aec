"""Shifts are generated for 7 days from each gate's rule, once: running it again adds nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from lianfang.core.errors import DomainError
from lianfang.mobilize.models import RosterRule, Shift
from lianfang.mobilize.services import generate_shifts, set_roster_rule
from lianfang.mobilize.tests.conftest import local

pytestmark = pytest.mark.django_db


def test_a_week_of_three_shifts_a_day_is_generated_once(world):
    set_roster_rule(user=world.staff_a, gate=world.gate_a.pk, people_per_shift=2, pattern="3x8", first_hour=7)
    day = datetime.date(2026, 3, 2)
    assert generate_shifts(user=world.staff_a, start_day=day) == 21
    assert generate_shifts(user=world.staff_a, start_day=day) == 0
    first = Shift.objects.order_by("starts_at").first()
    assert timezone.localtime(first.starts_at).hour == 7 and first.needed == 2
    # The third shift of a day runs 23:00 - 07:00 across midnight.
    third = Shift.objects.order_by("starts_at")[2]
    assert timezone.localtime(third.ends_at) == local(2026, 3, 3, 7)


def test_four_shifts_of_six_hours_and_a_later_start_only_add_the_missing_days(world):
    set_roster_rule(user=world.staff_a, gate=world.gate_a.pk, people_per_shift=1, pattern="4x6")
    assert generate_shifts(user=world.staff_a, start_day=datetime.date(2026, 3, 2)) == 28
    assert generate_shifts(user=world.staff_a, start_day=datetime.date(2026, 3, 3)) == 4


def test_only_community_staff_of_the_gate_set_its_rule(world):
    with pytest.raises(DomainError) as err:
        set_roster_rule(user=world.staff_b, gate=world.gate_a.pk, people_per_shift=2, pattern="3x8")
    assert err.value.code == "not_found"
    with pytest.raises(DomainError) as err:
        set_roster_rule(user=world.staff_a, gate=world.gate_a.pk, people_per_shift=0, pattern="3x8")
    assert err.value.code == "bad_people"
    assert not RosterRule.objects.exists()
