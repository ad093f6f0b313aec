"""The gate and home quarantine: a household held by epi (Household.exits_held_until) is refused OUT with
code `quarantined` up to and including its last day; IN stays allowed; the scan costs no extra query."""

import datetime

from lianfang.access.models import Pass, Passage, PassKind
from lianfang.access.scan import queries_per_scan
from lianfang.access.tests.conftest import at
from lianfang.epi.services import release_quarantine, start_quarantine
from lianfang.places.models import Household

D = datetime.date(2026, 3, 2)
DAY = datetime.timedelta(days=1)


def hold(world, resident=None, days=14):
    return start_quarantine(
        user=world.health_a,
        resident=resident or world.zhang_san,
        kind="home",
        reason="contact",
        start=D,
        days=days,
        today=D,
    )


def test_a_held_household_is_refused_out_and_allowed_in(world, passes, scan):
    hold(world)

    out = scan(passes["household_a1"], "out", at(D, 9))
    assert (out.decision, out.code) == ("refused", "quarantined")
    assert out.message and out.household == "阳光小区 3栋1单元101"
    assert scan(passes["household_a1"], "in", at(D, 10)).code == "entry_allowed"
    assert scan(passes["household_a2"], "out", at(D, 9)).code == "exit_allowed"
    p = Passage.objects.get(code="quarantined")
    assert p.decision == "refused" and not p.counted


def test_the_hold_lasts_through_the_last_day_and_ends_by_date(world, passes, scan):
    q = hold(world)

    assert scan(passes["household_a1"], "out", at(q.planned_end, 21, 59)).code == "quarantined"
    assert scan(passes["household_a1"], "out", at(q.planned_end + DAY, 7)).code == "exit_allowed"


def test_quarantine_outranks_the_work_pass_exemption(world, passes, scan):
    work = Pass.objects.create(
        kind=PassKind.WORK,
        household=world.household_a1,
        compound=world.compound_a,
        path=world.household_a1.path,
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2030, 12, 31),
    )
    hold(world)

    assert scan(work, "out", at(D, 9)).code == "quarantined"


def test_releasing_the_only_quarantine_frees_the_household_at_once(world, passes, scan):
    q = hold(world)
    release_quarantine(user=world.health_a, quarantine=q, today=D + 2 * DAY, override_reason="转院")

    assert Household.objects.get(pk=world.household_a1.pk).exits_held_until is None
    assert scan(passes["household_a1"], "out", at(D + 2 * DAY, 9)).code == "exit_allowed"


def test_a_retry_of_a_quarantined_scan_answers_the_same_refusal(world, passes, scan):
    import uuid

    hold(world)
    cid = uuid.uuid4()
    first = scan(passes["household_a1"], "out", at(D, 9), client_id=cid)
    again = scan(passes["household_a1"], "out", at(D, 9, 1), client_id=cid)

    assert first.code == again.code == "quarantined" and again.duplicate
    assert Passage.objects.count() == 1


def test_a_held_household_costs_no_extra_query_per_scan(world, passes, scan, django_assert_num_queries):
    hold(world)
    scan(passes["household_a2"], "in", at(D, 9))  # warm the gate and policy caches (kept for seconds)

    with django_assert_num_queries(queries_per_scan()):
        assert scan(passes["household_a1"], "out", at(D, 9)).code == "quarantined"
    with django_assert_num_queries(queries_per_scan()):
        assert scan(passes["household_a2"], "out", at(D, 9)).code == "exit_allowed"
