"""Quarantines: start with policy days, day N of M from dates, extend, shorten with a reason, release
(with normal checks, or an explicit reason), the due lists; bad input refused, nothing changed."""

import datetime

import pytest
from django.utils import translation

from lianfang.core.errors import DomainError
from lianfang.epi.models import EpiPolicy, Quarantine, QuarantineChange, QuarantineStatus
from lianfang.epi.queries import active_quarantines, quarantines_due
from lianfang.epi.services import (
    extend_quarantine,
    record_health_check,
    release_quarantine,
    shorten_quarantine,
    start_quarantine,
)
from lianfang.places.models import Household

D = datetime.timedelta


def home(world, resident, today, **kw):
    return start_quarantine(
        user=kw.pop("user", world.health_a),
        resident=resident,
        kind="home",
        reason="contact",
        today=today,
        **kw,
    )


def held(household) -> datetime.date | None:
    return Household.objects.get(pk=household.pk).exits_held_until


def state() -> tuple:
    return (
        tuple(Quarantine.objects.order_by("id").values_list("status", "planned_end", "ended_on")),
        QuarantineChange.objects.count(),
        tuple(Household.objects.order_by("id").values_list("exits_held_until", flat=True)),
    )


def refused(code: str, call, **kw) -> DomainError:
    with translation.override("en"), pytest.raises(DomainError) as caught:
        call(**kw)
    assert caught.value.code == code
    return caught.value


def test_a_home_quarantine_lasts_the_policy_days_and_holds_the_household(world, today):
    q = home(world, world.zhang_san, today)

    assert (q.start, q.planned_end, q.days, q.day_number(today)) == (today, today + D(13), 14, 1)
    assert q.day_number(today + D(13)) == 14
    assert q.household_id == world.household_a1.id and q.path == world.household_a1.path
    assert held(world.household_a1) == today + D(13)
    assert q.changes.get().kind == "start"


def test_the_nearest_policy_up_the_tree_sets_the_days(world, today):
    EpiPolicy.objects.create(area=world.street, home_quarantine_days=10, case_quarantine_days=5)
    EpiPolicy.objects.create(area=world.community_a, home_quarantine_days=7, case_quarantine_days=3)

    assert home(world, world.zhang_san, today).days == 7
    case_q = start_quarantine(
        user=world.health_a, resident=world.li_si, kind="home", reason="case", today=today
    )
    assert case_q.days == 3
    outside = start_quarantine(
        user=world.staff_b, resident=world.wang_wu, kind="home", reason="travel", today=today
    )
    assert outside.days == 10


def test_a_start_after_tomorrow_is_refused_and_tomorrow_is_fine(world, today):
    refused("date_in_future", home, world=world, resident=world.zhang_san, today=today, start=today + D(2))
    assert Quarantine.objects.count() == 0
    assert home(world, world.zhang_san, today, start=today + D(1)).planned_end == today + D(14)


def test_a_person_without_household_cannot_go_into_home_quarantine(world, today):
    from lianfang.epi.services import PersonData, change_case_status, create_case

    case = create_case(
        user=world.health_a,
        person=PersonData(name="赵六", community=world.community_a),
        status="suspected",
        source="screening",
        today=today,
    )
    change_case_status(user=world.health_a, case=case, status="excluded")
    refused("no_household", home, world=world, resident=case.resident, today=today)
    assert Quarantine.objects.count() == 0


def test_an_open_case_is_not_quarantined(world, today, case_a1):
    refused("person_is_case", home, world=world, resident=world.zhang_san, today=today)
    assert Quarantine.objects.count() == 0


def test_extending_and_shortening_move_the_hold(world, today):
    q = home(world, world.zhang_san, today)

    extend_quarantine(user=world.health_a, quarantine=q, days=3, reason="复查")
    assert held(world.household_a1) == today + D(16)
    shorten_quarantine(user=world.health_a, quarantine=q, new_end=today + D(9), reason="政策调整")
    assert held(world.household_a1) == today + D(9)

    rows = list(q.changes.values_list("kind", "old_end", "new_end", "note"))
    assert rows[1:] == [
        ("extend", today + D(13), today + D(16), "复查"),
        ("shorten", today + D(16), today + D(9), "政策调整"),
    ]


def test_shortening_needs_a_reason_and_an_earlier_day_not_before_the_start(world, today):
    q = home(world, world.zhang_san, today)
    before = state()

    refused(
        "reason_required",
        shorten_quarantine,
        user=world.health_a,
        quarantine=q,
        new_end=today + D(5),
        reason="",
    )
    refused(
        "not_shorter",
        shorten_quarantine,
        user=world.health_a,
        quarantine=q,
        new_end=today + D(20),
        reason="x",
    )
    refused(
        "before_start",
        shorten_quarantine,
        user=world.health_a,
        quarantine=q,
        new_end=today - D(1),
        reason="x",
    )
    refused("bad_days", extend_quarantine, user=world.health_a, quarantine=q, days=0)
    assert state() == before


def test_release_before_the_end_without_a_reason_is_refused(world, today, normal_checks):
    q = home(world, world.zhang_san, today - D(5))
    normal_checks(world.zhang_san, today - D(1), today)
    before = state()

    err = refused(
        "release_early_reason_required", release_quarantine, user=world.health_a, quarantine=q, today=today
    )

    assert err.field == "override_reason" and str(q.planned_end) in str(err.message)
    assert state() == before


def test_release_before_the_end_with_a_reason_frees_the_household(world, today):
    q = home(world, world.zhang_san, today)

    release_quarantine(user=world.health_a, quarantine=q, today=today + D(3), override_reason="转为集中隔离")

    q.refresh_from_db()
    assert (q.status, q.ended_on, q.end_note) == (QuarantineStatus.RELEASED, today + D(3), "转为集中隔离")
    assert held(world.household_a1) is None
    refused("quarantine_ended", release_quarantine, user=world.health_a, quarantine=q, today=today + D(3))


def test_release_at_the_end_needs_the_last_checks_normal(world, today, normal_checks):
    start = today - D(13)
    q = start_quarantine(
        user=world.health_a, resident=world.zhang_san, kind="home", reason="contact", start=start, today=start
    )
    assert q.planned_end == today
    refused("release_checks_missing", release_quarantine, user=world.health_a, quarantine=q, today=today)

    normal_checks(world.zhang_san, today - D(2))
    record_health_check(
        user=world.health_a,
        resident=world.zhang_san,
        temperature="37.8",
        symptoms=[],
        date=today - D(1),
        today=today,
    )
    normal_checks(world.zhang_san, today)
    refused("release_checks_abnormal", release_quarantine, user=world.health_a, quarantine=q, today=today)
    assert Quarantine.objects.get(pk=q.pk).status == QuarantineStatus.ACTIVE

    normal_checks(world.zhang_san, today)  # a second normal reading today: the last two are normal
    release_quarantine(user=world.health_a, quarantine=q, today=today)
    assert Quarantine.objects.get(pk=q.pk).status == QuarantineStatus.RELEASED
    assert held(world.household_a1) is None


def test_the_due_lists_split_ends_today_tomorrow_and_overdue(world, unit31, today):
    def q_for(resident, start, days):
        return start_quarantine(
            user=world.health_a,
            resident=resident,
            kind="home",
            reason="contact",
            start=start,
            days=days,
            today=start,
        )

    ends_today = q_for(unit31.residents[0], today - D(13), 14)
    ends_tomorrow = q_for(unit31.residents[1], today - D(12), 14)
    overdue = q_for(unit31.residents[2], today - D(15), 14)
    q_for(unit31.residents[3], today, 14)

    due = quarantines_due(world.health_a, today=today)
    assert [list(due[k]) for k in ("ends_today", "ends_tomorrow", "overdue")] == [
        [ends_today],
        [ends_tomorrow],
        [overdue],
    ]
    assert all(not qs.exists() for qs in quarantines_due(world.staff_b, today=today).values())
    assert held(unit31.households[2]) == today + D(13)


def test_active_quarantines_are_scoped_and_filter_by_household(
    world, unit31, today, django_assert_num_queries
):
    home(world, world.zhang_san, today)
    home(world, unit31.residents[1], today)
    home(world, world.wang_wu, today, user=world.staff_b)

    with django_assert_num_queries(1):
        rows = [(q.resident.name, q.household.label) for q in active_quarantines(world.health_a)]
    assert sorted(rows) == [("张三", "3栋1单元101"), ("钱一", "3栋1单元102")]
    assert [
        q.resident.name for q in active_quarantines(world.staff_a, household_id=world.household_a1.id)
    ] == ["张三"]
    assert [q.resident.name for q in active_quarantines(world.resident_a)] == ["张三"]
    assert list(active_quarantines(world.guard_a)) == []
