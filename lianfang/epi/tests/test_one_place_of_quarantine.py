"""One person is never in home and facility quarantine at once: going to a facility ends their home
quarantines (recorded, with the room), a person in a facility is refused a home quarantine or a second
room (nothing written), and a lockdown leaves people in a facility out — their household is held by the
lockdown itself."""

import pytest
from django.utils import translation

from lianfang.core.errors import DomainError
from lianfang.epi.models import Quarantine, QuarantineChange, QuarantineKind, QuarantineStatus
from lianfang.epi.services import apply_lockdown, preview_lockdown, start_quarantine
from lianfang.places.models import Household


def into_facility(world, resident, facility, number, today):
    return start_quarantine(
        user=world.health_a,
        resident=resident,
        kind="facility",
        reason="contact",
        room=facility.rooms.get(number=number),
        today=today,
    )


def at_home(world, resident, today, **kw):
    return start_quarantine(
        user=world.health_a, resident=resident, kind="home", reason="contact", today=today, **kw
    )


def test_going_to_a_facility_ends_the_persons_home_quarantines_with_a_record(world, unit31, facility, today):
    qian1, qian2 = unit31.residents[1], unit31.residents[2]
    home = at_home(world, qian1, today)
    other = at_home(world, qian2, today, days=5)

    away = into_facility(world, qian1, facility, "101", today)

    home.refresh_from_db()
    assert (home.status, home.ended_on) == (QuarantineStatus.RELEASED, today)
    assert "淮南宾馆 101" in home.end_note
    end = QuarantineChange.objects.get(quarantine=home, kind=QuarantineChange.Kind.END)
    assert end.note == home.end_note and end.old_end == home.planned_end
    assert list(Quarantine.objects.filter(resident=qian1, status="active")) == [away]
    # 钱二 stays at home in quarantine: the household is held by theirs, not by the one that ended.
    assert Household.objects.get(pk=unit31.households[1].pk).exits_held_until == other.planned_end


def test_a_person_in_a_facility_is_refused_a_home_quarantine_or_a_second_room(world, unit31, facility, today):
    qian1 = unit31.residents[1]
    into_facility(world, qian1, facility, "101", today)
    before = (Quarantine.objects.count(), QuarantineChange.objects.count())

    for call in (
        lambda: at_home(world, qian1, today),
        lambda: into_facility(world, qian1, facility, "102", today),
    ):
        with translation.override("en"), pytest.raises(DomainError) as caught:
            call()
        assert caught.value.code == "in_facility_quarantine"
        assert "淮南宾馆 101" in str(caught.value.message)

    assert (Quarantine.objects.count(), QuarantineChange.objects.count()) == before


def test_a_lockdown_leaves_people_in_a_facility_out_and_still_holds_their_household(
    world, unit31, facility, today
):
    qian1, qian2 = unit31.residents[1], unit31.residents[2]
    into_facility(world, qian1, facility, "101", today)
    into_facility(world, qian2, facility, "102", today)

    preview = preview_lockdown(
        user=world.health_a, scope="unit", target_id=unit31.unit.pk, start=today, days=None
    )
    lockdown = apply_lockdown(user=world.health_a, scope="unit", target_id=unit31.unit.pk, start=today)

    assert preview.residents == lockdown.residents == 2  # 张三 and 孙三; the 钱 family is in the facility
    for person in (qian1, qian2):
        kinds = list(
            Quarantine.objects.filter(resident=person, status="active").values_list("kind", flat=True)
        )
        assert kinds == [QuarantineKind.FACILITY]
    assert Household.objects.get(pk=unit31.households[1].pk).exits_held_until == lockdown.ends_on
