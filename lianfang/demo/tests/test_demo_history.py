"""The demo's last 30 days (demo/history.py) on the tiny city seeded with 30 days of gate records at 15:00
today: the gate log covers the month; the story grid's fevers, counted from the passages themselves, are
flat for three weeks and then rise so that EARS C1 and C2 alarm yesterday; the outbreak's cases rise,
registered as epi's services register them, in one community that ends at medium risk while the others
are low; held households stay home and get their two calls a day; today's demo is unchanged; and the same
seed gives the same history.

The city is seeded once for the module (inside a transaction rolled back at the end) on a clock frozen at
SEED_HOUR: every test reads the same rows."""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from lianfang.access.models import Pass, Passage, PassKind
from lianfang.access.policy import policy_for_path
from lianfang.accounts.models import User
from lianfang.care.models import CallWindow, CareCall, CareTeam, Errand, ErrandStatus, KitDelivery
from lianfang.care.queries import worker_board
from lianfang.care.services import households_waiting_for_kit
from lianfang.core.models import Alert, AlertKind, AlertOutcome, AlertStatus
from lianfang.demo.accounts import DEFAULT_PASSWORD
from lianfang.demo.history import (
    CASE_DAYS_AGO,
    HISTORY_DAYS,
    RECOVER_AFTER_DAYS,
    DemoStory,
    demo_story,
    fever_plan,
)
from lianfang.demo.seed import DEFAULT_SEED, seed
from lianfang.epi.models import (
    Case,
    CaseStatus,
    Contact,
    ContactStatus,
    HealthCheck,
    Quarantine,
    QuarantineKind,
    QuarantineReason,
    QuarantineStatus,
)
from lianfang.places.models import Area, AreaLevel, Gate, Household
from lianfang.watch.models import DailyReport, DailyStat, ReportStatus, Signal, StatDay
from lianfang.watch.risk import level_in_force

pytestmark = pytest.mark.django_db

SEED_HOUR = 15
DAY = datetime.timedelta(days=1)
Z_999 = statistics.NormalDist().inv_cdf(1 - 0.001)  # alpha 0.001, one-sided


def seed_tiny(now: datetime.datetime, *, reset: bool = False) -> None:
    seed(scale="tiny", password=DEFAULT_PASSWORD, passage_days=HISTORY_DAYS, now=now, reset=reset)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker) -> Iterator[datetime.datetime]:
    """The tiny city with 30 days of history, seeded once at SEED_HOUR today on a frozen clock that stays
    there for the module's tests; rolled back afterwards. Returns that time."""
    at = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(SEED_HOUR)))
    with django_db_blocker.unblock(), time_machine.travel(at, tick=False), transaction.atomic():
        seed_tiny(timezone.now())
        yield timezone.now()
        transaction.set_rollback(True)


@pytest.fixture
def story(seeded) -> DemoStory:
    found = demo_story()
    assert found is not None
    return found


@pytest.fixture
def today(seeded) -> datetime.date:
    return timezone.localdate(seeded)


def fevers_per_day(grid) -> Counter:
    times = Passage.objects.filter(code="fever", household__grid=grid).values_list("server_time", flat=True)
    return Counter(timezone.localdate(t) for t in times)


def ears(series: Counter, day: datetime.date, *, lag: int, min_sigma: float) -> tuple[bool, float]:
    """R surveillance::earsC for one day: C1 (lag 0) or C2 (lag 2) — baseline the 7 days before the day
    (C2: before the day minus 2), upper = mean + z(1 - alpha) * max(sd, minSigma), alarm when the day's
    count is above it."""
    baseline = [series[day - DAY * (lag + k)] for k in range(1, 8)]
    upper = statistics.mean(baseline) + Z_999 * max(statistics.stdev(baseline), min_sigma)
    return series[day] > upper, upper


def outbreak_cases(story: DemoStory):
    return Case.objects.filter(path=story.medium_community.path).select_related("resident")


def history_cases(story: DemoStory):
    """The outbreak's cases but demo/epi.py's (its unit sealed, its household in facility rooms)."""
    return outbreak_cases(story).exclude(lockdowns__isnull=False)


# ------------------------------------------------------------------ the gate log and the fevers
def test_the_gate_log_covers_the_thirty_days_up_to_now(seeded, today):
    log = Passage.objects.values_list("server_time", "direction")
    days = defaultdict(set)
    for at, direction in log:
        assert at <= seeded
        days[timezone.localdate(at)].add(direction)

    assert sorted(days) == [today - DAY * back for back in range(HISTORY_DAYS - 1, -1, -1)]
    assert all(directions == {"in", "out"} for directions in days.values())


def test_the_story_grid_s_fevers_are_flat_for_three_weeks_then_rise_over_the_last_days(story, today):
    counted = fevers_per_day(story.fever_grid)
    plan = fever_plan(DEFAULT_SEED, "tiny", today)

    before_today = {day: n for day, n in plan.items() if day < today}
    assert {day: counted[day] for day in before_today} == before_today
    assert 0 < counted[today] <= plan[today]  # today's, until 15:00
    flat = [counted[today - DAY * back] for back in range(4, HISTORY_DAYS)]
    rise = [counted[today - DAY * back] for back in (3, 2, 1)]
    assert max(flat) == 1 and 3 <= sum(flat) <= 10  # 0 or 1 a day, a few of them 1
    assert rise == sorted(rise) and rise[0] >= 2 and rise[-1] >= 3 * rise[0]


def test_ears_c1_and_c2_alarm_on_the_story_grid_s_fevers_yesterday(story, today):
    counted = fevers_per_day(story.fever_grid)
    yesterday = today - DAY

    for min_sigma in (0, 0.5, 1):
        for lag in (0, 2):  # C1, C2
            alarm, upper = ears(counted, yesterday, lag=lag, min_sigma=min_sigma)
            assert alarm, (lag, min_sigma, upper, counted[yesterday])
    # Three weeks of 0 or 1 never reach yesterday's count.
    assert counted[yesterday] > 3 * max(counted[today - DAY * back] for back in range(4, HISTORY_DAYS))


def test_the_story_grid_s_fevers_are_referred_at_the_gate_like_live_ones(story, today, seeded):
    fevers = list(
        Passage.objects.filter(code="fever", household__grid=story.fever_grid).select_related("household")
    )
    alerts = {a.source_id: a for a in Alert.objects.filter(kind=AlertKind.FEVER, source_type="passage")}
    open_gates = {g.compound_id: g.pk for g in Gate.objects.filter(is_open=True)}
    line = policy_for_path(story.fever_community.path).fever_line
    resident = User.objects.get(username="resident")

    assert fevers
    for p in fevers:
        household = p.household
        assert (p.decision, p.direction, p.counted, p.exits_left, p.next_allowed) == (
            "referred",
            "out",
            False,
            None,
            None,
        )
        assert line <= p.temperature <= Decimal("39.2")
        assert p.gate_id == open_gates[household.compound_id] and p.path == story.fever_community.path
        assert p.pass_obj_id == Pass.objects.get(household=household, kind=PassKind.HOUSEHOLD).pk
        assert datetime.timedelta(seconds=1) <= p.server_time - p.client_time <= datetime.timedelta(seconds=6)
        assert household.exits_held_until is None and household.pk != resident.household_id
        alert = alerts[str(p.client_id)]
        assert alert.created_at == p.server_time and str(p.temperature) in alert.title
        if timezone.localdate(p.server_time) >= today - DAY:
            assert alert.status in (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)  # not handled yet
            assert household.flag_reason == "fever" and household.flagged_at >= p.server_time
        else:
            assert alert.status == AlertStatus.RESOLVED
    assert len({p.client_id for p in fevers}) == len(fevers)


# ------------------------------------------------------------------ the outbreak
def test_case_report_dates_are_few_early_then_rise_over_the_last_ten_days(story, today):
    days = Counter(outbreak_cases(story).values_list("report_date", flat=True))

    def between(first: int, last: int) -> int:
        return sum(n for day, n in days.items() if today - DAY * first <= day <= today - DAY * last)

    assert between(29, 15) <= 3  # a few, weeks ago
    assert between(14, 10) < between(9, 5) < between(4, 0)
    assert days[today - DAY] == max(days.values())
    assert sum(days.values()) == len(CASE_DAYS_AGO) + 1  # and demo/epi.py's case four days ago


def test_one_community_has_new_cases_in_14_days_and_at_most_50_in_all_and_the_others_none(story, today):
    since = today - DAY * 13  # the 14 days up to today
    for community in Area.objects.filter(level=AreaLevel.COMMUNITY):
        cases = Case.objects.filter(path__startswith=community.path).exclude(status=CaseStatus.EXCLUDED)
        recent = cases.filter(report_date__gte=since).count()
        if community == story.medium_community:
            assert recent > 0 and cases.count() <= 50
            assert cases.filter(report_date__lt=since).exists()  # it began before the last 14 days
        else:
            assert recent == 0
    assert story.medium_community.parent == story.report_street == story.report_community.parent
    assert story.report_day == today - DAY


def test_cases_are_registered_as_the_epidemic_services_register_them(story, today, seeded):
    staff2 = User.objects.get(username="staff2")
    for case in history_cases(story):
        person = case.resident
        assert (case.household_id, case.grid_id, case.path) == (
            person.household_id,
            person.grid_id,
            person.path,
        )
        assert case.isolation_date == case.report_date and case.onset_date < case.report_date
        assert timezone.localdate(case.created_at) == case.report_date and case.created_by == staff2
        changes = list(case.changes.order_by("at"))
        assert [(c.from_status, c.to_status) for c in changes][:2] in (
            [("", CaseStatus.SUSPECTED), (CaseStatus.SUSPECTED, CaseStatus.CONFIRMED)],
            [("", CaseStatus.SUSPECTED)],  # registered this morning, not confirmed yet
        )
        assert changes[0].at == case.created_at and all(c.at <= seeded for c in changes)
        assert case.status == changes[-1].to_status
        recovered = (today - case.report_date).days >= RECOVER_AFTER_DAYS
        assert (case.status == CaseStatus.RECOVERED) == recovered
        alert = Alert.objects.get(kind=AlertKind.CASE, source_type="case", source_id=str(case.pk))
        assert alert.created_at == case.created_at
        if case.report_date < today - DAY:
            assert (alert.status, alert.outcome, alert.handled_by) == (
                AlertStatus.RESOLVED,
                AlertOutcome.REAL,
                staff2,
            )
        else:
            assert alert.status == AlertStatus.OPEN
        members = set(person.household.residents.exclude(pk=person.pk).values_list("pk", flat=True))
        contacts = Contact.objects.filter(case=case)
        assert set(contacts.values_list("resident_id", flat=True)) == members
        assert all(
            c.status == ContactStatus.CONFIRMED and c.reasons[0]["kind"] == "household" for c in contacts
        )
        for q in Quarantine.objects.filter(case=case):
            assert (q.kind, q.reason, q.start) == (
                QuarantineKind.HOME,
                QuarantineReason.CONTACT,
                case.report_date,
            )
            assert q.planned_end == case.report_date + DAY * 13
            if q.planned_end < today:
                assert (q.status, q.ended_on) == (QuarantineStatus.RELEASED, q.planned_end + DAY)
            else:
                assert q.status == QuarantineStatus.ACTIVE


def test_held_households_did_not_pass_their_gate_while_held(story, today):
    held = Quarantine.objects.filter(kind=QuarantineKind.HOME, case__isnull=False)
    assert held.filter(status=QuarantineStatus.RELEASED).exists() and held.filter(status="active").exists()
    for q in held:
        until = q.ended_on or today + DAY  # released: the day after the last day
        start = timezone.make_aware(datetime.datetime.combine(q.start, datetime.time.min))
        end = timezone.make_aware(datetime.datetime.combine(until, datetime.time.min))
        passages = Passage.objects.filter(household_id=q.household_id, server_time__gte=start)
        assert not passages.filter(server_time__lt=end).exists(), q
    # Released households went out again afterwards (in a week or more of gate records).
    released = {q.household_id for q in held.filter(status=QuarantineStatus.RELEASED)}
    assert Passage.objects.filter(household_id__in=released, code="exit_allowed").exists()


# ------------------------------------------------------------------ care over the period
def test_every_held_day_before_today_has_both_calls_and_the_morning_temperatures(story, today):
    teams = CareTeam.objects.select_related("household")
    assert teams.filter(ended__isnull=False).exists()  # the outbreak's first households, released
    for team in teams:
        quarantines = list(Quarantine.objects.filter(household=team.household, kind=QuarantineKind.HOME))
        first = min(q.start for q in quarantines)
        assert team.started == min(first, today), team
        last = team.ended - DAY if team.ended else today - DAY  # ended: the day after the last held day
        calls = {
            (c.date, c.window): c for c in CareCall.objects.filter(household=team.household, date__lt=today)
        }
        days = [first + DAY * n for n in range((last - first).days + 1)]
        assert set(calls) == {(d, w) for d in days for w in CallWindow.values}, team
        for day in days:
            morning = calls[(day, CallWindow.MORNING)]
            if not morning.reached:
                continue
            inside = {
                q.resident_id
                for q in quarantines
                if q.start <= day <= q.planned_end and (q.ended_on is None or day < q.ended_on)
            }
            checked = set(
                HealthCheck.objects.filter(resident_id__in=inside, date=day).values_list(
                    "resident_id", flat=True
                )
            )
            assert checked == inside, (team, day)
        unreached = sorted((c.date, c.window) for c in calls.values() if not c.reached)
        assert all(w == CallWindow.AFTERNOON and d < today - DAY for d, w in unreached)


def test_the_outbreak_s_households_got_their_kit_errands_and_disinfection(story, today, seeded):
    households = set(history_cases(story).values_list("household_id", flat=True))
    errands = Errand.objects.filter(household_id__in=households)
    assert errands.count() >= len(households)
    for errand in errands.prefetch_related("events"):
        assert errand.status == ErrandStatus.CONFIRMED and errand.call is not None
        assert errand.created_at < errand.assigned_at < errand.delivered_at < errand.confirmed_at < seeded
        assert [e.status for e in errand.events.all()] == [
            "new",
            "assigned",
            "on_the_way",
            "delivered",
            "confirmed",
        ]
        assert errand.money_advanced == errand.money_repaid
    kits = KitDelivery.objects.filter(household_id__in=households)
    for team in CareTeam.objects.filter(household_id__in=households, started__lt=today):
        assert kits.filter(household_id=team.household_id, delivered_at__date=team.started).count() == 1
        building = Household.objects.get(pk=team.household_id).unit.building
        assert building.disinfections.filter(date=team.started).exists()


def test_today_s_care_story_is_unchanged_by_the_history(seeded):
    grid = User.objects.get(username="grid")
    board = worker_board(grid, now=seeded + datetime.timedelta(minutes=30))

    [overdue] = board["overdue_calls"]  # the contact family's morning call, today's: nothing of before
    assert overdue.window == "am" and overdue.date == timezone.localdate(seeded)
    assert {s.window for s in board["due_calls"]} == {"pm"} and len(board["due_calls"]) == 4
    assert households_waiting_for_kit(grid).count() == 2


# ------------------------------------------------------------------ the story and determinism
def test_the_story_names_the_grid_worker_s_grid_and_the_neighbouring_staff_s_community(story):
    users = {u.username: u for u in User.objects.select_related("grid", "area")}

    assert story.fever_grid == users["grid"].grid and story.fever_community == users["grid"].grid.community
    assert story.medium_community == story.report_community == users["staff2"].area
    assert story.fever_community == users["health"].area != story.medium_community


def signature() -> dict[str, list]:
    return {
        "cases": sorted(
            Case.objects.values_list("report_date", "status", "household__label", "resident__name")
        ),
        "fevers": sorted(
            Passage.objects.filter(code="fever").values_list("server_time", "temperature", "household__label")
        ),
        "calls": sorted(
            CareCall.objects.values_list("household__label", "date", "window", "reached", "called_at")
        ),
        "errands": sorted(Errand.objects.values_list("household__label", "category", "status", "created_at")),
        "passages": [Passage.objects.count()],
    }


def test_the_same_seed_and_clock_give_the_same_history(seeded):
    first = signature()

    seed_tiny(seeded, reset=True)

    assert signature() == first
    assert len(first["cases"]) == len(CASE_DAYS_AGO) + 1


@pytest.mark.parametrize("hour", [0, 7, 23])
def test_seeded_at_any_hour_the_history_stops_at_now_and_still_alarms_yesterday(seeded, hour):
    at = timezone.make_aware(datetime.datetime.combine(timezone.localdate(seeded), datetime.time(hour, 30)))
    with time_machine.travel(at, tick=False):
        seed_tiny(at, reset=True)
        story = demo_story()

    assert story is not None
    counted = fevers_per_day(story.fever_grid)
    assert ears(counted, story.report_day, lag=0, min_sigma=1)[0]
    assert ears(counted, story.report_day, lag=2, min_sigma=1)[0]
    assert not Passage.objects.filter(server_time__gt=at).exists()
    assert not CareCall.objects.filter(called_at__gt=at).exists()
    assert not Case.objects.filter(created_at__gt=at).exists()
    assert not Errand.objects.filter(created_at__gt=at).exists()


def test_the_command_centre_sees_the_story(story, today):
    # demo/watch.py after the history: 30 days of figures, the fever grid's alarm and its alert, the
    # outbreak's community at medium risk in force, its report of yesterday waiting for the street.
    assert StatDay.objects.filter(day__gte=today - 29 * DAY, day__lte=today).count() == 30
    assert DailyStat.objects.filter(path=story.medium_community.path, metric="cases_cumulative").exists()
    assert Signal.objects.filter(alarm=True, grid=story.fever_grid, detector__metric="fevers").exists()
    assert Alert.objects.filter(kind=AlertKind.EARLY_WARNING, grid=story.fever_grid).exists()
    in_force = level_in_force(target=story.medium_community, day=today)
    assert in_force is not None and in_force.level == "medium"
    report = DailyReport.objects.get(community=story.report_community, day=story.report_day)
    assert report.status == ReportStatus.SUBMITTED and report.figures
