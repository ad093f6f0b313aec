"""The article's rule: each household may go out once every two days. Exits count, entries never."""

import datetime

from lianfang.access.models import OutingPolicy, Pass, Passage, PassKind
from lianfang.access.tests.conftest import at

D = datetime.date(2026, 3, 2)


def test_first_exit_is_allowed_and_counted(passes, scan):
    r = scan(passes["household_a1"], "out", at(D, 8))
    assert (r.decision, r.code, r.exits_left) == ("allowed", "exit_allowed", 0)
    assert Passage.objects.filter(counted=True).count() == 1


def test_exit_at_2359_then_0001_is_refused_with_the_next_allowed_date(passes, scan):
    assert scan(passes["household_a1"], "out", at(D, 23, 59)).decision == "allowed"
    r = scan(passes["household_a1"], "out", at(D + datetime.timedelta(days=1), 0, 1))
    assert (r.decision, r.code) == ("refused", "quota_used")
    assert r.next_allowed == D + datetime.timedelta(days=2)
    assert "2026" in r.message or "3" in r.message
    assert Passage.objects.filter(counted=True).count() == 1


def test_exit_is_allowed_again_on_the_next_allowed_date(passes, scan):
    scan(passes["household_a1"], "out", at(D, 23, 59))
    r = scan(passes["household_a1"], "out", at(D + datetime.timedelta(days=2), 0, 1))
    assert r.code == "exit_allowed"


def test_two_members_of_one_household_share_the_quota(world, passes, scan):
    h = world.household_a1
    own = Pass.objects.create(
        kind=PassKind.PERSON,
        household=h,
        resident=world.zhang_san,
        compound=h.compound,
        path=h.path,
        valid_from=D,
        valid_to=D + datetime.timedelta(days=30),
    )
    assert scan(passes["household_a1"], "out", at(D, 9)).code == "exit_allowed"
    r = scan(own, "out", at(D, 10))
    assert r.code == "quota_used"


def test_entries_are_never_counted_or_refused(passes, scan):
    scan(passes["household_a1"], "out", at(D, 9))
    for hour in (10, 11, 12):
        r = scan(passes["household_a1"], "in", at(D, hour))
        assert (r.decision, r.code) == ("allowed", "entry_allowed")
    assert Passage.objects.filter(counted=True).count() == 1


def test_other_households_are_not_affected(passes, scan):
    scan(passes["household_a1"], "out", at(D, 9))
    assert scan(passes["household_a2"], "out", at(D, 9, 5)).code == "exit_allowed"


def test_exempt_kinds_go_out_without_counting(world, passes, scan):
    work = Pass.objects.create(
        kind=PassKind.WORK,
        holder="市人民医院 护士",
        compound=world.compound_a,
        path=world.compound_a.path,
        valid_from=D,
        valid_to=D + datetime.timedelta(days=30),
    )
    for hour in (7, 12, 19):
        r = scan(work, "out", at(D, hour))
        assert (r.decision, r.code) == ("allowed", "exit_exempt")
    assert Passage.objects.filter(counted=True).count() == 0


def test_vehicle_passes_can_be_made_exempt_by_policy(world, passes, scan):
    OutingPolicy.objects.create(area=world.community_a, exempt_kinds="work vehicle")
    car = Pass.objects.create(
        kind=PassKind.VEHICLE,
        household=world.household_a1,
        plate="皖D12345",
        compound=world.compound_a,
        path=world.household_a1.path,
        valid_from=D,
        valid_to=D + datetime.timedelta(days=30),
    )
    assert scan(car, "out", at(D, 7)).code == "exit_exempt"
    assert scan(passes["household_a1"], "out", at(D, 8)).code == "exit_allowed"


def test_two_exits_per_three_days_policy(world, passes, scan):
    OutingPolicy.objects.create(area=world.community_a, exits_per_period=2, period_days=3)
    p = passes["household_a1"]
    assert scan(p, "out", at(D, 9)).exits_left == 1
    assert scan(p, "out", at(D + datetime.timedelta(days=1), 9)).exits_left == 0
    r = scan(p, "out", at(D + datetime.timedelta(days=2), 9))
    assert r.code == "quota_used"
    assert r.next_allowed == D + datetime.timedelta(days=3)
    assert scan(p, "out", at(D + datetime.timedelta(days=3), 9)).code == "exit_allowed"


def test_closed_hours_refuse_exits_but_not_entries(world, passes, scan):
    OutingPolicy.objects.create(
        area=world.community_a, closed_from=datetime.time(22), closed_until=datetime.time(6)
    )
    assert scan(passes["household_a1"], "out", at(D, 23)).code == "closed_hours"
    assert scan(passes["household_a1"], "out", at(D, 5, 59)).code == "closed_hours"
    assert scan(passes["household_a1"], "in", at(D, 23, 30)).code == "entry_allowed"
    assert scan(passes["household_a1"], "out", at(D, 6)).code == "exit_allowed"
