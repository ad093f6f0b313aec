"""Cases, lockdowns, holds, quarantines and contacts, as of the end of the day, from the records' dates:
a case's status then (its status changes), a lockdown from its first to its last day unless lifted that day,
a quarantine from its start to its last day unless it ended earlier; the households held by any of epi's
three reasons and the people in them; contacts confirmed that day."""

from __future__ import annotations

from lianfang.epi.models import (
    Case,
    CaseStatusChange,
    Contact,
    Lockdown,
    Quarantine,
)
from lianfang.watch.stats import compute_day
from lianfang.watch.tests.conftest import DAY, at, days, g0, node, value


def case_of(person, *changes, report_date=DAY, isolation_date=None):
    """A case with its status history [(status, at), ...]; its status now is the last one."""
    case = Case.objects.create(
        resident=person, household=person.household, status=changes[-1][0], report_date=report_date,
        isolation_date=isolation_date, path=person.path, grid_id=person.grid_id,
    )  # fmt: skip
    before = ""
    for status, when in changes:
        CaseStatusChange.objects.create(case=case, from_status=before, to_status=status, at=when)
        before = status
    return case


def test_cases_count_with_their_status_at_the_end_of_the_day(town):
    a1 = node(town.grid_a1)
    # Confirmed two days before, recovered the day after: confirmed (open) that day, not new.
    case_of(town.zhang_san, ("suspected", at(DAY - days(3), 9)), ("confirmed", at(DAY - days(2), 9)),
            ("recovered", at(DAY + days(1), 9)), report_date=DAY - days(3))  # fmt: skip
    # Reported that day, excluded at 23:00: not a case at the end of the day.
    case_of(town.li_si, ("suspected", at(DAY, 8)), ("excluded", at(DAY, 23)))
    # Reported that day, registered only the day after: its status at registration.
    case_of(town.wang_wu, ("asymptomatic", at(DAY + days(1), 10)))
    compute_day(day=DAY)
    assert value(a1, "cases_confirmed") == 1
    assert value(a1, "cases_recovered") == 0
    assert value(a1, "cases_new") == 0
    assert value(a1, "cases_cumulative") == 1
    assert value(node(town.grid_a2), "cases_excluded") == 1
    assert value(node(town.grid_a2), "cases_cumulative") == 0
    assert value(g0(town.community_b), "cases_asymptomatic") == 1
    assert value(g0(town.community_b), "cases_new") == 1
    assert value(town.city.path, "cases_cumulative") == 2
    assert value(town.city.path, "cases_suspected") == 0
    compute_day(day=DAY + days(1))
    assert value(a1, "cases_recovered", DAY + days(1)) == 1
    assert value(a1, "cases_cumulative", DAY + days(1)) == 1


def test_a_case_reported_after_the_day_does_not_count(town):
    case_of(town.zhang_san, ("confirmed", at(DAY, 9)), report_date=DAY + days(1))
    compute_day(day=DAY)
    assert value(town.city.path, "cases_cumulative") == 0


def lockdown(town, kind, start, last, lifted_at=None, **target):
    return Lockdown.objects.create(
        scope_kind=kind, compound=town.compound_a, label="封", start=start, days=(last - start).days + 1,
        ends_on=last, lifted_at=lifted_at, path=town.community_a.path, **target,
    )  # fmt: skip


def test_lockdowns_active_at_the_end_of_the_day_and_the_households_they_hold(town):
    building_3 = town.household_a1.unit.building
    lockdown(town, "building", DAY - days(2), DAY, building=building_3)  # its last day: active
    lockdown(town, "compound", DAY - days(1), DAY + days(5), lifted_at=at(DAY, 15))  # lifted that day
    lockdown(town, "unit", DAY + days(1), DAY + days(3), unit=town.household_a2.unit)  # not begun
    compute_day(day=DAY)
    assert value(node(town.grid_a1), "lockdowns_active") == 1  # a building's lockdown: in its grid
    assert value(town.city.path, "lockdowns_active") == 1
    assert value(node(town.grid_a1), "households_held") == 1
    assert value(node(town.grid_a1), "people_held") == 1
    assert value(town.community_a.path, "households_held") == 1
    compute_day(day=DAY - days(1))
    assert value(town.community_a.path, "lockdowns_active", DAY - days(1)) == 2
    assert value(g0(town.community_a), "lockdowns_active", DAY - days(1)) == 1  # a compound's: g0
    assert value(town.community_a.path, "households_held", DAY - days(1)) == 2


def test_households_held_by_home_quarantine_and_by_an_open_case_at_home(town):
    Quarantine.objects.create(
        resident=town.li_si, household=town.household_a2, kind="home", reason="contact", start=DAY - days(3),
        planned_end=DAY + days(10), path=town.li_si.path, grid_id=town.li_si.grid_id,
    )  # fmt: skip
    case_of(town.wang_wu, ("confirmed", at(DAY, 9)))  # at home: not isolated
    case_of(town.zhang_san, ("confirmed", at(DAY, 9)), isolation_date=DAY)  # isolated that day
    compute_day(day=DAY)
    assert value(node(town.grid_a2), "households_held") == 1
    assert value(g0(town.community_b), "households_held") == 1
    assert value(node(town.grid_a1), "households_held") == 0
    assert value(town.city.path, "households_held") == 2
    assert value(town.city.path, "people_held") == 2


def quarantine(town, person, kind, start, last, ended_on=None):
    return Quarantine.objects.create(
        resident=person, household=person.household, kind=kind, reason="contact", start=start,
        planned_end=last,
        ended_on=ended_on, path=person.path, grid_id=person.grid_id,
    )  # fmt: skip


def test_quarantines_started_ended_and_current(town):
    quarantine(town, town.zhang_san, "home", DAY, DAY + days(13))  # started that day
    quarantine(town, town.li_si, "home", DAY - days(14), DAY - days(1))  # last day before: ended that day
    quarantine(town, town.li_si, "facility", DAY - days(2), DAY + days(5), ended_on=DAY)  # released that day
    quarantine(town, town.wang_wu, "facility", DAY - days(2), DAY + days(5))  # current
    quarantine(town, town.wang_wu, "home", DAY + days(1), DAY + days(5))  # not begun
    compute_day(day=DAY)
    city = town.city.path
    assert (value(city, "home_q_started"), value(city, "home_q_ended"), value(city, "home_q_current")) == (
        1,
        1,
        1,
    )
    assert value(node(town.grid_a1), "home_q_current") == 1
    assert value(node(town.grid_a2), "home_q_ended") == 1
    assert value(node(town.grid_a2), "facility_q_ended") == 1
    assert value(city, "facility_q_started") == 0
    assert value(g0(town.community_b), "facility_q_current") == 1
    assert value(city, "facility_q_current") == 1


def test_contacts_confirmed_that_local_day_count_in_the_case_grid(town):
    case = case_of(town.zhang_san, ("confirmed", at(DAY - days(1), 9)))
    Contact.objects.create(case=case, resident=town.li_si, status="confirmed", decided_at=at(DAY, 23, 59),
                           path=case.path)  # fmt: skip
    Contact.objects.create(case=case, resident=town.wang_wu, status="confirmed",
                           decided_at=at(DAY + days(1), 0, 0), path=case.path)  # fmt: skip
    other = case_of(town.li_si, ("suspected", at(DAY - days(1), 9)))
    Contact.objects.create(case=other, resident=town.zhang_san, status="dismissed", decided_at=at(DAY, 10),
                           path=other.path)  # fmt: skip
    compute_day(day=DAY)
    assert value(node(town.grid_a1), "contacts_confirmed") == 1
    assert value(town.city.path, "contacts_confirmed") == 1
