"""seed_demo issues a household pass to every household and, with --passage-days, writes a gate log that
the live outing rule agrees with: scanning right after the seed continues the generated log."""

from __future__ import annotations

import datetime
import io
import uuid
from collections import defaultdict
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from lianfang.access import gatecache, policy
from lianfang.access.models import NUMBER_ALPHABET, Pass, Passage, PassKind, PassStatus
from lianfang.access.scan import ScanInput, record_scan
from lianfang.access.services import outing_status
from lianfang.core.models import Alert, AlertKind, AlertStatus
from lianfang.demo import passages
from lianfang.places.models import Area, AreaLevel, Gate, Household

pytestmark = pytest.mark.django_db

# bulk_create, and COPY: the way the city is loaded.
METHODS = ["orm", "copy"]


@pytest.fixture(autouse=True)
def _fresh_caches():
    policy.clear_cache()
    gatecache.clear()
    yield
    policy.clear_cache()
    gatecache.clear()


def seed(*extra: str) -> None:
    call_command("seed_demo", "--scale", "tiny", *extra, stdout=io.StringIO())


# The generated log depends on the hour it is made at (today's scans stop at "now", and what is skipped
# shifts the random draws after it): at some hours the tiny city had no refused second exit at all, so
# the tests below failed at those hours only. The seed and the tests run on a clock frozen at this hour.
SEED_HOUR = 15


@pytest.fixture(params=METHODS)
def seeded(request):
    """The tiny city with three days of gate records, made at SEED_HOUR today (local time) on a frozen
    clock that stays there for the test; returns that time."""
    at = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(SEED_HOUR, 0)))
    with time_machine.travel(at, tick=False):
        seed("--passage-days", "3", "--method", request.param)
        yield timezone.now()


def open_gate_of(household: Household) -> Gate:
    return Gate.objects.get(compound_id=household.compound_id, is_open=True)


def household_pass(household: Household) -> Pass:
    return Pass.objects.get(household=household, kind=PassKind.HOUSEHOLD)


def scan_now(household: Household, direction: str, temperature: str = "36.6"):
    return record_scan(
        gate=gatecache.for_gate(open_gate_of(household).pk),
        scan=ScanInput(
            client_id=uuid.uuid4(),
            token=household_pass(household).qr_text,
            direction=direction,
            temperature=temperature,
        ),
    )


def counted_exit_days() -> dict[int, list[datetime.date]]:
    days: dict[int, list[datetime.date]] = defaultdict(list)
    for hid, at in Passage.objects.filter(counted=True).values_list("household_id", "server_time"):
        days[hid].append(timezone.localdate(at))
    return {hid: sorted(d) for hid, d in days.items()}


def test_every_household_has_exactly_one_active_household_pass_around_today():
    seed()
    today = timezone.localdate()
    household_passes = Pass.objects.filter(kind=PassKind.HOUSEHOLD)
    assert household_passes.count() == Household.objects.count() == 80
    assert sorted(household_passes.values_list("household_id", flat=True)) == sorted(
        Household.objects.values_list("id", flat=True)
    )
    for p in household_passes.select_related("household"):
        assert p.status == PassStatus.ACTIVE and p.version == 1
        assert p.compound_id == p.household.compound_id and p.path == p.household.path
        assert p.valid_from == today - datetime.timedelta(days=30)
        assert p.valid_to == today + datetime.timedelta(days=60)
    assert not Passage.objects.exists()  # no gate log without --passage-days


def test_pass_numbers_are_unique_eight_characters_of_the_pass_alphabet():
    seed()
    numbers = list(Pass.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 80 + 2 * 5
    assert all(len(n) == 8 and set(n) <= set(NUMBER_ALPHABET) for n in numbers)
    # The mapping is a bijection: no two household ids (nor the extra passes counting down) share a number.
    made = {passages.pass_number(n, 2020) for n in range(200_000)}
    made |= {passages.pass_number(31**8 - 1 - n, 2020) for n in range(5_000)}
    assert len(made) == 205_000


def test_each_community_has_work_passes_for_the_whole_community_and_vehicle_passes():
    seed()
    for community in Area.objects.filter(level=AreaLevel.COMMUNITY):
        work = Pass.objects.filter(kind=PassKind.WORK, path=community.path)
        assert work.count() == 3
        assert all(p.compound_id is None and p.household_id is None and p.holder for p in work)
        assert "社区卫生服务站 医生" in {p.holder for p in work}
        cars = Pass.objects.filter(kind=PassKind.VEHICLE, path=community.path)
        assert cars.count() == 2
        assert all(p.household_id and p.plate.startswith("皖D") and len(p.plate) == 7 for p in cars)


def test_the_gate_log_covers_the_last_days_in_both_directions_at_the_open_gates(seeded):
    log = list(Passage.objects.select_related("gate"))
    # Today's share depends on the hour the test runs (just after local midnight it is empty): the two full
    # days before today are what every run has (the second one sparser: most households went out on the
    # first, and one exit every two days is the rule).
    first_day = timezone.localdate(seeded) - datetime.timedelta(days=2)
    full_days = (first_day, first_day + datetime.timedelta(days=1))
    for day in full_days:
        assert {p.direction for p in log if timezone.localdate(p.server_time) == day} == {"in", "out"}
    assert len([p for p in log if timezone.localdate(p.server_time) in full_days]) > 100
    open_gates = {g.compound_id: g.pk for g in Gate.objects.filter(is_open=True)}
    compound_of = dict(Household.objects.values_list("id", "compound_id"))
    for p in log:
        assert p.gate.is_open and p.path == p.gate.path
        assert p.device_id is None and p.guard_id is None
        assert first_day <= timezone.localdate(p.server_time) and p.server_time <= seeded
        assert (
            datetime.timedelta(seconds=1) <= p.server_time - p.client_time <= datetime.timedelta(seconds=10)
        )
        if p.household_id:
            assert p.gate_id == open_gates[compound_of[p.household_id]]
        if p.code != "fever":
            assert Decimal("36.0") <= p.temperature <= Decimal("37.2")
    codes = {p.code for p in log}
    assert {"exit_allowed", "entry_allowed", "quota_used", "fever", "exit_exempt"} <= codes
    assert len({p.client_id for p in log}) == len(log)
    assert all(p.client_id.version == 4 and p.client_id.variant == uuid.RFC_4122 for p in log)


def test_exits_peak_in_the_morning_and_entries_in_the_evening(seeded):
    def hours(**filters) -> list[int]:
        times = Passage.objects.filter(household__isnull=False, **filters).values_list(
            "server_time", flat=True
        )
        return [timezone.localtime(t).hour for t in times]

    exits, entries = hours(code="exit_allowed"), hours(code="entry_allowed")
    assert sum(7 <= h < 9 for h in exits) > len(exits) / 4
    assert all(6 <= h < 20 for h in exits)
    assert sum(17 <= h < 20 for h in entries) > len(entries) / 4


def test_allowed_exits_are_counted_and_no_household_exceeds_one_exit_in_two_days(seeded):
    for p in Passage.objects.exclude(code="exit_allowed"):
        assert not p.counted
    for p in Passage.objects.filter(code="exit_allowed"):
        assert (p.decision, p.counted, p.exits_left, p.direction) == ("allowed", True, 0, "out")
    days = counted_exit_days()
    assert len(days) > 40  # most of the 80 households went out in three days
    for hid, exits in days.items():
        for earlier, later in zip(exits, exits[1:], strict=False):
            assert (later - earlier).days >= 2, hid


def test_refused_second_exits_carry_the_date_the_live_rule_gives(seeded):
    refused = list(Passage.objects.filter(code="quota_used"))
    assert refused
    days = counted_exit_days()
    for p in refused:
        assert (p.decision, p.direction, p.counted, p.exits_left) == ("refused", "out", False, None)
        day = timezone.localdate(p.server_time)
        exits = [d for d in days[p.household_id] if day - datetime.timedelta(days=1) <= d <= day]
        assert len(exits) == 1
        assert p.next_allowed == exits[0] + datetime.timedelta(days=2)


def test_fevers_are_referred_each_with_an_alert_and_recent_ones_flag_the_household(seeded):
    fevers = list(Passage.objects.filter(code="fever").select_related("household"))
    assert fevers
    alerts = {a.source_id: a for a in Alert.objects.filter(kind="fever", source_type="passage")}
    # One alert per household and day, as at the gate (its deduplication key): the day's first fever.
    firsts = {(p.household_id or str(p.client_id), timezone.localdate(p.server_time)) for p in fevers}
    assert len(alerts) == len(firsts)
    fevers = [p for p in fevers if str(p.client_id) in alerts]
    since = timezone.localdate() - datetime.timedelta(days=1)
    for p in fevers:
        assert (p.decision, p.counted, p.exits_left) == ("referred", False, None)
        assert Decimal("37.3") <= p.temperature <= Decimal("39.2")
        alert = alerts[str(p.client_id)]
        assert alert.household_id == p.household_id and alert.path == p.path
        assert alert.created_at == p.server_time
        assert str(p.temperature) in alert.title
        if timezone.localdate(p.server_time) >= since:
            # Still in the inbox: open while its response time runs, acknowledged after it.
            assert alert.status in (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED) and alert.handled_at is None
            if alert.status == AlertStatus.ACKNOWLEDGED:
                assert alert.created_at < alert.acknowledged_at < alert.respond_by <= timezone.now()
            if p.household:
                assert p.household.flag_reason == "fever" and p.household.flagged_at >= p.server_time
        else:
            assert alert.status == AlertStatus.RESOLVED and alert.handled_at > alert.created_at
            assert alert.outcome == "false_alarm" and alert.events.count() == 3


def test_scanning_right_after_the_seed_follows_the_generated_log(seeded):
    today = timezone.localdate()
    days = counted_exit_days()
    # Households the demo put in home quarantine answer "quarantined" first (epi), whatever their exits.
    held = set(Household.objects.filter(exits_held_until__gte=today).values_list("pk", flat=True))
    blocked = {
        hid: d[-1]
        for hid, d in days.items()
        if d[-1] >= today - datetime.timedelta(days=1) and hid not in held
    }
    assert blocked
    free = [h for h in Household.objects.all() if h.pk not in blocked and h.pk not in held]
    assert free
    for hid, last in list(blocked.items())[:10]:
        r = scan_now(Household.objects.get(pk=hid), "out")
        assert (r.decision, r.code) == ("refused", "quota_used"), hid
        assert r.next_allowed == last + datetime.timedelta(days=2)
    for household in free[:10]:
        assert scan_now(household, "out").code == "exit_allowed"
        assert scan_now(household, "out").code == "quota_used"  # and now it is used


def test_the_household_page_status_agrees_with_the_generated_log(seeded):
    today = timezone.localdate()
    days = counted_exit_days()
    for household in Household.objects.all()[:30]:
        recent = [d for d in days.get(household.pk, []) if d >= today - datetime.timedelta(days=1)]
        status = outing_status(household)
        assert status.used == len(recent)
        assert status.next_allowed == (recent[-1] + datetime.timedelta(days=2) if recent else today)


def test_every_household_pass_qr_scans_at_its_open_gate_by_the_real_rule(seeded):
    for household in Household.objects.all()[:20]:
        r = scan_now(household, "in")
        assert (r.decision, r.code) == ("allowed", "entry_allowed")
        r = scan_now(household, "out", temperature="38.0")
        assert (r.decision, r.code) == ("referred", "fever")
        assert r.household and household.label in r.household


def test_passage_days_out_of_range_is_refused_with_a_clear_message_and_nothing_seeded():
    for bad in ("-1", "61"):
        with translation.override("en"), pytest.raises(CommandError, match="0 to 60 days"):
            seed("--passage-days", bad)
    assert not Area.objects.exists() and not Pass.objects.exists()


def test_reset_replaces_passes_gate_log_and_alerts(seeded):
    numbers = set(Pass.objects.values_list("number", flat=True))
    seed("--reset", "--passage-days", "2")
    assert set(Pass.objects.values_list("number", flat=True)) == numbers  # same seed, same numbers
    assert Pass.objects.filter(kind=PassKind.HOUSEHOLD).count() == Household.objects.count() == 80
    fevers = Passage.objects.filter(code="fever").values_list("household_id", "client_id", "server_time")
    days = {(h or str(c), timezone.localdate(t)) for h, c, t in fevers}
    assert Alert.objects.filter(kind=AlertKind.FEVER).count() == len(days)
    oldest = Passage.objects.order_by("server_time").first()
    assert timezone.localdate(oldest.server_time) >= timezone.localdate() - datetime.timedelta(days=1)
