"""Cases: registering (resident or not), status changes with history, dates; bad input refused, nothing
changed."""

import datetime

import pytest
from django.utils import translation

from lianfang.conftest import id_for
from lianfang.core.errors import DomainError
from lianfang.core.models import Alert, AlertKind, AuditLog
from lianfang.epi.models import Case, CaseSource, CaseStatus, CaseStatusChange, Quarantine, QuarantineStatus
from lianfang.epi.services import (
    PersonData,
    change_case_status,
    create_case,
    start_quarantine,
    update_case_dates,
)
from lianfang.people.models import Resident
from lianfang.places.models import HOLD_OPEN_ENDED, Household

D = datetime.timedelta
VISITOR_ID = id_for(datetime.date(1988, 3, 4), 21, "F", region="340102")


def counts() -> tuple:
    return (
        Case.objects.count(),
        CaseStatusChange.objects.count(),
        Resident.objects.count(),
        Alert.objects.count(),
        AuditLog.objects.count(),
    )


def new_case(world, today, **kw):
    args = {
        "user": world.health_a,
        "resident": world.zhang_san,
        "status": CaseStatus.CONFIRMED,
        "source": CaseSource.HOSPITAL,
        "today": today,
    }
    args.update(kw)
    return create_case(**args)


def refused(code: str, call, *args, **kw) -> DomainError:
    with translation.override("en"), pytest.raises(DomainError) as caught:
        call(*args, **kw)
    assert caught.value.code == code
    return caught.value


def test_a_case_for_a_resident_keeps_household_path_history_and_raises_an_alert(world, today):
    case = new_case(world, today, onset_date=today - D(3), isolation_date=today)

    assert case.household_id == world.household_a1.id and case.path == world.household_a1.path
    assert case.grid_id == world.grid_a1.id and case.report_date == today
    change = case.changes.get()
    assert (change.from_status, change.to_status, change.by) == ("", "confirmed", world.health_a)
    alert = Alert.objects.get(kind=AlertKind.CASE)
    assert alert.path == case.path and alert.household_id == world.household_a1.id
    assert "张三" not in alert.title
    assert AuditLog.objects.filter(object_type="case", object_id=str(case.id)).exists()


def test_a_non_resident_is_registered_without_household_under_the_chosen_community(world, today):
    person = PersonData(name="赵六", id_number=VISITOR_ID, phone="13900001111", community=world.community_a)

    case = new_case(world, today, resident=None, person=person, status=CaseStatus.SUSPECTED)

    r = case.resident
    assert r.household_id is None and r.path == world.community_a.path and r.id_last4 == VISITOR_ID[-4:]
    assert case.household_id is None and case.path == world.community_a.path


def test_a_non_resident_already_registered_by_id_number_is_the_same_person(world, today):
    person = PersonData(name="张三", id_number=world.zhang_san.full_id(), community=world.community_a)

    case = new_case(world, today, resident=None, person=person)

    assert case.resident_id == world.zhang_san.id and Resident.objects.count() == 3


def test_a_second_open_case_for_the_same_person_is_refused_naming_the_first(world, today):
    first = new_case(world, today)
    before = counts()

    err = refused("case_open_exists", new_case, world, today, status=CaseStatus.SUSPECTED)

    assert f"#{first.id}" in str(err.message)
    assert counts() == before


def test_dates_in_the_future_are_refused(world, today):
    before = counts()
    err = refused("date_in_future", new_case, world, today, onset_date=today + D(1))
    assert err.field == "onset_date"
    refused("date_in_future", new_case, world, today, isolation_date=today + D(2))
    assert counts() == before


def test_report_or_isolation_before_the_onset_is_refused(world, today):
    before = counts()
    err = refused(
        "date_before_onset", new_case, world, today, onset_date=today - D(1), report_date=today - D(2)
    )
    assert err.field == "report_date"
    refused("date_before_onset", new_case, world, today, onset_date=today, isolation_date=today - D(1))
    assert counts() == before


def test_a_case_cannot_start_as_excluded_or_recovered(world, today):
    before = counts()
    refused("bad_status", new_case, world, today, status=CaseStatus.EXCLUDED)
    refused("bad_status", new_case, world, today, status=CaseStatus.RECOVERED)
    assert counts() == before


def test_outside_the_area_is_not_found_and_other_roles_are_forbidden(world, today):
    before = counts()
    assert refused("not_found", new_case, world, today, user=world.staff_b).status == 404
    assert refused("forbidden", new_case, world, today, user=world.guard_a).status == 403
    assert refused("forbidden", new_case, world, today, user=world.commander).status == 403
    assert counts() == before


def test_becoming_a_case_ends_the_persons_quarantines_and_the_case_holds_the_household_until_isolated(
    world, today
):
    q = start_quarantine(
        user=world.health_a, resident=world.zhang_san, kind="home", reason="contact", today=today
    )
    assert Household.objects.get(pk=world.household_a1.pk).exits_held_until == q.planned_end

    case = new_case(world, today, status=CaseStatus.SUSPECTED)

    q.refresh_from_db()
    assert q.status == QuarantineStatus.BECAME_CASE and q.ended_on == today and f"#{case.id}" in q.end_note
    assert Household.objects.get(pk=world.household_a1.pk).exits_held_until == HOLD_OPEN_ENDED

    update_case_dates(user=world.health_a, case=case, isolation_date=today, today=today)

    assert Household.objects.get(pk=world.household_a1.pk).exits_held_until is None


def test_status_changes_are_kept_with_who_and_when(world, today):
    case = new_case(world, today, status=CaseStatus.SUSPECTED)

    change_case_status(user=world.staff_a, case=case, status=CaseStatus.CONFIRMED, note="PCR+")
    change_case_status(user=world.health_a, case=case, status=CaseStatus.RECOVERED)

    rows = list(case.changes.values_list("from_status", "to_status", "by__username", "note"))
    assert rows == [
        ("", "suspected", "health_a", ""),
        ("suspected", "confirmed", "staff_a", "PCR+"),
        ("confirmed", "recovered", "health_a", ""),
    ]
    assert Case.objects.get(pk=case.pk).status == CaseStatus.RECOVERED


def test_the_same_status_again_is_refused(world, today):
    case = new_case(world, today)
    refused("same_status", change_case_status, user=world.health_a, case=case, status=CaseStatus.CONFIRMED)
    assert case.changes.count() == 1


def test_reopening_a_closed_case_while_another_is_open_is_refused(world, today):
    old = new_case(world, today, status=CaseStatus.SUSPECTED)
    change_case_status(user=world.health_a, case=old, status=CaseStatus.EXCLUDED)
    new = new_case(world, today, status=CaseStatus.CONFIRMED)

    err = refused("case_open_exists", change_case_status, user=world.health_a, case=old, status="confirmed")

    assert f"#{new.id}" in str(err.message)
    assert Case.objects.get(pk=old.pk).status == CaseStatus.EXCLUDED and old.changes.count() == 2


def test_case_dates_can_be_corrected_but_not_into_the_future_or_before_onset(world, today):
    case = new_case(world, today, onset_date=today - D(4))

    update_case_dates(user=world.health_a, case=case, isolation_date=today - D(1), today=today)
    case.refresh_from_db()
    assert case.isolation_date == today - D(1) and case.onset_date == today - D(4)

    refused(
        "date_before_onset", update_case_dates, user=world.health_a, case=case, onset_date=today, today=today
    )
    refused(
        "date_in_future",
        update_case_dates,
        user=world.health_a,
        case=case,
        isolation_date=today + D(1),
        today=today,
    )
    case.refresh_from_db()
    assert case.onset_date == today - D(4) and case.isolation_date == today - D(1)
    assert Quarantine.objects.count() == 0
