"""Closed-management demo data of one community: passes and the gate log (passages) of the last days.

Every household gets one active household pass; each community also gets a few work passes (valid in
the whole community) and a couple of vehicle passes. With `days` > 0 the households go out through
their compound's open gate the way the outing rule lets them (`access.scan`): one counted exit, then
nothing counted until two calendar days later; back home hours later; morning and evening peaks; a
few refused second tries (quota_used, with the next allowed date the live rule would give) and a few
fevers (referred). The log ends at `ctx.now`, so scanning right after the seed continues it exactly.

Rows are tuples in `generate.COLUMNS` order with values the ORM and COPY both accept: times as
"YYYY-MM-DD HH:MM:SS+08:00" strings in the local zone, temperatures as "36.5".
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext

from lianfang.access.models import NUMBER_ALPHABET
from lianfang.access.policy import policy_for_path
from lianfang.core.alerts import new_alert, raise_alerts
from lianfang.core.models import (
    Alert,
    AlertEvent,
    AlertEventKind,
    AlertKind,
    AlertOutcome,
    AlertSeverity,
    AlertStatus,
)
from lianfang.demo.generate import Context, _rooms
from lianfang.demo.plan import EXTRA_PASSES, CommunityJob
from lianfang.places.models import Household

PASS_BEFORE_DAYS = 30  # household passes were issued a month ago ...
PASS_AFTER_DAYS = 60  # ... and run two months from today
MAX_DAYS = 60

WORK_HOLDERS = ("社区卫生服务站 医生", "物业公司 保洁", "社区超市 配送员")
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"

# --- pass numbers ---------------------------------------------------------------------------------
# A bijection of [0, 31**8): affine map, reverse the base-31 digits, affine map again. Household passes
# take n = household id; the community's other passes count down from the top, so numbers never collide.

_BASE = len(NUMBER_ALPHABET)
_SPACE = _BASE**8
_A1, _A2 = 0x2545F4914F6CDD1D % _SPACE, 0x5851F42D4C957F2D % _SPACE
assert _A1 % _BASE and _A2 % _BASE  # invertible modulo 31**8


def pass_number(n: int, seed: int) -> str:
    """An 8-character pass number, unique for every n in [0, 31**8) (same seed)."""
    x = (n * _A1 + seed * 7_919 + 1_234_567) % _SPACE
    y = 0
    for _ in range(8):
        x, d = divmod(x, _BASE)
        y = y * _BASE + d
    y = (y * _A2 + seed * 104_729 + 7_654_321) % _SPACE
    out = []
    for _ in range(8):
        y, d = divmod(y, _BASE)
        out.append(NUMBER_ALPHABET[d])
    return "".join(out)


def extra_pass_number(job: CommunityJob, k: int, seed: int) -> str:
    return pass_number(_SPACE - 1 - job.index * EXTRA_PASSES - k, seed)


# --- client ids -----------------------------------------------------------------------------------

# Client ids are version 4 UUIDs written as 32 hex digits (PostgreSQL and Django read them without
# hyphens). Their low 62 bits are a bijective mix of (community, counter < 2**36), so ids never repeat;
# 60 random bits fill the rest. See `row()` in generate_access.
_MASK62 = (1 << 62) - 1
_UUID_HIGH = 0xFFFFFFFFFFFF0FFF << 64  # the random bits of the high half (the version nibble cleared)
_UUID_FIXED = (0x4000 << 64) | (1 << 63)  # version 4, RFC 4122 variant


# --- temperatures and times -----------------------------------------------------------------------


def _spread(low: int, high: int, weight) -> list[str]:
    """Temperatures (tenths of a degree) repeated by weight: pick one with list[int(random() * len)]."""
    out = []
    for tenths in range(low, high + 1):
        out += [f"{tenths // 10}.{tenths % 10}"] * weight(tenths)
    return out


NORMAL = _spread(360, 372, lambda t: max(1, 12 - abs(t - 365) * 2))  # 36.0-37.2, mostly 36.3-36.8
FEVER = _spread(373, 392, lambda t: max(1, 10 - (t - 373) // 2))  # 37.3-39.2, mostly below 38
_HMS: list[str] = []


def _hms() -> list[str]:
    """ "HH:MM:SS" of every second of a day (built once per process)."""
    if not _HMS:
        _HMS.extend(f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86_400))
    return _HMS


@dataclass
class AccessRows:
    """`rows["pass"]`: tuples in COLUMNS order. `passage_text`: the passages as COPY text lines (columns
    of COLUMNS["passage"]), the fastest form to make and load; `passage_rows()` turns them into tuples."""

    rows: dict[str, list[tuple]] = field(default_factory=lambda: {"pass": []})
    passage_text: list[str] = field(default_factory=list)
    # (client_id, household_id or None, "compound gate", "compound label", temperature, server time, path)
    fevers: list[tuple] = field(default_factory=list)

    def passage_rows(self) -> list[tuple]:
        return [
            tuple(None if v == "\\N" else v for v in line.rstrip("\n").split("\t"))
            for line in self.passage_text
        ]


@dataclass
class _Day:
    prefix: str  # "2026-03-02 "
    offset: str  # "+08:00"
    limit: int  # seconds of the day before which scans happened (all of it, or until now today)


def _days(ctx: Context, days: int) -> list[_Day]:
    now_local = timezone.localtime(ctx.now)
    today = now_local.date()
    out = []
    for back in range(days - 1, -1, -1):
        day = today - datetime.timedelta(days=back)
        noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        off = noon.strftime("%z")
        limit = 86_400 if back else now_local.hour * 3600 + now_local.minute * 60 + now_local.second
        out.append(_Day(f"{day.isoformat()} ", f"{off[:3]}:{off[3:]}", limit))
    return out


# What follows the temperature in a passage's COPY line, by code: decision, code, counted, exits_left,
# next_allowed (quota_used adds its date).
_TAIL = {
    "exit_allowed": "allowed\texit_allowed\tt\t0\t\\N",
    "entry_allowed": "allowed\tentry_allowed\tf\t\\N\t\\N",
    "exit_exempt": "allowed\texit_exempt\tf\t\\N\t\\N",
    "fever": "referred\tfever\tf\t\\N\t\\N",
    "quota_used": "refused\tquota_used\tf\t\\N\t",  # + the next allowed date
}


def generate_access(job: CommunityJob, ctx: Context, days: int) -> AccessRows:
    """Passes of one community and, for `days` > 0, its gate log of the last `days` days up to now."""
    rng = random.Random(f"access:{ctx.seed}:{job.index}:{job.code}")
    random_ = rng.random
    getrandbits = rng.getrandbits
    out = AccessRows()
    passes, lines, fevers = out.rows["pass"], out.passage_text, out.fevers
    today = ctx.today
    valid_from = today - datetime.timedelta(days=PASS_BEFORE_DAYS)
    valid_to = today + datetime.timedelta(days=PASS_AFTER_DAYS)
    now = ctx.now
    seed = ctx.seed

    households = []  # (household id, pass id, compound id, label)
    for n, (unit, room) in zip(range(job.households), _rooms(job), strict=False):
        hid = job.household_id + n
        households.append(
            (hid, job.pass_id + n, unit.compound_id, Household.make_label(unit.building, unit.unit, room))
        )
        passes.append(
            (
                job.pass_id + n, "household", pass_number(hid, seed), 1, "active", hid, None,
                unit.compound_id, "", "", valid_from, valid_to, job.path, None, "", now, now,
            )
        )  # fmt: skip
    extra = job.pass_id + job.households
    work_passes = []
    for k, holder in enumerate(WORK_HOLDERS):
        passes.append(
            (
                extra + k, "work", extra_pass_number(job, k, seed), 1, "active", None, None, None, "", holder,
                valid_from, valid_to, job.path, None, "", now, now,
            )
        )  # fmt: skip
        work_passes.append(extra + k)
    for k in range(len(WORK_HOLDERS), EXTRA_PASSES):
        hid, _pid, compound_id, _label = households[rng.randrange(len(households))]
        plate = (
            "皖D"
            + "".join(rng.choice(PLATE_LETTERS + "0123456789") for _ in range(4))
            + str(rng.randrange(10))
        )
        passes.append(
            (
                extra + k, "vehicle", extra_pass_number(job, k, seed), 1, "active", hid, None, compound_id,
                plate, "", valid_from, valid_to, job.path, None, "", now, now,
            )
        )  # fmt: skip
    if days <= 0 or not households:
        return out

    calendar = _days(ctx, days)
    n_days = len(calendar)
    hms = _hms()
    days_text = [(d.prefix, d.offset) for d in calendar]
    path_end = f"\t{job.path}\n"
    job_bits = job.index << 36
    counter = 0
    fever_every = max(2, job.fever_every)
    countdown = rng.randint(1, 2 * fever_every - 1)
    normal, n_normal = NORMAL, len(NORMAL)
    fever_temps, n_fever = FEVER, len(FEVER)
    tail = _TAIL
    append = lines.append

    def row(day: int, sec: int, head: str, gate: int, hid: int | None, who: str, code: str,
            next_allowed: str = "") -> str:  # fmt: skip
        """Append one passage scanned `sec` seconds into the day (`head`: its columns from gate_id to
        direction). The decision follows from `code`, unless the temperature is a fever: the live rule
        checks that first. Returns the code."""
        nonlocal counter, countdown
        prefix, offset = days_text[day]
        countdown -= 1
        if countdown == 0:
            countdown = rng.randint(1, 2 * fever_every - 1)
            code, next_allowed = "fever", ""
            temp = fever_temps[int(random_() * n_fever)]
        else:
            temp = normal[int(random_() * n_normal)]
        x = ((job_bits | counter) * 0x9E3779B97F4A7C15) & _MASK62  # the client id, see _MASK62
        cid = f"{(getrandbits(64) << 64 & _UUID_HIGH) | _UUID_FIXED | x ^ x >> 29:032x}"
        counter += 1
        append(
            f"{cid}\t{head}\t{temp}\t{tail[code]}{next_allowed}\t{prefix}{hms[sec - 1 - int(random_() * 6)]}"
            f"{offset}\t{prefix}{hms[sec]}{offset}{path_end}"
        )
        if code == "fever":
            server = f"{prefix}{hms[sec]}{offset}"
            fevers.append((str(uuid.UUID(cid)), hid, gate_names[gate], who, temp, server, job.path))
        return code

    gate_names: dict[int, str] = {}  # gate id -> "compound gate", as the fever alert names it
    compound_gate: dict[int, int] = {}
    compound_names: dict[int, str] = {}
    for compound_id, (gate_id, compound_name, gate_name) in job.open_gates.items():
        compound_gate[compound_id] = gate_id
        compound_names[compound_id] = compound_name
        gate_names[gate_id] = f"{compound_name} {gate_name}"
    allowed_on = [
        (datetime.date.fromisoformat(d.prefix.strip()) + datetime.timedelta(days=2)).isoformat()
        for d in calendar
    ]

    for hid, pass_id, compound_id, label in households:
        gate = compound_gate[compound_id]
        who = f"{compound_names[compound_id]} {label}"
        head_out = f"{gate}\t\\N\t\\N\t{pass_id}\t{hid}\tout"
        head_in = f"{gate}\t\\N\t\\N\t{pass_id}\t{hid}\tin"
        r = random_()
        eager = 0.25 if r < 0.12 else 0.6 if r < 0.35 else 0.9  # stays in / goes out now and then / often
        commuter = random_() < 0.4  # out in the morning peak, back in the evening peak
        next_ok = 0  # first day (index into calendar) the household may go out again
        for day in range(n_days):
            if day < next_ok or random_() >= (eager if day == next_ok else eager + 0.1):
                continue
            limit = calendar[day].limit
            r = random_()
            if commuter:
                out_at = 6 * 3600 + 1800 + int((random_() + random_()) * 5400)  # 6:30-9:30, peak 8:00
                back_at = 16 * 3600 + 1800 + int((random_() + random_()) * 5400)  # 16:30-19:30, peak 18:00
            elif r < 0.45:
                out_at = 7 * 3600 + int((random_() + random_()) * 3600)  # 7-9, peak 8
                back_at = out_at + 2400 + int(random_() * 3 * 3600)
            elif r < 0.8:
                out_at = 9 * 3600 + int(random_() * 7 * 3600)  # 9-16
                back_at = out_at + 1800 + int(random_() * 3 * 3600)
            else:
                out_at = 17 * 3600 + int((random_() + random_()) * 3600)  # 17-19, peak 18
                back_at = out_at + 1200 + int(random_() * 2 * 3600)
            if out_at >= limit:
                continue
            if row(day, out_at, head_out, gate, hid, who, "exit_allowed") == "fever":
                continue  # referred at the gate: nobody went out
            next_ok = day + 2
            if back_at < limit:
                row(day, back_at, head_in, gate, hid, who, "entry_allowed")
            if random_() < 0.06:
                # Someone else of the household tries a second exit inside the window: refused.
                if day + 1 < n_days and random_() < 0.6:
                    again, again_at = day + 1, 7 * 3600 + int(random_() * 12 * 3600)
                else:
                    again, again_at = day, max(out_at, min(back_at, 20 * 3600)) + 600 + int(random_() * 3600)
                if again_at < calendar[again].limit and again_at < 86_000:
                    row(again, again_at, head_out, gate, hid, who, "quota_used", allowed_on[day])

    # Work passes: staff of the community's services come in in the morning and leave in the evening.
    gates = sorted(compound_gate.values())
    for pass_id in work_passes:
        gate = gates[rng.randrange(len(gates))]
        head_out = f"{gate}\t\\N\t\\N\t{pass_id}\t\\N\tout"
        head_in = f"{gate}\t\\N\t\\N\t{pass_id}\t\\N\tin"
        for day in range(n_days):
            if random_() < 0.15:
                continue  # day off
            limit = calendar[day].limit
            in_at = 7 * 3600 + int(random_() * 3600)
            if in_at < limit:
                row(day, in_at, head_in, gate, None, "-", "entry_allowed")
            leave_at = 17 * 3600 + int(random_() * 5400)
            if leave_at < limit:
                row(day, leave_at, head_out, gate, None, "-", "exit_exempt")
    return out


def raise_fevers(fevers: list[tuple], now: datetime.datetime) -> int:
    """What `access.scan._raise_fever` does for a fever at the gate, for the generated fevers: an urgent
    alert each (titled, keyed and timed like a live one: one per household and day), and the household
    flagged. Fevers of the last two days are still in the inbox and flag their household: open while their
    response time runs, acknowledged a few minutes after it was raised otherwise; older ones were resolved
    as false alarms a couple of hours later. Returns the alerts made."""
    since = timezone.localdate(now) - datetime.timedelta(days=1)
    hids = sorted({f[1] for f in fevers if f[1] is not None})
    grids: dict[int, int | None] = {}
    for start in range(0, len(hids), 10_000):
        grids.update(
            Household.objects.filter(pk__in=hids[start : start + 10_000]).values_list("pk", "grid_id")
        )
    alerts: list[Alert] = []
    flags: dict[int, datetime.datetime] = {}
    for cid, hid, gate, who, temp, server, path in fevers:
        at = datetime.datetime.fromisoformat(server)
        line = policy_for_path(path).fever_line
        alert = new_alert(
            kind=AlertKind.FEVER,
            severity=AlertSeverity.URGENT,
            title=gettext("Fever at {gate}: {household} {t} °C").format(gate=gate, household=who, t=temp),
            detail=gettext("Fever line {line} °C. The person was referred at the gate.").format(line=line),
            path=path,
            household_id=hid,
            grid_id=grids.get(hid) if hid is not None else None,
            source_type="passage",
            source_id=cid,
            created_at=at,
            dedup_key=f"fever:{hid or cid}:{timezone.localdate(at).isoformat()}",
        )
        if timezone.localdate(at) < since:
            alert.status, alert.outcome = AlertStatus.RESOLVED, AlertOutcome.FALSE_ALARM
            alert.acknowledged_at = at + datetime.timedelta(minutes=5 + len(alerts) % 20)
            alert.handled_at = at + datetime.timedelta(minutes=40 + len(alerts) % 120)
            alert.resolution = gettext("Temperature normal when checked again.")
        else:
            if alert.respond_by is not None and alert.respond_by <= now:
                alert.status = AlertStatus.ACKNOWLEDGED
                alert.acknowledged_at = at + datetime.timedelta(minutes=3 + len(alerts) % 10)
            if hid is not None:
                flags[hid] = max(at, flags.get(hid, at))
        alerts.append(alert)
    saved = raise_alerts(alerts)
    steps = [
        AlertEvent(alert=a, kind=AlertEventKind.ACKNOWLEDGED, at=a.acknowledged_at)
        for a in saved
        if a.acknowledged_at
    ]
    steps += [
        AlertEvent(alert=a, kind=AlertEventKind.RESOLVED, note=a.resolution, at=a.handled_at)
        for a in saved
        if a.handled_at
    ]
    AlertEvent.objects.bulk_create(steps, batch_size=1000)
    for hid, at in flags.items():
        Household.objects.filter(pk=hid).update(flagged_at=at, flag_reason="fever")
    return len(saved)
