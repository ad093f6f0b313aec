"""The demo city's last 30 days (issue 13's demo): the raw records from which the daily statistics, the
early-warning detectors, the risk levels and the daily reports of the last month are computed, so that the
command centre's charts show an outbreak and its warning signs. Runs after the epidemic and care demo
steps (demo/epi.py, demo/care.py), at the tiny and demo scales (`HISTORY_SCALES`), when the seed writes a
gate log of 30 days (`seed_demo --passage-days 30`, as `make demo` does).

The story (`demo_story()` names its places; docs/watch-history.md tells it for people):

- **An outbreak in the neighbouring community** (`staff2`'s, where demo/epi.py's case sealed a unit four
  days ago): a few cases in the first weeks of the month, then more and more over the last ten days
  (`CASE_DAYS_AGO`), registered as epi's services register them — suspected at the fever clinic's report,
  confirmed the same afternoon, the oldest recovered; each case's household members confirmed as close
  contacts in 14 days of home quarantine, released on the 15th day after their checks. Its community ends
  with new cases in the last 14 days and at most 50 in all (medium risk under the February 2020 rule);
  every other community has none (low). Held households stay home: their gate log loses its passages.
- **Fevers rising at the gates of one grid** (the demo grid worker's `第一网格` in the health worker's
  community), days before any case there: 0 or 1 a day for three weeks, then `FEVER_RISE` over the last
  three days and more today (until now), so that EARS C1 and C2 (baseline 7 days, alpha 0.001) alarm on
  that grid's `fevers` for yesterday. Every other grid keeps the generator's rare random fevers. The
  grid's fevers are gate passages like the live ones (code fever, referred, temperature at or above the
  fever line, an alert each, the last two days' open and their households flagged: `passages.raise_fevers`).
- **Care over the whole period** (demo/history_care.py): every held household's two calls a day since its
  quarantine began (the morning one with everyone's temperature), and for the outbreak's households their
  kit, errands raised on calls and carried through, and the disinfection of their building.
- **A daily report waiting for review**: yesterday's report of the outbreak's community
  (`DemoStory.report_community`, `report_day`; the daily-report step that follows this one drafts and
  submits it).

Everything is drawn from `random.Random(f"history:{seed}:…")` and rows read in id order: the same seed and
clock give the same history.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext

from lianfang.access.models import Pass, Passage, PassKind
from lianfang.accounts.models import User
from lianfang.care.models import CareTeam
from lianfang.care.teams import sync_care_teams
from lianfang.core import audit
from lianfang.core.models import Alert, AlertKind, AlertOutcome, AlertStatus
from lianfang.demo import history_care
from lianfang.demo.epi import stay_home
from lianfang.demo.passages import FEVER, raise_fevers
from lianfang.epi import contacts
from lianfang.epi.models import (
    Case,
    CaseSource,
    CaseStatus,
    CaseStatusChange,
    Contact,
    ContactReason,
    ContactStatus,
    Quarantine,
    QuarantineChange,
    QuarantineKind,
    QuarantineReason,
    QuarantineStatus,
)
from lianfang.epi.services import change_case_status, create_case, release_quarantine, start_quarantine
from lianfang.people.models import Resident
from lianfang.places.models import Area, Gate, Grid, Household

HISTORY_DAYS = 30
DAY = datetime.timedelta(days=1)
HISTORY_SCALES = frozenset({"tiny", "demo"})

# Report dates of the outbreak's cases, in days before today (demo/epi.py adds its case 4 days ago).
# Few early, then rising: the last ten days count 0 1 1 1 1 1 2 2 3 (with demo/epi.py's) and one this
# morning.
CASE_DAYS_AGO = (27, 22, 18, 13, 10, 8, 7, 6, 5, 3, 3, 2, 2, 1, 1, 1, 0)
RECOVER_AFTER_DAYS = 15  # discharged from hospital 15 days after the report
CONTACT_DAYS = 14  # the household's home quarantine
OPEN_ALERT_DAYS = 2  # case alerts of the last two days stay in the inbox

# Fevers of the story's grid: full-day counts of the three days before today and of today (today's only
# until now). Before them, 0 or 1 a day: two days of each week have one. Sized to the grid's households.
FEVER_RISE = {"tiny": (2, 3, 6, 4), "demo": (3, 5, 11, 8)}
FEVER_BASELINE_PER_WEEK = 2
FEVER_HOURS = (7 * 60, 19 * 60 + 30)  # scans between 07:00 and 19:30


@dataclass(frozen=True)
class DemoStory:
    """The places of the demo's story (see the module docstring)."""

    fever_grid: Grid  # fevers rise at its gates: EARS alarms on its `fevers` for `report_day`
    fever_community: Area  # the grid's community (the health worker's and `staff`'s)
    medium_community: Area  # the outbreak: new cases in 14 days, ≤ 50 in all
    report_community: Area  # its daily report of `report_day` waits for review by its street
    report_street: Area
    report_day: datetime.date  # yesterday


def demo_story(today: datetime.date | None = None) -> DemoStory | None:
    """The story's places, read from the demo accounts (`grid`'s grid; `staff2`'s community, where the
    outbreak is); None when the demo accounts are missing."""
    today = today or timezone.localdate()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["grid", "staff2"]).select_related(
            "grid__community", "area__parent"
        )
    }
    grid, staff2 = users.get("grid"), users.get("staff2")
    if grid is None or grid.grid is None or staff2 is None or staff2.area is None:
        return None
    outbreak = staff2.area
    if outbreak.parent is None:
        return None
    return DemoStory(
        fever_grid=grid.grid,
        fever_community=grid.grid.community,
        medium_community=outbreak,
        report_community=outbreak,
        report_street=outbreak.parent,
        report_day=today - datetime.timedelta(days=1),
    )


def _at(day: datetime.date, minutes: int) -> datetime.datetime:
    """`minutes` after local midnight of `day`, as an aware datetime."""
    midnight = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return midnight + datetime.timedelta(minutes=minutes)


def seed_history(
    *, seed: int, scale: str, today: datetime.date, now: datetime.datetime, passage_days: int
) -> dict[str, int]:
    """Write the last 30 days of the story; returns counts by kind. Only with a gate log of 30 days or more
    (`seed_demo --passage-days 30`, as `make demo` seeds), at the tiny and demo scales, and when the demo
    accounts exist; otherwise nothing (the demo of today alone, as the other tests seed it)."""
    story = demo_story(today)
    if scale not in HISTORY_SCALES or passage_days < HISTORY_DAYS or story is None:
        return {}
    staff2 = User.objects.get(username="staff2")
    counts: dict[str, int] = {}
    counts["history_fever"] = _fevers(story, seed=seed, scale=scale, today=today, now=now, days=HISTORY_DAYS)
    outbreak = _outbreak(story, staff2, seed=seed, today=today, now=now, counts=counts)
    counts["history_case"] = len(outbreak)
    history_care.add(
        counts,
        history_care.fill_open_teams(
            seed=seed, today=today, now=now, skip=set(outbreak), today_under=story.medium_community.path
        ),
    )
    return counts


# ------------------------------------------------------------------ fevers at one grid's gates
def fever_plan(
    seed: int, scale: str, today: datetime.date, days: int = HISTORY_DAYS
) -> dict[datetime.date, int]:
    """The story grid's fevers per day over the last `days` days (today's as a full day: only those
    before the seed's `now` are written)."""
    rng = random.Random(f"history:{seed}:fever-plan")
    rise = FEVER_RISE.get(scale, FEVER_RISE["demo"])
    weeks = (days + 6) // 7
    ones = {week * 7 + n for week in range(weeks) for n in rng.sample(range(7), FEVER_BASELINE_PER_WEEK)}
    plan = {}
    for back in range(days - 1, -1, -1):
        day = today - datetime.timedelta(days=back)
        plan[day] = rise[len(rise) - 1 - back] if back < len(rise) else int(back in ones)
    return plan


def _fevers(story: DemoStory, *, seed: int, scale: str, today: datetime.date, now: datetime.datetime,
            days: int) -> int:  # fmt: skip
    """Replace the generator's random fevers in the story grid by the planned ones; returns how many."""
    grid = story.fever_grid
    first = today - datetime.timedelta(days=days - 1)
    since = _at(first, 0)
    old = Passage.objects.filter(code="fever", household__grid=grid, server_time__gte=since)
    old_ids = [str(c) for c in old.values_list("client_id", flat=True)]
    Alert.objects.filter(source_type="passage", source_id__in=old_ids).delete()
    Household.objects.filter(grid=grid, flag_reason="fever").update(flagged_at=None, flag_reason="")
    old.delete()

    resident_households = set(
        User.objects.filter(household__isnull=False).values_list("household_id", flat=True)
    )
    households = list(
        Household.objects.filter(grid=grid, exits_held_until__isnull=True)
        .exclude(pk__in=resident_households)
        .filter(quarantines__isnull=True)
        .select_related("compound")
        .order_by("id")
    )
    if not households:
        return 0
    passes = dict(
        Pass.objects.filter(household__in=households, kind=PassKind.HOUSEHOLD).values_list(
            "household_id", "pk"
        )
    )
    gates = {
        g.compound_id: g
        for g in Gate.objects.filter(compound_id__in={h.compound_id for h in households}, is_open=True)
    }
    busy: dict[datetime.date, set[int]] = {}
    for hid, at in Passage.objects.filter(household__in=households, server_time__gte=since).values_list(
        "household_id", "server_time"
    ):
        busy.setdefault(timezone.localdate(at), set()).add(hid)

    rng = random.Random(f"history:{seed}:fevers:{grid.code}")
    rows: list[Passage] = []
    fevers: list[tuple] = []
    for day, n in fever_plan(seed, scale, today, days).items():
        free = [h for h in households if h.pk in passes and h.pk not in busy.get(day, set())]
        others = [h for h in households if h.pk in passes and h not in free]
        chosen = rng.sample(free, min(n, len(free)))
        chosen += rng.sample(others, min(n - len(chosen), len(others)))
        times = sorted(rng.randint(*FEVER_HOURS) * 60 + rng.randrange(60) for _ in chosen)
        for household, seconds in zip(chosen, times, strict=True):
            server = _at(day, 0) + datetime.timedelta(seconds=seconds)
            temperature = FEVER[int(rng.random() * len(FEVER))]
            client_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            if server >= now:
                continue
            gate = gates[household.compound_id]
            rows.append(
                Passage(
                    client_id=client_id,
                    gate=gate,
                    pass_obj_id=passes[household.pk],
                    household=household,
                    direction="out",
                    temperature=temperature,
                    decision="referred",
                    code="fever",
                    counted=False,
                    client_time=server - datetime.timedelta(seconds=1 + rng.randrange(5)),
                    server_time=server,
                    path=gate.path,
                )
            )
            fevers.append(
                (
                    str(client_id),
                    household.pk,
                    f"{household.compound.name} {gate.name}",
                    f"{household.compound.name} {household.label}",
                    temperature,
                    server.isoformat(),
                    gate.path,
                )
            )
    Passage.objects.bulk_create(rows)
    raise_fevers(fevers, now)
    return len(rows)


# ------------------------------------------------------------------ the outbreak
SOURCES = (CaseSource.HOSPITAL, CaseSource.HOSPITAL, CaseSource.SCREENING)
CASE_NOTES = {
    CaseSource.HOSPITAL: "市第一人民医院发热门诊报告，核酸阳性，已转定点医院。",
    CaseSource.SCREENING: "社区排查发现发热，核酸阳性，已转定点医院。",
}


def _case_households(community: Area, rng: random.Random) -> list[Household]:
    """The community's households free for the story — not held, nobody of them in quarantine or a case,
    no demo account's — in a random order, those of two people or more first."""
    taken = set(User.objects.filter(household__isnull=False).values_list("household_id", flat=True))
    taken |= set(Quarantine.objects.filter(path=community.path).values_list("household_id", flat=True))
    taken |= set(Case.objects.filter(path=community.path).values_list("household_id", flat=True))
    households = [
        h
        for h in Household.objects.filter(path=community.path, exits_held_until__isnull=True)
        .annotate(n=Count("residents"))
        .filter(n__gt=0)
        .select_related("unit")
        .order_by("id")
        if h.pk not in taken
    ]
    rng.shuffle(households)
    households.sort(key=lambda h: h.n < 2)  # stable: the shuffle stays within each group
    return households


def stay_home_between(household_ids: list[int], first: datetime.date, last: datetime.date) -> int:
    """Households held from `first` to `last` (inclusive) did not go through their gate on those days:
    their passages of those days go (with the alerts of their fevers), and so do the refusals that named
    one of the exits gone (a refusal's next allowed day is its exit's day + 2). Returns the count."""
    held = Passage.objects.filter(
        household_id__in=household_ids, server_time__gte=_at(first, 0), server_time__lt=_at(last + DAY, 0)
    )
    orphans = Passage.objects.filter(
        household_id__in=household_ids,
        code="quota_used",
        next_allowed__gte=first + 2 * DAY,
        next_allowed__lte=last + 2 * DAY,
    )
    fevers = [str(c) for c in held.filter(code="fever").values_list("client_id", flat=True)]
    Alert.objects.filter(source_type="passage", source_id__in=fevers).delete()
    return held.delete()[0] + orphans.delete()[0]


def _confirm_contact(
    case: Case, member: Resident, staff2: User, *, report: datetime.date, at: datetime.datetime
) -> None:
    """A household member confirmed as the case's close contact, in 14 days of home quarantine from the
    report day: `epi.contacts.confirm_contact` without recomputing the candidates (on freshly loaded
    tables that statement is planned badly and takes seconds; the household members are candidates by
    the rule)."""
    reason = contacts.Reason(ContactReason.HOUSEHOLD, gettext("Same household"))
    contact = Contact.objects.create(
        case=case,
        resident=member,
        degree=1,
        reasons=[reason.as_json()],
        status=ContactStatus.CONFIRMED,
        note="同住家属，居家隔离",
        path=case.path,
        decided_by=staff2,
        decided_at=at,
    )
    start_quarantine(
        user=staff2,
        resident=member,
        kind=QuarantineKind.HOME,
        reason=QuarantineReason.CONTACT,
        start=report,
        days=CONTACT_DAYS,
        contact=contact,
        case=case,
        today=report,
    )
    audit.log(
        user=staff2,
        action=audit.AuditAction.CREATE,
        obj=contact,
        summary=f"contact confirmed: case #{case.pk}, resident #{member.pk}, degree 1",
    )


def _outbreak(
    story: DemoStory,
    staff2: User,
    *,
    seed: int,
    today: datetime.date,
    now: datetime.datetime,
    counts: dict[str, int],
) -> list[int]:
    """Register the outbreak's cases day by day with epi's services (adding their care's rows to
    `counts`); returns their households."""
    rng = random.Random(f"history:{seed}:outbreak")
    households = _case_households(story.medium_community, rng)
    done: list[int] = []
    for back, household in zip(CASE_DAYS_AGO, households, strict=False):
        report = today - datetime.timedelta(days=back)
        registered = _at(report, 9 * 60 + rng.randrange(90))
        if registered >= now:
            continue
        history_care.add(
            counts,
            _one_case(household, staff2, report=report, registered=registered, rng=rng, today=today, now=now),
        )
        done.append(household.pk)
    return done


def _one_case(
    household: Household,
    staff2: User,
    *,
    report: datetime.date,
    registered: datetime.datetime,
    rng: random.Random,
    today: datetime.date,
    now: datetime.datetime,
) -> dict[str, int]:
    """One case of the outbreak, as the community registered it on its report day: suspected on the
    hospital's report, confirmed that afternoon, the household's members confirmed as close contacts in
    home quarantine (their care team, calls, kit and errands), released on the day after their last day,
    and the case recovered two weeks later — each step only once its time has come."""
    members = list(Resident.objects.filter(household=household).order_by("id"))
    person, others = members[0], members[1:]
    counts: dict[str, int] = {}
    source = SOURCES[rng.randrange(len(SOURCES))]
    case = create_case(
        user=staff2,
        resident=person,
        status=CaseStatus.SUSPECTED,
        source=source,
        onset_date=report - datetime.timedelta(days=1 + rng.randrange(3)),
        report_date=report,
        isolation_date=report,
        notes=CASE_NOTES[source],
        today=report,
    )
    last_change = registered
    CaseStatusChange.objects.filter(case=case).update(at=registered)
    confirmed = _at(report, 15 * 60 + rng.randrange(120))
    if confirmed < now:
        change_case_status(
            user=staff2, case=case, status=CaseStatus.CONFIRMED, note="核酸检测阳性", today=report
        )
        CaseStatusChange.objects.filter(case=case, to_status=CaseStatus.CONFIRMED).update(at=confirmed)
        last_change = confirmed
    recovered_on = report + datetime.timedelta(days=RECOVER_AFTER_DAYS)
    recovered = _at(recovered_on, 10 * 60 + rng.randrange(120))
    traced = registered + datetime.timedelta(minutes=60 + rng.randrange(60))
    last = report + datetime.timedelta(days=CONTACT_DAYS - 1)
    released = _at(last + DAY, 9 * 60 + rng.randrange(90))
    if traced < now and others:
        for member in others:
            _confirm_contact(case, member, staff2, report=report, at=traced)
        Quarantine.objects.filter(case=case).update(created_at=traced)
        QuarantineChange.objects.filter(quarantine__case=case).update(at=traced)
        counts = _care(
            household,
            report=report,
            last=last,
            released=released,
            traced=traced,
            rng=rng,
            today=today,
            now=now,
        )
        if released < now:
            for quarantine in Quarantine.objects.filter(case=case, status=QuarantineStatus.ACTIVE).order_by(
                "id"
            ):
                release_quarantine(user=staff2, quarantine=quarantine, today=last + DAY)
            QuarantineChange.objects.filter(quarantine__case=case, kind=QuarantineChange.Kind.END).update(
                at=released
            )
            CareTeam.objects.filter(household=household, started=report).update(ended=last + DAY)
    if recovered < now:
        change_case_status(
            user=staff2, case=case, status=CaseStatus.RECOVERED, note="治愈出院", today=recovered_on
        )
        CaseStatusChange.objects.filter(case=case, to_status=CaseStatus.RECOVERED).update(at=recovered)
        last_change = recovered
    Case.objects.filter(pk=case.pk).update(created_at=registered, updated_at=last_change)
    alert = Alert.objects.filter(kind=AlertKind.CASE, source_type="case", source_id=str(case.pk))
    if timezone.localdate(registered) < today - DAY * (OPEN_ALERT_DAYS - 1):
        alert.update(
            created_at=registered,
            status=AlertStatus.RESOLVED,
            acknowledged_at=registered + datetime.timedelta(minutes=12),
            acknowledged_by=staff2,
            handled_by=staff2,
            handled_at=traced,
            outcome=AlertOutcome.REAL,
            resolution="已流调，同住家属居家隔离。",
        )
    else:
        alert.update(created_at=registered)
    # Nobody of the household went through the gate while it was held (the case was in hospital).
    home_until = max(last, recovered_on) if not others else last
    if home_until < today:
        stay_home_between([household.pk], report, home_until)
    else:
        stay_home([household.pk], report)
    return counts


def _care(
    household: Household,
    *,
    report: datetime.date,
    last: datetime.date,
    released: datetime.datetime,
    traced: datetime.datetime,
    rng: random.Random,
    today: datetime.date,
    now: datetime.datetime,
) -> dict[str, int]:
    """The household's care team from the report day (the live system opened it when the hold began) and
    what it did until now."""
    team = CareTeam.objects.filter(household=household, ended__isnull=True).first()
    if team is None:  # the hold is over by now: open the team as on the report day
        sync_care_teams([household.pk], today=report)
        team = CareTeam.objects.filter(household=household, ended__isnull=True).first()
    if team is None:
        return {}
    CareTeam.objects.filter(pk=team.pk).update(started=report, created_at=traced)
    team.started = report
    return history_care.care_for(
        team=team,
        household=household,
        first=report,
        last=min(last, today),  # the outbreak's community made today's calls so far
        rng=rng,
        now=now,
        full=True,
        held_until=last if released < now else today,
    )
