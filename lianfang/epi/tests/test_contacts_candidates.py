"""Contact candidates of a case, found exactly on a hand-built gate log.

The case: 张三 (阳光小区 3栋1单元101), onset 2026-03-10, isolated 2026-03-12. With the default policy
(2 days before onset, ±15 minutes) the infectious period is [03-08 00:00, 03-13 00:00) local time and the
window is inclusive: 15 min 0 s apart is a contact, 15 min 1 s is not.

The case household's passages at 东门 (all allowed unless said):
    03-07 23:59:59  just before the period (does not count)
    03-08 00:00:00  the first instant of the period
    03-10 08:00:00  the main one
    03-10 14:00:00  back home (nobody else around)
    03-11 18:05:00  a second meeting of 6栋1单元102 (who thus has two encounters)
    03-11 12:00:00  made with the wife's personal pass: the case was not there (does not count)
    03-12 23:59:59  the last second of the period
    03-13 00:00:00  just after the period (does not count)
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from lianfang.access.models import Pass, Passage, PassKind
from lianfang.core.errors import DomainError
from lianfang.epi import contacts
from lianfang.epi.models import Contact, ContactStatus, EpiPolicy
from lianfang.people.services import ResidentData, create_resident
from lianfang.places.models import Gate
from lianfang.places.services import ensure_household


def at(day: int, hh: int, mm: int, ss: int = 0, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hh, mm, ss, tzinfo=timezone.get_current_timezone())


def people(world, household, *names: str) -> list:
    return [
        create_resident(user=world.staff_a, household=household, data=ResidentData(name=n)) for n in names
    ]


def passage(gate, household, when, *, decision="allowed", pass_obj=None, direction="out") -> Passage:
    code = {"allowed": "exit_allowed", "refused": "quota_used", "referred": "fever"}[decision]
    return Passage.objects.create(
        gate=gate,
        household=household,
        pass_obj=pass_obj,
        direction=direction,
        decision=decision,
        code=code,
        server_time=when,
        path=gate.path,
    )


@pytest.fixture
def log(world):
    from lianfang.epi.services import create_case

    east = world.gate_a
    west = Gate.objects.get(compound=world.compound_a, name="西门")
    home = world.household_a1
    (wife,) = people(world, home, "张妻")
    unit_home = ensure_household(compound=world.compound_a, building="3", unit="1", room="102")
    (neighbour,) = people(world, unit_home, "钱邻")

    def household(room: str, *names: str):
        h = ensure_household(compound=world.compound_a, building="6", unit="1", room=room)
        return h, people(world, h, *names)

    twice, twice_people = household("102", "两次甲", "两次乙")
    in_after, in_after_people = household("201", "后十五")
    out_after, out_after_people = household("202", "后十五零一秒")
    in_before, in_before_people = household("203", "前十五")
    out_before, out_before_people = household("204", "前十五零一秒")
    other_gate, other_gate_people = household("205", "西门同时")
    refused, refused_people = household("206", "被拒")
    referred, referred_people = household("207", "发热留观")
    early, early_people = household("301", "期前")
    first, first_people = household("302", "期初")
    last, last_people = household("303", "期末")
    late, late_people = household("304", "期后")
    personal, personal_people = household("305", "赵六", "钱七")
    wife_pass_meet, wife_pass_people = household("306", "见妻")
    zhao_pass = Pass.objects.create(
        kind=PassKind.PERSON,
        household=personal,
        resident=personal_people[0],
        compound=world.compound_a,
        path=personal.path,
        valid_to=datetime.date(2030, 1, 1),
    )
    wife_pass = Pass.objects.create(
        kind=PassKind.PERSON,
        household=home,
        resident=wife,
        compound=world.compound_a,
        path=home.path,
        valid_to=datetime.date(2030, 1, 1),
    )

    # The case household's passages.
    passage(east, home, at(7, 23, 59, 59))
    passage(east, home, at(8, 0, 0, 0), direction="in")
    passage(east, home, at(10, 8, 0))
    passage(east, home, at(11, 18, 5))
    passage(east, home, at(11, 12, 0), pass_obj=wife_pass)
    passage(east, home, at(12, 23, 59, 59), direction="in")
    passage(east, home, at(13, 0, 0, 0))
    # Around 03-10 08:00.
    passage(east, in_after, at(10, 8, 15, 0))
    passage(east, out_after, at(10, 8, 15, 1))
    passage(east, in_before, at(10, 7, 45, 0))
    passage(east, out_before, at(10, 7, 44, 59))
    passage(west, other_gate, at(10, 8, 0))
    passage(east, refused, at(10, 8, 1), decision="refused")
    passage(east, referred, at(10, 8, 2), decision="referred", direction="in")
    passage(east, home, at(10, 14, 0), direction="in")  # back home: the household's own passage, alone
    passage(east, unit_home, at(10, 8, 4))
    passage(east, twice, at(10, 8, 10))
    passage(east, twice, at(11, 18, 0), direction="in")
    passage(east, personal, at(10, 8, 5), pass_obj=zhao_pass)
    passage(east, wife_pass_meet, at(11, 12, 1))
    # Around the ends of the period.
    passage(east, early, at(7, 23, 44, 59))  # 15:00 after 23:59:59 (outside), 15:01 before 00:00 (inside)
    passage(east, first, at(8, 0, 15, 0))  # 15:00 after 00:00:00, 15:01 after 23:59:59
    passage(east, last, at(12, 23, 44, 59))  # 15:00 before 23:59:59, 15:01 before 00:00:00
    passage(east, late, at(13, 0, 15, 0))  # 15:00 after 00:00:00 on the 13th (outside), 15:01 after 23:59:59

    case = create_case(
        user=world.health_a,
        resident=world.zhang_san,
        status="confirmed",
        source="hospital",
        onset_date=datetime.date(2026, 3, 10),
        report_date=datetime.date(2026, 3, 11),
        isolation_date=datetime.date(2026, 3, 12),
        today=datetime.date(2026, 3, 12),
    )
    return SimpleNamespace(
        case=case,
        east=east,
        wife=wife,
        neighbour=neighbour,
        twice=twice_people,
        in_after=in_after_people[0],
        out_after=out_after_people[0],
        in_before=in_before_people[0],
        out_before=out_before_people[0],
        other_gate=other_gate_people[0],
        refused=refused_people[0],
        referred=referred_people[0],
        early=early_people[0],
        first=first_people[0],
        last=last_people[0],
        late=late_people[0],
        zhao=personal_people[0],
        qian=personal_people[1],
        wife_pass_meet=wife_pass_people[0],
    )


def found(world, log, user=None):
    with translation.override("en"):
        return {c.resident_id: c for c in contacts.candidates(log.case, user=user or world.health_a)}


def test_the_infectious_period_runs_from_two_days_before_onset_to_the_end_of_the_isolation_day(log):
    from lianfang.epi.policy import epi_policy_for_path

    start, end = contacts.infectious_period(log.case, epi_policy_for_path(log.case.path), now=at(20, 9, 0))
    assert (start, end) == (at(8, 0, 0), at(13, 0, 0))


def test_without_isolation_the_period_ends_now_and_without_onset_it_starts_from_the_report(log):
    from lianfang.epi.policy import epi_policy_for_path

    log.case.onset_date = None
    log.case.isolation_date = None
    start, end = contacts.infectious_period(log.case, epi_policy_for_path(log.case.path), now=at(11, 9, 30))
    assert (start, end) == (at(9, 0, 0), at(11, 9, 30))


def test_a_passage_fifteen_minutes_apart_is_a_contact_and_one_second_more_is_not(world, log):
    got = found(world, log)

    assert log.in_after.pk in got and log.in_before.pk in got
    assert log.out_after.pk not in got and log.out_before.pk not in got
    reason = got[log.in_after.pk].reasons[0]
    assert (reason.kind, reason.gate_id, reason.at, reason.minutes_apart) == (
        "gate",
        log.east.pk,
        at(10, 8, 15),
        15,
    )
    assert reason.text == "东门 03-10 08:15, 15 min apart"


def test_passages_just_outside_the_infectious_period_do_not_count(world, log):
    got = found(world, log)

    assert log.first.pk in got and log.last.pk in got
    assert log.early.pk not in got and log.late.pk not in got


def test_the_same_time_at_another_gate_is_not_a_contact(world, log):
    assert log.other_gate.pk not in found(world, log)


def test_a_refused_scan_does_not_count_but_a_fever_referral_does(world, log):
    got = found(world, log)

    assert log.refused.pk not in got
    assert got[log.referred.pk].reasons[0].minutes_apart == 2


def test_the_case_household_are_household_contacts_never_gate_contacts_and_the_case_is_not_proposed(
    world, log
):
    got = found(world, log)

    assert world.zhang_san.pk not in got
    assert [r.kind for r in got[log.wife.pk].reasons] == ["household"]
    assert got[log.wife.pk].reasons[0].text == "Same household"


def test_a_passage_with_another_member_s_personal_pass_is_not_the_case_at_the_gate(world, log):
    assert log.wife_pass_meet.pk not in found(world, log)


def test_a_personal_pass_names_only_its_holder_and_a_household_pass_the_whole_household(world, log):
    got = found(world, log)

    assert log.zhao.pk in got and log.qian.pk not in got
    assert all(p.pk in got for p in log.twice)


def test_same_unit_residents_are_proposed_with_their_gate_encounters(world, log):
    neighbour = found(world, log)[log.neighbour.pk]

    assert [r.kind for r in neighbour.reasons] == ["unit", "gate"]
    assert neighbour.reasons[0].text == "Same unit: 阳光小区 3栋1单元102"
    assert neighbour.household_label == "阳光小区 3栋1单元102"


def test_policy_without_same_unit_contacts_keeps_only_the_gate_reason(world, log):
    EpiPolicy.objects.create(area=world.community_a, same_unit_contacts=False)

    assert [r.kind for r in found(world, log)[log.neighbour.pk].reasons] == ["gate"]


def test_a_narrower_window_from_the_policy_drops_the_farther_encounters(world, log):
    EpiPolicy.objects.create(area=world.community_a, contact_window_minutes=5)
    got = found(world, log)

    assert log.in_after.pk not in got and log.referred.pk in got


def test_candidates_are_ranked_household_unit_more_encounters_then_closer_in_time(world, log):
    with translation.override("en"):
        ranked = contacts.candidates(log.case, user=world.health_a)
    order = [c.resident_id for c in ranked]

    assert order[:2] == [log.wife.pk, log.neighbour.pk]
    assert set(order[2:4]) == {p.pk for p in log.twice}  # two encounters each
    assert order[4:6] == [log.referred.pk, log.zhao.pk]  # 2 min, then 5 min apart
    # 15 min apart each: by address (6栋1单元201, 203, 302, 303).
    assert order[6:] == [log.in_after.pk, log.in_before.pk, log.first.pk, log.last.pk]
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    twice = ranked[2]
    assert (twice.score, [r.minutes_apart for r in twice.reasons]) == (102, [5, 10])
    assert all(c.degree == 1 and c.decision is None for c in ranked)


def test_secondary_contacts_appear_once_a_contact_is_confirmed(world, log):
    assert log.qian.pk not in found(world, log)
    Contact.objects.create(
        case=log.case, resident=log.zhao, status=ContactStatus.CONFIRMED, path=log.case.path, degree=1
    )

    with translation.override("en"):
        ranked = contacts.candidates(log.case, user=world.health_a)
    qian = ranked[-1]
    assert (qian.resident_id, qian.degree, qian.via_resident_id) == (log.qian.pk, 2, log.zhao.pk)
    assert [(r.kind, r.text) for r in qian.reasons] == [("secondary", "Household of close contact 赵六")]
    zhao = next(c for c in ranked if c.resident_id == log.zhao.pk)
    assert zhao.decision == "confirmed" and zhao.contact_id is not None


def test_a_dismissed_contact_brings_no_secondary_contacts(world, log):
    Contact.objects.create(
        case=log.case, resident=log.zhao, status=ContactStatus.DISMISSED, path=log.case.path, note="no"
    )

    got = found(world, log)
    assert log.qian.pk not in got
    assert got[log.zhao.pk].decision == "dismissed"


def test_the_grid_worker_of_the_case_sees_the_candidates(world, log):
    assert log.wife.pk in found(world, log, user=world.grid_a1_worker)


def test_staff_of_another_community_get_not_found(world, log):
    with pytest.raises(DomainError) as err:
        contacts.candidates(log.case, user=world.staff_b)
    assert (err.value.code, err.value.status) == ("not_found", 404)


def test_candidates_take_a_fixed_number_of_queries(world, log, django_assert_max_num_queries):
    Contact.objects.create(
        case=log.case, resident=log.zhao, status=ContactStatus.CONFIRMED, path=log.case.path, degree=1
    )
    with django_assert_max_num_queries(8):
        ranked = contacts.candidates(log.case, user=world.health_a)
    assert len(ranked) == 11
