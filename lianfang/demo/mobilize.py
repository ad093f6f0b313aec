"""Mobilization demo data (issue 14), made through `mobilize.services` after the demo accounts:

- every community gets three accepted volunteers (bulk-written: a city has about a thousand communities);
- in the demo staff's community (`staff`): ten more volunteers through report-in and acceptance, among them a
  party member in post (淮南市供电公司) and the demo `volunteer` account's own report-in;
- a 3 x 8 h rule (one person a shift, from 08:00) for the guard's gate and another open gate of that
  community, shifts for 7 days, the shifts from now on filled by staff within the limits (whoever is on a
  shift that has started is checked in) — except tonight's 00:00 - 08:00 shift at the guard's gate
  (`guard`), left uncovered: the gap view shows it red and a gap alert is raised (as the afternoon task
  would);
- the demo volunteer's first shift tomorrow, and an open call for help (disinfection tomorrow morning, four
  people, one claimed);
- the party member's duties of the last three days, checked in and out, for the quarterly service card."""

from __future__ import annotations

import datetime

from django.utils import timezone

from lianfang.accounts.models import User
from lianfang.core import idnumbers
from lianfang.core.errors import DomainError
from lianfang.mobilize.gaps import raise_gap_alerts
from lianfang.mobilize.models import (
    Assignment,
    Claim,
    HelpCall,
    HoursEntry,
    LimitPolicy,
    RosterRule,
    Shift,
    Volunteer,
    VolunteerKind,
    VolunteerStatus,
)
from lianfang.mobilize.roster import generate_shifts_sql
from lianfang.mobilize.services import (
    CallData,
    ReportIn,
    accept_volunteer,
    assign_volunteer,
    check_in,
    check_out,
    claim_call,
    post_call,
    report_in,
    set_roster_rule,
)
from lianfang.mobilize.volunteers import add_months
from lianfang.places.models import Area, AreaLevel, Gate

NAMES = [
    "陈国强",
    "林秀英",
    "黄建国",
    "周丽华",
    "吴志明",
    "郑海燕",
    "孙立新",
    "马春梅",
    "朱文斌",
    "胡玉兰",
    "高峰",
    "何静",
]
PER_COMMUNITY = 3
OWN = 10  # volunteers with accounts in the demo community: enough for two gates within the limits


def reset_mobilize() -> None:
    """Delete every mobilization row (volunteers protect their community)."""
    for model in (Claim, HelpCall, Assignment, Shift, RosterRule, HoursEntry, Volunteer, LimitPolicy):
        model.objects.all().delete()


def _bulk_volunteers(now: datetime.datetime) -> int:
    """Three accepted volunteers (no account) per community, written in bulk."""
    protect = idnumbers.protector()
    lapses = add_months(timezone.localtime(now).date(), 6)
    rows = []
    for i, (pk, code, path) in enumerate(
        Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("path").values_list("pk", "code", "path")
    ):
        for j in range(PER_COMMUNITY):
            number = idnumbers.synthesize(
                code[:6], datetime.date(1970 + (i + j) % 30, 1 + j, 1 + i % 28), i * 3 + j, "MF"[j % 2]
            )
            stored = protect.protect(number)
            rows.append(
                Volunteer(
                    community_id=pk,
                    path=path,
                    name=NAMES[(i + j) % len(NAMES)],
                    phone=f"137{i % 10_000:04d}{j:04d}",
                    id_hash=stored.hash,
                    id_cipher=stored.cipher,
                    id_prefix=stored.prefix,
                    id_last4=stored.last4,
                    kind=VolunteerKind.VOLUNTEER,
                    skills="gate",
                    status=VolunteerStatus.ACTIVE,
                    reported_at=now,
                    decided_at=now,
                    lapses_on=lapses,
                )
            )
    Volunteer.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def seed_mobilize(
    *, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> dict[str, int]:
    """Create the mobilization demo data; returns counts by kind. Needs the demo accounts."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    users = {
        u.username: u
        for u in User.objects.filter(username__in=("staff", "volunteer", "guard")).select_related(
            "area", "gate"
        )
    }
    staff, volunteer, guard = users.get("staff"), users.get("volunteer"), users.get("guard")
    if staff is None or staff.area is None:
        return {}
    community = staff.area
    counts = {"volunteer": _bulk_volunteers(now)}
    region = community.code[:6]
    own = []
    for i in range(OWN):
        kind = (
            VolunteerKind.PARTY_MEMBER
            if i == 0
            else (VolunteerKind.OFFICIAL if i == 1 else VolunteerKind.VOLUNTEER)
        )
        v = report_in(
            user=None,
            data=ReportIn(
                community=community.code,
                name=NAMES[i],
                phone=f"1380554{i:04d}",
                id_number=idnumbers.synthesize(
                    region, datetime.date(1975 + i, 3, 1 + i), 400 + i, "MF"[i % 2]
                ),
                kind=kind,
                employer="淮南市供电公司"
                if kind == VolunteerKind.PARTY_MEMBER
                else ("田家庵区民政局" if i == 1 else ""),
                skills="gate driving" if i % 2 else "gate",
            ),
            now=now,
        )
        own.append(accept_volunteer(user=staff, volunteer=v.pk, now=now).volunteer)
    if volunteer is not None:
        mine = report_in(
            user=volunteer,
            data=ReportIn(
                community=community.code,
                name=volunteer.name,
                phone="13805549999",
                id_number=idnumbers.synthesize(region, datetime.date(1990, 6, 6), 499, "F"),
                kind=VolunteerKind.VOLUNTEER,
                skills="gate publicity",
            ),
            now=now,
        )
        own.append(accept_volunteer(user=staff, volunteer=mine.pk, now=now).volunteer)
    counts["volunteer"] += len(own)
    party = own[0]
    gates = list(Gate.objects.filter(path=community.path, is_open=True).order_by("compound_id", "id")[:2])
    if guard is not None and guard.gate is not None and guard.gate not in gates:
        gates = [guard.gate, *gates[:1]]
    for gate in gates:
        set_roster_rule(user=staff, gate=gate.pk, people_per_shift=1, pattern="3x8", first_hour=8)
    counts["shift"] = generate_shifts_sql(
        start_day=today - datetime.timedelta(days=3), days=3, path=community.path
    )
    counts["shift"] += generate_shifts_sql(start_day=today, days=7, path=community.path)
    # The party member's duties of the last three days (the service card).
    day = datetime.timedelta(days=1)
    for s in Shift.objects.filter(
        path=community.path, gate=gates[0] if gates else None, ends_at__lte=now
    ).order_by("-starts_at")[:9:3]:
        try:
            a = assign_volunteer(
                user=staff, shift=s.pk, volunteer=party.pk, confirmed=True, now=s.starts_at - day
            )
        except DomainError:
            continue
        check_in(user=staff, assignment=a.pk, now=s.starts_at + datetime.timedelta(minutes=3))
        check_out(user=staff, assignment=a.pk, now=s.ends_at)
    # From now on: the gap tonight at the guard's gate stays open; the demo volunteer starts tomorrow.
    gap_gate = guard.gate if guard is not None and guard.gate is not None else (gates[0] if gates else None)
    tonight = timezone.make_aware(datetime.datetime.combine(today + day, datetime.time(0, 0)))
    tomorrow_8 = tonight + datetime.timedelta(hours=8)
    mine_v = own[-1] if volunteer is not None else None
    filled = 0
    future = Shift.objects.filter(path=community.path, ends_at__gt=now).order_by("starts_at", "gate_id")
    pool = [v for v in own if v is not mine_v]
    for n, s in enumerate(future):
        if gap_gate is not None and s.gate_id == gap_gate.pk and s.starts_at == tonight:
            continue
        people = pool[(n * 2) % len(pool) :] + pool[: (n * 2) % len(pool)]
        if (
            mine_v is not None
            and s.starts_at == tomorrow_8
            and s.gate_id == (gap_gate.pk if gap_gate else None)
        ):
            people = [mine_v, *people]
        placed = 0
        for v in people:
            try:
                a = assign_volunteer(user=staff, shift=s.pk, volunteer=v.pk, confirmed=True, now=now)
            except DomainError:
                continue
            if s.starts_at <= now:
                check_in(user=staff, assignment=a.pk, now=s.starts_at + datetime.timedelta(minutes=3))
            placed += 1
            filled += 1
            if placed == s.needed:
                break
    counts["assignment"] = filled
    start = timezone.make_aware(datetime.datetime.combine(today + day, datetime.time(9, 0)))
    call = post_call(
        user=staff,
        data=CallData(
            kind="disinfection",
            place="各小区楼道",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            head_count=4,
            details="楼道、电梯按钮消杀，带好手套",
        ),
        now=now,
    )
    if own[2].user is not None:
        claim_call(user=own[2].user, call=call.pk, now=now)
    counts["help_call"] = 1
    counts["roster_gap_alert"] = raise_gap_alerts(now=now)  # what the afternoon task raises
    return counts
