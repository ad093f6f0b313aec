"""Lockdowns: preview (counts, nothing written), apply (home quarantine for everyone inside, exits held),
overlap refused, lift (unless another reason holds), extend (quarantines follow)."""

import datetime

import pytest
from django.utils import translation

from lianfang.core.errors import DomainError
from lianfang.core.models import AuditLog
from lianfang.epi.models import (
    CaseStatus,
    Lockdown,
    LockdownStatus,
    Quarantine,
    QuarantineChange,
    QuarantineReason,
    QuarantineStatus,
)
from lianfang.epi.services import (
    apply_lockdown,
    change_case_status,
    extend_lockdown,
    lift_lockdown,
    preview_lockdown,
    start_quarantine,
)
from lianfang.places.models import Household

D = datetime.timedelta


def holds() -> dict[str, datetime.date | None]:
    return dict(Household.objects.values_list("label", "exits_held_until"))


def state() -> tuple:
    return (
        Lockdown.objects.count(),
        Quarantine.objects.count(),
        QuarantineChange.objects.count(),
        AuditLog.objects.count(),
        tuple(sorted(holds().items())),
    )


def seal(world, target, today, scope="unit", **kw):
    return apply_lockdown(
        user=kw.pop("user", world.health_a),
        scope=scope,
        target_id=target.id,
        start=kw.pop("start", today),
        **kw,
    )


def refused(code: str, call, **kw) -> DomainError:
    with translation.override("en"), pytest.raises(DomainError) as caught:
        call(**kw)
    assert caught.value.code == code
    return caught.value


def test_the_preview_counts_units_households_and_residents_and_writes_nothing(world, unit31, today):
    start_quarantine(
        user=world.health_a, resident=unit31.residents[1], kind="home", reason="contact", today=today
    )
    before = state()

    p = preview_lockdown(user=world.health_a, scope="unit", target_id=unit31.unit.id, start=today, days=None)

    assert (p.units, p.households, p.residents, p.already_quarantined) == (1, 3, 4, 1)
    assert p.label == "阳光小区 3栋1单元" and p.days == 14 and p.ends_on == today + D(13)
    assert p.overlaps is None
    assert state() == before


def test_applying_puts_every_resident_of_the_unit_in_home_quarantine_and_holds_its_exits(
    world, unit31, today
):
    lockdown = seal(world, unit31.unit, today, days=14, reason="确诊病例")

    assert (lockdown.households, lockdown.residents, lockdown.ends_on) == (3, 4, today + D(13))
    qs = Quarantine.objects.filter(lockdown=lockdown)
    assert sorted(qs.values_list("resident_id", flat=True)) == sorted(r.id for r in unit31.residents)
    assert set(qs.values_list("kind", "reason", "start", "planned_end", "status")) == {
        ("home", QuarantineReason.LOCKDOWN, today, today + D(13), QuarantineStatus.ACTIVE)
    }
    assert QuarantineChange.objects.filter(quarantine__lockdown=lockdown, kind="start").count() == 4
    held = holds()
    assert [held[h.label] for h in unit31.households] == [today + D(13)] * 3
    assert held[unit31.next_door.label] is None and held[world.household_a2.label] is None
    assert AuditLog.objects.filter(object_type="lockdown", object_id=str(lockdown.id)).exists()


def test_a_building_lockdown_covers_all_its_units(world, unit31, today):
    lockdown = seal(world, unit31.building, today, scope="building")

    assert (lockdown.households, lockdown.residents, lockdown.label) == (4, 5, "阳光小区 3栋")
    assert holds()[unit31.next_door.label] == lockdown.ends_on


def test_the_case_person_is_isolated_as_a_case_not_quarantined(world, unit31, today, case_a1):
    lockdown = seal(world, unit31.unit, today, case=case_a1)

    assert lockdown.residents == 3 and lockdown.case_id == case_a1.id
    assert not Quarantine.objects.filter(resident=world.zhang_san).exists()
    # Nobody else lives in 101, and it is held all the same: by the lockdown and by the case at home.
    assert holds()[world.household_a1.label] >= lockdown.ends_on


def test_a_lockdown_overlapping_an_active_one_is_refused_naming_it(world, unit31, today):
    first = seal(world, unit31.unit, today)
    before = state()

    err = refused("lockdown_overlaps", seal, world=world, target=unit31.unit, today=today + D(1))
    assert f"#{first.id}" in str(err.message) and "extend" in str(err.message)
    refused("lockdown_overlaps", seal, world=world, target=unit31.building, today=today, scope="building")
    refused("lockdown_overlaps", seal, world=world, target=world.compound_a, today=today, scope="compound")
    p = preview_lockdown(
        user=world.health_a, scope="building", target_id=unit31.building.id, start=today, days=3
    )
    assert p.overlaps == first
    assert state() == before


def test_a_unit_inside_a_sealed_compound_is_refused_and_a_unit_of_another_compound_is_not(
    world, unit31, today
):
    compound_b = seal(world, world.compound_b, today, scope="compound", user=world.staff_b)

    seal(world, unit31.unit, today)
    err = refused(
        "lockdown_overlaps", seal, world=world, target=world.household_b.unit, today=today, user=world.staff_b
    )

    assert f"#{compound_b.id}" in str(err.message)
    assert Lockdown.objects.filter(status=LockdownStatus.ACTIVE).count() == 2


def test_a_lifted_lockdown_no_longer_blocks_a_new_one(world, unit31, today):
    first = seal(world, unit31.unit, today)
    lift_lockdown(user=world.health_a, lockdown=first, reason="误报", today=today)

    second = seal(world, unit31.unit, today)

    assert second.residents == 4 and holds()[world.household_a1.label] == second.ends_on


def test_lifting_needs_a_reason_and_restores_exits_unless_another_reason_holds(world, unit31, today):
    lockdown = seal(world, unit31.unit, today)
    contact = start_quarantine(
        user=world.health_a, resident=unit31.residents[3], kind="home", reason="contact", days=7, today=today
    )
    before = state()
    refused(
        "reason_required", lift_lockdown, user=world.health_a, lockdown=lockdown, reason="  ", today=today
    )
    assert state() == before

    lift_lockdown(user=world.staff_a, lockdown=lockdown, reason="全员核酸阴性", today=today + D(5))

    lockdown.refresh_from_db()
    assert lockdown.status == LockdownStatus.LIFTED and lockdown.lift_reason == "全员核酸阴性"
    assert set(lockdown.quarantines.values_list("status", "ended_on")) == {
        (QuarantineStatus.LIFTED, today + D(5))
    }
    held = holds()
    assert held[world.household_a1.label] is None and held[unit31.households[1].label] is None
    assert held[unit31.households[2].label] == contact.planned_end == today + D(6)
    refused("lockdown_not_active", lift_lockdown, user=world.health_a, lockdown=lockdown, reason="again")


def test_extending_moves_the_last_day_of_its_active_quarantines(world, unit31, today):
    lockdown = seal(world, unit31.unit, today, days=14)

    extend_lockdown(user=world.health_a, lockdown=lockdown, days=7, reason="新增阳性")

    lockdown.refresh_from_db()
    assert (lockdown.days, lockdown.ends_on) == (21, today + D(20))
    assert set(lockdown.quarantines.values_list("planned_end", flat=True)) == {today + D(20)}
    changes = QuarantineChange.objects.filter(kind="extend")
    assert changes.count() == 4 and set(changes.values_list("old_end", "new_end")) == {
        (today + D(13), today + D(20))
    }
    assert holds()[world.household_a1.label] == today + D(20)


def test_bad_days_start_and_scope_are_refused(world, unit31, today):
    before = state()
    refused("bad_days", seal, world=world, target=unit31.unit, today=today, days=0)
    refused("date_in_future", seal, world=world, target=unit31.unit, today=today + D(3))
    refused("date_in_past", seal, world=world, target=unit31.unit, today=today - D(20), days=14)
    refused("bad_scope", seal, world=world, target=unit31.unit, today=today, scope="street")
    refused("not_found", seal, world=world, target=unit31.unit, today=today, user=world.staff_b)
    refused("forbidden", seal, world=world, target=unit31.unit, today=today, user=world.grid_a1_worker)
    assert state() == before


def test_a_case_reopened_later_does_not_change_its_lockdown(world, unit31, today, case_a1):
    lockdown = seal(world, unit31.unit, today, case=case_a1)
    change_case_status(user=world.health_a, case=case_a1, status=CaseStatus.RECOVERED)

    assert Lockdown.objects.get(pk=lockdown.pk).status == LockdownStatus.ACTIVE
