"""The grid worker's home page with 10,000 households in home quarantine: p95 over HTTP (gunicorn).

    DATABASE_URL=postgres://... python bench/bench_care.py --out bench/out/care.json [--households 10000]

Needs the city seeded by bench_seed: the database of DATABASE_URL when it has residents, else the
sibling database `lf_bench_seed` (bench/run.py runs seed before this); with neither it stops with an
error (seeding the city takes minutes: run `make bench BENCH=seed` or `seed_demo --scale city` first).

1. Staff for the care teams: for every community and grid touched, a community secretary, a health
   worker, a grid worker and a street leader are created when the city has none (usernames
   `bench_care_…`), so that each team is proposed with its four members as in a real city.
2. Whole compounds, in a fixed pseudo-random order over the city, are sealed through
   `epi.services.apply_lockdown` (14 days from yesterday) until 10,000 households are held; epi's
   `holds_changed` signal makes care open their teams, exactly as in production.
3. The teams are dated from the lockdown's start (yesterday; care dates a team from the day it opens),
   so the page works on day 2 of the lockdown: yesterday's and today's windows both count. A dozen
   calls of the busiest grid worker go through `record_call` (half with a need, which becomes an
   errand, assigned through `assign_errand`); the rest is written set-based — `bulk_create` of the
   rows `record_call` and the errand services write (thousands of service calls would take many
   minutes and add nothing to what the page reads): yesterday's two calls for 95 % of the households,
   today's for about half of those whose window has begun, one errand for 15 % of them in an open
   state (new, assigned, on the way, delivered) with its events, a good part of them overdue.
4. The home page `/` of the grid workers with the most held households is requested over HTTP from a
   gunicorn on 127.0.0.1 (sync workers, persistent database connections, the full middleware stack,
   a real session cookie): warm-up, then `--requests` per worker, round robin. The figure is the p95
   of those requests; the note gives p50, the held households per worker and the SQL queries per page
   (counted once per worker through Django's test client, which must answer 200).
5. Everything added is removed again (step 0 too, if an earlier run was interrupted): the seeded city
   is left as it was found, for the benchmarks that run after this one.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchdb import require_database_url  # bench/benchdb.py (this folder is on sys.path)
from httpget import get, p95, wait_up  # bench/httpget.py
from seeded import find_seeded_city  # bench/seeded.py

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = int(os.environ.get("LIANFANG_BENCH_CARE_PORT", 8767))
PREFIX = "bench_care_"
REASON = "bench_care"
MARKERS = ROOT / "bench" / "out" / "care_markers.json"
SESSIONS: list[str] = []  # session keys of the logins made here (removed with the rest)


def log(msg: str) -> None:
    print(f"[care {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --------------------------------------------------------------------------- which database
def choose_database(url: str) -> tuple[str, str]:
    found = find_seeded_city(url)
    if found:
        return found
    raise SystemExit(
        "bench_care needs a seeded city: neither DATABASE_URL nor its sibling database lf_bench_seed has "
        "residents. Seed one first (make bench BENCH=seed, or manage.py seed_demo --scale city on "
        "PostgreSQL), then run this again."
    )


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")
    import django

    django.setup()


# --------------------------------------------------------------------------- what the run adds
TABLES = [
    # (app label, model): rows with an id above the marker were added by this run
    ("care", "ErrandEvent"),
    ("care", "Errand"),
    ("care", "KitDelivery"),
    ("care", "Disinfection"),
    ("care", "CareCall"),
    ("care", "CareTeamMember"),
    ("care", "CareTeam"),
    ("core", "Alert"),
    ("core", "AuditLog"),
    ("epi", "HealthCheck"),
    ("epi", "QuarantineChange"),
    ("epi", "Quarantine"),
    ("epi", "Lockdown"),
]


def _model(label: str, name: str) -> Any:
    from django.apps import apps

    return apps.get_model(label, name)


def take_markers() -> dict[str, Any]:
    """The highest id of every table this run writes to, before it writes."""
    from django.db.models import Max

    markers: dict[str, Any] = {}
    for label, name in TABLES:
        markers[f"{label}.{name}"] = _model(label, name).objects.aggregate(m=Max("pk"))["m"] or 0
    return markers


def clean_up(markers: dict[str, Any]) -> None:
    """Remove what the run added: rows above the markers, the bench users, then the holds recomputed
    for the households it touched (one set-based UPDATE, as epi does it)."""
    from django.contrib.sessions.models import Session
    from django.db import transaction

    from lianfang.accounts.models import User
    from lianfang.epi.holds import recompute_holds

    Quarantine = _model("epi", "Quarantine")
    CareTeam = _model("care", "CareTeam")
    with transaction.atomic():
        touched = set(
            Quarantine.objects.filter(pk__gt=markers["epi.Quarantine"]).values_list("household_id", flat=True)
        )
        for label, name in TABLES:
            _model(label, name).objects.filter(pk__gt=markers[f"{label}.{name}"]).delete()
        recompute_holds(touched)
        # recompute_holds told care about the households again: drop the teams that opened just now.
        CareTeam.objects.filter(pk__gt=markers["care.CareTeam"]).delete()
        User.objects.filter(username__startswith=PREFIX).delete()
        Session.objects.filter(session_key__in=[*markers.get("sessions", []), *SESSIONS]).delete()
    MARKERS.unlink(missing_ok=True)


# --------------------------------------------------------------------------- building the quarantine
@dataclass
class Built:
    lockdowns: int = 0
    households: int = 0
    residents: int = 0
    compounds: int = 0
    users_created: int = 0
    calls: int = 0
    errands: int = 0
    service_calls: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    workers: list[Any] = field(default_factory=list)  # grid workers, most held households first
    held_of: dict[int, int] = field(default_factory=dict)  # grid worker id -> held households
    teams: int = 0


def _bench_user(username: str, role: str, name: str, **scope: Any) -> Any:
    from lianfang.accounts.models import User

    user = User(username=username, role=role, name=name, is_active=True, **scope)
    user.set_unusable_password()
    user.save()
    return user


def create_team_staff(compound_ids: list[int]) -> int:
    """A secretary and a health worker per community, a grid worker per grid and a leader per street
    wherever the city has none, so that every team is proposed with its four members."""
    from lianfang.accounts.models import User
    from lianfang.core.roles import Role
    from lianfang.places.models import Area, Grid, Household

    households = Household.objects.filter(compound_id__in=compound_ids)
    grid_ids = set(households.exclude(grid=None).values_list("grid_id", flat=True).distinct())
    community_paths = set(households.values_list("path", flat=True).distinct())
    communities = list(Area.objects.filter(path__in=community_paths).select_related("parent"))
    created = 0
    have_grid = set(
        User.objects.filter(role=Role.GRID, grid_id__in=grid_ids).values_list("grid_id", flat=True)
    )
    for grid in Grid.objects.filter(pk__in=grid_ids - have_grid).order_by("pk"):
        _bench_user(f"{PREFIX}grid_{grid.pk}", Role.GRID, f"网格员{grid.pk}", grid=grid)
        created += 1
    for community in communities:
        for role, label in ((Role.COMMUNITY, "书记"), (Role.HEALTH, "医生")):
            if not User.objects.filter(role=role, area=community).exists():
                _bench_user(f"{PREFIX}{role}_{community.pk}", role, f"{label}{community.pk}", area=community)
                created += 1
        street = community.parent
        if street is not None and not User.objects.filter(role=Role.COMMAND, area=street).exists():
            _bench_user(f"{PREFIX}leader_{street.pk}", Role.COMMAND, f"街道{street.pk}", area=street)
            created += 1
    return created


def choose_compounds(target: int, seed: int) -> list[tuple[int, int]]:
    """(compound id, households) in a fixed pseudo-random order, without an active lockdown or a held
    household, until `target` households are reached."""
    from django.db.models import Count, Q

    from lianfang.epi.models import Lockdown, LockdownStatus
    from lianfang.places.models import Compound

    sealed = set(Lockdown.objects.filter(status=LockdownStatus.ACTIVE).values_list("compound_id", flat=True))
    rows = list(
        Compound.objects.annotate(
            n=Count("households"),
            held=Count("households", filter=Q(households__exits_held_until__isnull=False)),
        )
        .filter(n__gt=0, held=0)
        .values_list("pk", "n")
        .order_by("pk")
    )
    random.Random(seed).shuffle(rows)
    chosen, total = [], 0
    for pk, n in rows:
        if pk in sealed:
            continue
        chosen.append((pk, n))
        total += n
        if total >= target:
            break
    return chosen


def seal(
    compounds: list[tuple[int, int]], today: datetime.date, log: Callable[[str], None] = log
) -> tuple[int, int]:
    """apply_lockdown on each compound (the epi service, committed one by one like staff would)."""
    from lianfang.accounts.models import User
    from lianfang.core.roles import Role
    from lianfang.epi.services import apply_lockdown
    from lianfang.places.models import Area, AreaLevel

    city = Area.objects.filter(level=AreaLevel.CITY).order_by("path").first()
    sealer = User.objects.filter(username=f"{PREFIX}sealer").first() or _bench_user(
        f"{PREFIX}sealer", Role.HEALTH, "封控", area=city
    )
    households = residents = 0
    t = time.perf_counter()
    for i, (pk, _n) in enumerate(compounds):
        lockdown = apply_lockdown(
            user=sealer,
            scope="compound",
            target_id=pk,
            start=today - datetime.timedelta(days=1),
            days=14,
            reason=REASON,
            today=today,
        )
        households += lockdown.households
        residents += lockdown.residents
        if time.perf_counter() - t > 15:
            log(f"sealed {i + 1} of {len(compounds)} compounds, {households:,} households")
            t = time.perf_counter()
    return households, residents


def _windows(path: str) -> list[tuple[str, datetime.time, datetime.time]]:
    from lianfang.care.models import CallWindow
    from lianfang.care.policy import care_policy_for_path

    rules = care_policy_for_path(path)
    return [(str(w), *rules.window_times(w)) for w in (CallWindow.MORNING, CallWindow.AFTERNOON)]


def add_calls_and_errands(
    household_ids: list[int], now: datetime.datetime, seed: int, workers: list[Any]
) -> tuple[int, int]:
    """Set-based: the CareCall, Errand and ErrandEvent rows the services would have written."""
    from django.utils import timezone

    from lianfang.care.models import (
        NEED_OF_CATEGORY,
        CareCall,
        CareTeam,
        Errand,
        ErrandCategory,
        ErrandEvent,
        ErrandStatus,
        RaisedBy,
    )

    rng = random.Random(seed)
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    teams = {
        t.household_id: t
        for t in CareTeam.objects.filter(household_id__in=household_ids, ended__isnull=True).only(
            "pk", "household_id", "started", "path"
        )
    }
    if not teams:
        return 0, 0
    windows = _windows(next(iter(teams.values())).path)
    caller_of = {w.grid_id: w for w in workers}
    grid_of = dict(_model("places", "Household").objects.filter(pk__in=teams).values_list("pk", "grid_id"))
    calls, errands, plans = [], [], []
    for hid, team in teams.items():
        caller = caller_of.get(grid_of.get(hid))
        for back in (1, 0):
            day = today - datetime.timedelta(days=back)
            if day < team.started:
                continue
            for window, start, _end in windows:
                begun = timezone.make_aware(datetime.datetime.combine(day, start), tz)
                if begun > now:
                    continue
                if rng.random() >= (0.95 if back else 0.5):
                    continue
                calls.append(
                    CareCall(
                        household_id=hid,
                        team_id=team.pk,
                        date=day,
                        window=window,
                        reached=rng.random() < 0.97,
                        caller=caller,
                        called_at=begun + datetime.timedelta(minutes=rng.randrange(5, 200)),
                        path=team.path,
                    )
                )
        if rng.random() < 0.15:
            category = rng.choice(list(ErrandCategory))
            status = rng.choice([ErrandStatus.NEW, ErrandStatus.ASSIGNED, ErrandStatus.ON_THE_WAY,
                                 ErrandStatus.DELIVERED])  # fmt: skip
            raised = now - datetime.timedelta(hours=rng.randrange(1, 40))
            assignee = None
            if status != ErrandStatus.NEW:
                assignee = caller
            errands.append(
                Errand(
                    household_id=hid,
                    category=category,
                    need=NEED_OF_CATEGORY[category],
                    details="米、油、青菜",
                    status=status,
                    raised_by=rng.choice([RaisedBy.HOUSEHOLD, RaisedBy.CALL, RaisedBy.STAFF]),
                    assignee=assignee,
                    due_at=raised + datetime.timedelta(hours=24),
                    created_at=raised,
                    assigned_at=raised + datetime.timedelta(minutes=20) if assignee else None,
                    delivered_at=now - datetime.timedelta(minutes=30)
                    if status == ErrandStatus.DELIVERED
                    else None,
                    money_advanced=Decimal("36.50") if status == ErrandStatus.DELIVERED else Decimal("0"),
                    path=team.path,
                )
            )
            plans.append((status, raised, assignee))
    CareCall.objects.bulk_create(calls, batch_size=5000, ignore_conflicts=True)  # the service's calls stay
    made = Errand.objects.bulk_create(errands, batch_size=5000)
    order = [ErrandStatus.NEW, ErrandStatus.ASSIGNED, ErrandStatus.ON_THE_WAY, ErrandStatus.DELIVERED]
    events = []
    for errand, (status, raised, assignee) in zip(made, plans, strict=True):
        for k, step in enumerate(order[: order.index(status) + 1]):
            events.append(
                ErrandEvent(
                    errand_id=errand.pk, status=step, by=assignee if k else None,
                    by_household=k == 0 and errand.raised_by == RaisedBy.HOUSEHOLD,
                    at=raised + datetime.timedelta(minutes=20 * k),
                )
            )  # fmt: skip
    ErrandEvent.objects.bulk_create(events, batch_size=5000)
    return len(calls), len(errands)


def through_services(worker: Any, now: datetime.datetime, n: int = 12) -> int:
    """Yesterday's morning calls of `worker`'s first households through record_call (a temperature, and
    a need every other call), the errands assigned through assign_errand. Returns the service calls."""
    from django.utils import timezone

    from lianfang.care.models import CallWindow, CareTeam, ErrandCategory
    from lianfang.care.services import assign_errand, record_call
    from lianfang.people.models import Resident

    yesterday = timezone.localdate(now) - datetime.timedelta(days=1)
    at = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(9, 0)))
    teams = (
        CareTeam.objects.filter(ended__isnull=True, household__grid_id=worker.grid_id, started__lte=yesterday)
        .select_related("household")
        .order_by("household_id")[:n]
    )
    made = 0
    for i, team in enumerate(teams):
        person = Resident.objects.filter(household=team.household).order_by("pk").first()
        checks = [{"resident": person.pk, "temperature": "36.6", "symptoms": []}] if person else []
        needs = [{"category": ErrandCategory.VEGETABLES, "details": "青菜、鸡蛋"}] if i % 2 == 0 else []
        when = at + datetime.timedelta(minutes=3 * i)
        call = record_call(
            user=worker,
            household=team.household,
            date=yesterday,
            window=CallWindow.MORNING,
            reached=True,
            checks=checks,
            needs=needs,
            now=when,
        )
        made += 1
        for errand in call.errands.all():
            assign_errand(
                user=worker, errand=errand, assignee=worker, now=when + datetime.timedelta(minutes=30)
            )
            made += 1
    return made


def build(target: int, *, seed: int = 7, now: datetime.datetime | None = None) -> Built:
    """Everything the measurement reads; committed (the server is another process)."""
    from django.db import connection
    from django.db.models import Count, Q
    from django.utils import timezone

    from lianfang.accounts.models import User
    from lianfang.care.models import CareTeam
    from lianfang.core.roles import Role
    from lianfang.places.models import Household

    now = now or timezone.now()
    today = timezone.localdate(now)
    built = Built()
    t = time.perf_counter()
    compounds = choose_compounds(target, seed)
    ids = [pk for pk, _n in compounds]
    built.compounds = len(ids)
    built.users_created = create_team_staff(ids)
    built.seconds["staff"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    built.households, built.residents = seal(compounds, today)
    built.lockdowns = len(ids)
    built.seconds["lockdowns"] = round(time.perf_counter() - t, 2)
    held = list(
        Household.objects.filter(compound_id__in=ids, exits_held_until__gte=today).values_list(
            "pk", flat=True
        )
    )
    built.held_of = {}
    workers = list(
        User.objects.filter(role=Role.GRID, is_active=True)
        .annotate(n=Count("grid__households", filter=Q(grid__households__exits_held_until__gte=today)))
        .filter(n__gt=0)
        .order_by("-n", "pk")
    )
    built.workers = workers
    built.held_of = {w.pk: w.n for w in workers}
    t = time.perf_counter()
    CareTeam.objects.filter(household_id__in=held, ended__isnull=True).update(
        started=today - datetime.timedelta(days=1)
    )
    built.service_calls = through_services(workers[0], now) if workers else 0
    built.calls, built.errands = add_calls_and_errands(held, now, seed, workers)
    built.seconds["calls_errands"] = round(time.perf_counter() - t, 2)
    built.teams = CareTeam.objects.filter(household_id__in=held, ended__isnull=True).count()
    with connection.cursor() as cursor:
        for table in ("care_careteam", "care_careteammember", "care_carecall", "care_errand",
                      "care_errandevent", "places_household", "epi_quarantine"):  # fmt: skip
            cursor.execute(f"ANALYZE {table}")
    return built


# --------------------------------------------------------------------------- measuring
def count_queries(users: list[Any]) -> dict[int, int]:
    """SQL queries of one home page per user, through Django's test client (status must be 200)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for user in users:
        client = Client()
        client.force_login(user)
        SESSIONS.append(client.session.session_key or "")
        client.get("/")  # the first request of a session may warm caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/")
        if response.status_code != 200:
            raise SystemExit(f"home page of {user.username} answered {response.status_code}")
        counts[user.pk] = len(ctx.captured_queries)
    return counts


def session_cookies(users: list[Any]) -> dict[int, str]:
    from django.conf import settings
    from django.test import Client

    cookies = {}
    for user in users:
        client = Client()
        client.force_login(user)
        SESSIONS.append(client.session.session_key or "")
        cookies[user.pk] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


def measure_http(cookies: dict[int, str], requests: int, warmup: int, workers: int) -> dict[int, list[float]]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lianfang.settings",
        "DB_CONN_MAX_AGE": "600",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "lianfang.wsgi:application", "-b", f"127.0.0.1:{PORT}",
         "-w", str(workers), "--worker-class", "sync", "--log-level", "warning",
         "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{PORT}"
    times: dict[int, list[float]] = {pk: [] for pk in cookies}
    try:
        wait_up(base + "/healthz")
        for cookie in cookies.values():
            for _ in range(warmup):
                _ms, status, _size = get(base + "/", cookie)
                if status != 200:
                    raise SystemExit(f"home page answered {status} over HTTP")
        for _ in range(requests):
            for pk, cookie in cookies.items():
                ms, status, _size = get(base + "/", cookie)
                if status != 200:
                    raise SystemExit(f"home page answered {status} over HTTP")
                times[pk].append(ms)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--grid-workers", type=int, default=5, help="how many grid workers' pages to time")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per grid worker")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--server-workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="leave the quarantine in place (development)")
    args = parser.parse_args()
    url, source = choose_database(require_database_url("care"))
    os.environ["DATABASE_URL"] = url
    setup_django()
    from django.db import connection

    from lianfang.people.models import Resident
    from lianfang.places.models import Household

    if MARKERS.exists():
        log("cleaning up after an interrupted run")
        clean_up(json.loads(MARKERS.read_text()))
    MARKERS.parent.mkdir(parents=True, exist_ok=True)
    markers = take_markers()
    MARKERS.write_text(json.dumps(markers))
    city_households, city_residents = Household.objects.count(), Resident.objects.count()
    try:
        t = time.perf_counter()
        built = build(args.households, seed=args.seed)
        log(
            f"{built.households:,} households ({built.residents:,} residents) in home quarantine through "
            f"{built.lockdowns} compound lockdowns, {built.users_created} team staff created, "
            f"{built.teams:,} teams, {built.calls:,} calls and {built.errands:,} errands set-based, "
            f"{built.service_calls} service calls, in {time.perf_counter() - t:.0f} s "
            f"({built.seconds})"
        )
        users = built.workers[: args.grid_workers]
        if not users:
            raise SystemExit("no grid worker has a held household")
        queries = count_queries(users)
        cookies = session_cookies(users)
        MARKERS.write_text(json.dumps({**markers, "sessions": SESSIONS}))
        connection.close()
        times = measure_http(cookies, args.requests, args.warmup, args.server_workers)
    finally:
        if args.keep:
            log(f"--keep: the quarantine stays; markers in {MARKERS}")
        else:
            setup_django()
            t = time.perf_counter()
            clean_up(markers)
            log(f"cleaned up in {time.perf_counter() - t:.0f} s")
    everything = [ms for ts in times.values() for ms in ts]
    per_worker = ", ".join(
        f"{built.held_of[u.pk]} held: p50 {statistics.median(times[u.pk]):.0f}, p95 {p95(times[u.pk]):.0f} ms"
        for u in users
    )
    qs = sorted(set(queries.values()))
    local = time.strftime("%H:%M")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    note = (
        f"GET / as {len(users)} grid workers over HTTP (gunicorn {args.server_workers} sync workers, full "
        f"middleware, session cookie), {len(everything)} requests after {args.warmup} warm-up each; "
        f"p50 {statistics.median(everything):.1f} ms; SQL queries per page: "
        f"{qs[0] if len(qs) == 1 else f'{qs[0]} to {qs[-1]}'}; "
        f"{built.households:,} households / {built.residents:,} residents in home quarantine "
        f"({built.lockdowns} compounds sealed through apply_lockdown) in {source} "
        f"({city_households:,} households, {city_residents:,} residents); {built.calls:,} calls and "
        f"{built.errands:,} open errands; per worker: {per_worker}; local time {local}, load average {load}"
    )
    metrics = {
        "care_home_p95_ms": {"value": round(p95(everything), 1), "unit": "ms", "note": note, "goal": "< 200"},
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(metrics, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
