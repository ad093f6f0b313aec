"""The seeded demo's epidemic data is coherent: nobody is in home and facility quarantine at once (nor in
two facility rooms), and every household's gate hold is what the hold rule (epi/holds.py) gives — the
history case's sealed household stays held while its people are in hospital and in facility rooms."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command

from lianfang.epi.holds import recompute_holds
from lianfang.epi.models import Lockdown, Quarantine, QuarantineKind, QuarantineStatus
from lianfang.places.models import Household

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny() -> None:
    call_command("seed_demo", "--scale", "tiny", stdout=io.StringIO())


def test_nobody_in_the_demo_is_in_home_and_facility_quarantine_at_once(tiny):
    active = Counter(
        Quarantine.objects.filter(status=QuarantineStatus.ACTIVE).values_list("resident_id", "kind")
    )
    at_home = {resident for resident, kind in active if kind == QuarantineKind.HOME}
    in_facility = {resident for resident, kind in active if kind == QuarantineKind.FACILITY}

    assert in_facility and at_home  # the history case's household went to facility rooms
    assert at_home & in_facility == set()
    assert [key for key, n in active.items() if key[1] == QuarantineKind.FACILITY and n > 1] == []


def test_every_demo_household_is_held_exactly_as_the_hold_rule_says(tiny):
    before = dict(Household.objects.values_list("pk", "exits_held_until"))

    recompute_holds(before)

    assert dict(Household.objects.values_list("pk", "exits_held_until")) == before
    case = Lockdown.objects.get().case  # the sealed unit's; the outbreak has more (demo/history.py)
    lockdown = Lockdown.objects.get(case=case)
    assert case.isolation_date is not None  # in hospital: the lockdown holds the household
    assert before[case.household_id] == lockdown.ends_on
