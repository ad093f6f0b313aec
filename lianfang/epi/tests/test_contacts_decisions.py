"""Confirming and dismissing contact candidates: a confirmed contact goes into quarantine (home or a
facility room); a decision is taken once; only candidates can be decided; a dismissal says why."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from lianfang.access.models import Pass, Passage, PassKind
from lianfang.core.errors import DomainError
from lianfang.core.models import AuditLog
from lianfang.epi import contacts
from lianfang.epi.models import Contact, Quarantine
from lianfang.people.services import ResidentData, create_resident
from lianfang.places.services import ensure_household

TODAY = datetime.date(2026, 3, 12)


def people(world, household, *names: str) -> list:
    return [
        create_resident(user=world.staff_a, household=household, data=ResidentData(name=n)) for n in names
    ]


@pytest.fixture
def traced(world):
    """张三's case (isolated 03-12); his wife at home; 赵六 met him at 东门 with his personal pass on 03-10
    (钱七, 赵六's wife, becomes a secondary contact once 赵六 is confirmed)."""
    from lianfang.epi.services import create_case

    (wife,) = people(world, world.household_a1, "张妻")
    other = ensure_household(compound=world.compound_a, building="6", unit="1", room="305")
    zhao, qian = people(world, other, "赵六", "钱七")
    zhao_pass = Pass.objects.create(
        kind=PassKind.PERSON,
        household=other,
        resident=zhao,
        compound=world.compound_a,
        path=other.path,
        valid_to=datetime.date(2030, 1, 1),
    )
    for household, pass_obj, minute in ((world.household_a1, None, 0), (other, zhao_pass, 5)):
        Passage.objects.create(
            gate=world.gate_a,
            household=household,
            pass_obj=pass_obj,
            direction="out",
            decision="allowed",
            code="exit_allowed",
            server_time=datetime.datetime(2026, 3, 10, 8, minute, tzinfo=timezone.get_current_timezone()),
            path=world.gate_a.path,
        )
    case = create_case(
        user=world.health_a,
        resident=world.zhang_san,
        status="confirmed",
        source="hospital",
        onset_date=datetime.date(2026, 3, 10),
        report_date=TODAY,
        isolation_date=TODAY,
        today=TODAY,
    )
    return SimpleNamespace(case=case, wife=wife, zhao=zhao, qian=qian)


def confirm(world, traced, resident, **kw):
    return contacts.confirm_contact(
        user=world.health_a, case=traced.case, resident=resident, today=TODAY, **kw
    )


def test_confirming_a_household_member_starts_a_home_quarantine(world, traced):
    contact = confirm(world, traced, traced.wife, note="lives with the case")

    assert (contact.status, contact.degree, contact.note) == ("confirmed", 1, "lives with the case")
    assert [r["kind"] for r in contact.reasons] == ["household"]
    assert contact.decided_by == world.health_a
    q = Quarantine.objects.get(contact=contact)
    assert (q.resident, q.kind, q.reason, q.case, q.status) == (
        traced.wife,
        "home",
        "contact",
        traced.case,
        "active",
    )
    assert (q.start, q.planned_end) == (TODAY, TODAY + datetime.timedelta(days=13))
    assert AuditLog.objects.filter(object_type="contact", object_id=str(contact.pk), action="create").exists()


def test_a_gate_contact_keeps_the_encounter_as_its_reason(world, traced):
    contact = confirm(world, traced, traced.zhao)

    (reason,) = contact.reasons
    assert (reason["kind"], reason["gate_id"], reason["minutes_apart"]) == ("gate", world.gate_a.pk, 5)
    at = datetime.datetime(2026, 3, 10, 8, 5, tzinfo=timezone.get_current_timezone())
    assert datetime.datetime.fromisoformat(reason["at"]) == at


def test_confirming_into_a_facility_room_assigns_the_room(world, traced, facility):
    room = facility.rooms.get(number="102")

    contact = confirm(world, traced, traced.zhao, quarantine_kind="facility", room=room)

    q = Quarantine.objects.get(contact=contact)
    assert (q.kind, q.room) == ("facility", room)


def test_a_full_room_refuses_the_contact_and_records_no_decision(world, traced, facility):
    room = facility.rooms.get(number="101")  # one bed
    confirm(world, traced, traced.wife, quarantine_kind="facility", room=room)

    with pytest.raises(DomainError) as err:
        confirm(world, traced, traced.zhao, quarantine_kind="facility", room=room)

    assert err.value.code == "room_full"
    assert not Contact.objects.filter(resident=traced.zhao).exists()
    assert not Quarantine.objects.filter(resident=traced.zhao).exists()


def test_a_contact_cannot_be_confirmed_twice(world, traced):
    confirm(world, traced, traced.wife)

    with pytest.raises(DomainError) as err, translation.override("en"):
        confirm(world, traced, traced.wife)

    assert err.value.code == "contact_already_decided"
    assert "already confirmed" in str(err.value.message)
    assert Contact.objects.count() == 1 and Quarantine.objects.filter(resident=traced.wife).count() == 1


def test_a_dismissed_candidate_cannot_be_confirmed_afterwards(world, traced):
    contacts.dismiss_contact(user=world.health_a, case=traced.case, resident=traced.zhao, note="wore a mask")

    with pytest.raises(DomainError) as err:
        confirm(world, traced, traced.zhao)

    assert err.value.code == "contact_already_decided"
    assert not Quarantine.objects.filter(resident=traced.zhao).exists()


def test_a_person_who_is_not_a_candidate_is_refused(world, traced):
    with pytest.raises(DomainError) as err:
        confirm(world, traced, world.li_si)

    assert err.value.code == "not_a_candidate"
    assert not Contact.objects.exists() and not Quarantine.objects.exists()


def test_a_secondary_contact_is_confirmed_through_the_close_contact(world, traced):
    with pytest.raises(DomainError) as err:
        confirm(world, traced, traced.qian)
    assert err.value.code == "not_a_candidate"
    close = confirm(world, traced, traced.zhao)

    secondary = confirm(world, traced, traced.qian)

    assert (secondary.degree, secondary.via) == (2, close)
    assert Quarantine.objects.get(contact=secondary).reason == "secondary"


def test_dismissing_needs_a_note_and_records_nothing_without_one(world, traced):
    for note in ("", "   "):
        with pytest.raises(DomainError) as err:
            contacts.dismiss_contact(user=world.health_a, case=traced.case, resident=traced.zhao, note=note)
        assert (err.value.code, err.value.field) == ("note_required", "note")
    assert not Contact.objects.exists()


def test_dismissing_records_the_decision_and_starts_no_quarantine(world, traced):
    contact = contacts.dismiss_contact(
        user=world.health_a, case=traced.case, resident=traced.zhao, note="  passed in a car, window closed "
    )

    assert (contact.status, contact.note) == ("dismissed", "passed in a car, window closed")
    assert not Quarantine.objects.exists()
    with pytest.raises(DomainError) as err:
        contacts.dismiss_contact(user=world.health_a, case=traced.case, resident=traced.zhao, note="again")
    assert err.value.code == "contact_already_decided"


def test_staff_of_another_community_get_not_found(world, traced):
    with pytest.raises(DomainError) as err:
        contacts.confirm_contact(user=world.staff_b, case=traced.case, resident=traced.wife, today=TODAY)

    assert (err.value.code, err.value.status) == ("not_found", 404)
    assert not Contact.objects.exists()


def test_a_grid_worker_sees_the_case_but_may_not_decide(world, traced):
    with pytest.raises(DomainError) as err:
        contacts.dismiss_contact(user=world.grid_a1_worker, case=traced.case, resident=traced.wife, note="x")

    assert err.value.code == "forbidden"
    assert not Contact.objects.exists()
