"""Seeding the demo city (`manage.py seed_demo`): plan the places, generate each community's households
and residents (in worker processes for big scales), write them (bulk_create, or COPY on PostgreSQL),
then create the demo accounts. One transaction: a failed seed leaves the database as it was.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.access.models import Pass, Passage
from lianfang.accounts.models import User
from lianfang.core import idnumbers
from lianfang.core.errors import DomainError
from lianfang.core.models import Alert
from lianfang.demo import care as demo_care
from lianfang.demo import epi as demo_epi
from lianfang.demo import history as demo_history
from lianfang.demo import load, passages
from lianfang.demo import mobilize as demo_mobilize
from lianfang.demo import notices as demo_notices
from lianfang.demo import supplies as demo_supplies
from lianfang.demo import watch as demo_watch
from lianfang.demo.accounts import USERNAMES, create_demo_accounts
from lianfang.demo.generate import Context, copy_text_plain, generate_community
from lianfang.demo.plan import SCALES, CommunityJob, Ids, build_plan
from lianfang.people.models import Membership, Resident, TravelRecord, Visit
from lianfang.places.models import Area, Building, Compound, Gate, Grid, Household, Unit

DEFAULT_SEED = 2020


@dataclass
class SeedResult:
    scale: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    method: str = "orm"
    workers: int = 0


def database_has_areas() -> bool:
    return Area.objects.exists()


# --- workers -------------------------------------------------------------------------------------

_CTX: Context | None = None


def _init_worker(ctx: Context) -> None:
    global _CTX
    _CTX = ctx


Encoded = tuple[dict[str, bytes], dict[str, int], list[tuple]]  # COPY text and row count per table, fevers


def _copy_job(job: CommunityJob) -> Encoded:
    assert _CTX is not None
    rows = generate_community(job, _CTX)
    return {k: copy_text_plain(v) for k, v in rows.items()}, {k: len(v) for k, v in rows.items()}, []


def _access_job(job: CommunityJob) -> Encoded:
    assert _CTX is not None
    access = passages.generate_access(job, _CTX, _CTX.passage_days)
    encoded = {"pass": copy_text_plain(access.rows["pass"]), "passage": "".join(access.passage_text).encode()}
    counts = {"pass": len(access.rows["pass"]), "passage": len(access.passage_text)}
    return encoded, counts, access.fevers


def _run_jobs(
    jobs: list[CommunityJob], ctx: Context, workers: int, fn: Callable[[CommunityJob], Encoded] = _copy_job
) -> Iterator[Encoded]:
    """Encoded rows per community, in order; at most a few communities in flight (bounded memory)."""
    if workers <= 0:
        _init_worker(ctx)
        for job in jobs:
            yield fn(job)
        return
    mp = multiprocessing.get_context("fork")
    with mp.Pool(workers, initializer=_init_worker, initargs=(ctx,)) as pool:
        window = workers * 3
        pending = []
        it = iter(jobs)
        for job in it:
            pending.append(pool.apply_async(fn, (job,)))
            if len(pending) >= window:
                break
        while pending:
            result = pending.pop(0).get()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(pool.apply_async(fn, (nxt,)))
            yield result


# --- reset ---------------------------------------------------------------------------------------


def reset_demo() -> None:
    """Remove the places and people (and the demo and scoped accounts) so that a new city can be seeded."""
    demo_supplies.reset_supplies()  # the ledger protects the accounts, households and places it names
    demo_notices.reset_notices()  # recipients point at households and accounts (one TRUNCATE)
    User.objects.filter(username__in=USERNAMES).delete()
    scoped = (
        User.objects.filter(area__isnull=False)
        | User.objects.filter(grid__isnull=False)
        | User.objects.filter(gate__isnull=False)
        | User.objects.filter(household__isnull=False)
    )
    scoped.delete()
    # The command centre's figures, signals, levels and reports are of the city being removed.
    demo_watch.reset_watch()
    # Alerts point into the places being removed (TRUNCATE ... CASCADE below empties them too).
    Alert.objects.all().delete()
    demo_care.reset_care()  # care rows point at households, buildings and areas
    demo_mobilize.reset_mobilize()  # volunteers protect their community
    demo_epi.reset_epi()  # cases, lockdowns and quarantines protect the residents and units below
    if Resident.objects.count() > 50_000 or Passage.objects.count() > 200_000:
        _truncate_postgres()
        return
    for model in (
        Passage, Pass, Membership, TravelRecord, Visit, Resident, Household, Unit, Building, Gate, Compound,
        Grid,
    ):  # fmt: skip
        model.objects.all().delete()
    for level in ("community", "street", "district", "city"):
        Area.objects.filter(level=level).delete()
    Area.objects.all().delete()


def _truncate_postgres() -> None:
    """TRUNCATE the place and people tables (and what references them), keeping the users table:
    its foreign keys into places are dropped for the statement and put back afterwards."""
    place_tables = [m._meta.db_table for m in load.MODELS.values()]
    people_tables = ["people_visit"]
    user_table = User._meta.db_table
    with connection.cursor() as cursor:
        # The accounts deleted just before queued deferred foreign-key checks, which forbid ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            """
            SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = %s::regclass AND contype = 'f' AND confrelid = ANY(%s::regclass[])
            """,
            [user_table, place_tables],
        )
        fks = cursor.fetchall()
        for name, _definition in fks:
            cursor.execute(f'ALTER TABLE {user_table} DROP CONSTRAINT "{name}"')
        cursor.execute(f"TRUNCATE {', '.join(place_tables + people_tables)} RESTART IDENTITY CASCADE")
        for name, definition in fks:
            cursor.execute(f'ALTER TABLE {user_table} ADD CONSTRAINT "{name}" {definition}')


# --- seeding -------------------------------------------------------------------------------------


def seed(
    *,
    scale: str,
    seed: int = DEFAULT_SEED,
    password: str,
    reset: bool = False,
    workers: int | None = None,
    method: str = "auto",
    defer_indexes: bool = True,
    passage_days: int = 0,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
    log: Callable[[str], None] = lambda _msg: None,
) -> SeedResult:
    if scale not in SCALES:
        raise DomainError("scale_unknown", _("Unknown scale: {scale}.").format(scale=scale))
    if not 0 <= passage_days <= passages.MAX_DAYS:
        raise DomainError(
            "passage_days_bad",
            _("The gate log can cover 0 to {max} days.").format(max=passages.MAX_DAYS),
            field="passage_days",
        )
    spec = SCALES[scale]
    if method == "auto":
        method = "copy" if spec.residents > 20_000 else "orm"
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if spec.residents > 100_000 else 0
    result = SeedResult(scale=scale, method=method, workers=workers)
    started = time.perf_counter()

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        result.seconds[name] = round(now - since, 2)
        return now

    with transaction.atomic():
        if database_has_areas():
            if not reset:
                raise DomainError(
                    "demo_not_empty",
                    _(
                        "The database already has areas. Run seed_demo with --reset to replace them (this "
                        "deletes all places, residents and scoped accounts), or with --if-empty to skip."
                    ),
                )
            log(str(_("Removing the existing places and residents…")))
            reset_demo()
        t = time.perf_counter()
        ids = Ids(next=load.next_ids())
        plan = build_plan(spec, seed=seed, ids=ids)
        ctx = Context(
            seed=seed,
            today=today or timezone.localdate(now),
            now=now or timezone.now(),
            keys=idnumbers.keys(),
            passage_days=passage_days,
        )
        if method == "copy":
            load.write_copy_rows(plan.rows)
        else:
            load.write_orm(plan.rows)
        for key, rows in plan.rows.items():
            result.counts[key] = len(rows)
        t = lap("places", t)
        log(
            str(
                _("Places: {areas} areas, {compounds} compounds, {units} units; generating {n} communities…")
            ).format(
                areas=len(plan.rows["area"]),
                compounds=len(plan.rows["compound"]),
                units=len(plan.rows["unit"]),
                n=len(plan.jobs),
            )
        )
        if method == "copy":
            _load_people_copy(plan.jobs, ctx, workers, defer_indexes, result, log)
        else:
            _load_people_orm(plan.jobs, ctx, result)
        log(
            str(_("Passes and {days} days of gate records…")).format(days=passage_days)
            if passage_days
            else str(_("Passes…"))
        )
        if method == "copy":
            fevers = _load_access_copy(plan.jobs, ctx, workers, defer_indexes, result, log)
        else:
            fevers = _load_access_orm(plan.jobs, ctx, result)
        t = time.perf_counter()
        result.counts["alert"] = passages.raise_fevers(fevers, ctx.now)
        t = lap("alerts", t)
        load.reset_sequences()
        load.analyze()
        create_demo_accounts(password)
        t = lap("accounts", t)
        result.counts.update(demo_epi.seed_epi(today=ctx.today, now=ctx.now))
        t = lap("epi", t)
        result.counts.update(demo_supplies.seed_supplies(today=ctx.today, now=ctx.now))
        t = lap("supplies", t)  # before care: its kits are issued from the stores' stock
        result.counts.update(demo_care.seed_care(today=ctx.today, now=ctx.now))
        t = lap("care", t)
        result.counts.update(demo_mobilize.seed_mobilize(today=ctx.today, now=ctx.now))
        t = lap("mobilize", t)
        result.counts.update(demo_notices.seed_notices(today=ctx.today, now=ctx.now))
        t = lap("notices", t)
        history = demo_history.seed_history(
            seed=seed, scale=scale, today=ctx.today, now=ctx.now, passage_days=passage_days
        )
        result.counts.update(history)
        t = lap("history", t)
        if history:
            result.counts.update(demo_watch.seed_watch(today=ctx.today, now=ctx.now))
            t = lap("watch", t)
    if method == "copy" and connection.get_autocommit():
        # Freshly copied rows: set hint bits and the visibility map now rather than in the first searches.
        with connection.cursor() as cursor:
            for key in ("household", "resident", "membership", "travel"):
                cursor.execute(f"VACUUM (ANALYZE) {load.MODELS[key]._meta.db_table}")
            t = lap("vacuum", t)
            for key in load.ACCESS_TABLES:
                cursor.execute(f"VACUUM (ANALYZE) {load.MODELS[key]._meta.db_table}")
            lap("passage_vacuum", t)
    result.seconds["total"] = round(time.perf_counter() - started, 2)
    return result


def _load_people_orm(jobs: list[CommunityJob], ctx: Context, result: SeedResult) -> None:
    t = time.perf_counter()
    for job in jobs:
        rows = generate_community(job, ctx)
        load.write_orm(rows)
        for key, batch in rows.items():
            result.counts[key] = result.counts.get(key, 0) + len(batch)
    result.seconds["people"] = round(time.perf_counter() - t, 2)


def _load_people_copy(
    jobs: list[CommunityJob],
    ctx: Context,
    workers: int,
    defer_indexes: bool,
    result: SeedResult,
    log: Callable[[str], None],
) -> None:
    t = time.perf_counter()
    total = sum(j.residents for j in jobs)
    done = 0
    next_report = 0.0

    def copy_all() -> None:
        nonlocal done, next_report
        for encoded, counts, _fevers in _run_jobs(jobs, ctx, workers):
            for key in ("household", "resident", "membership", "travel"):
                load.write_copy(key, encoded[key])
                result.counts[key] = result.counts.get(key, 0) + counts[key]
            done += counts["resident"]
            if time.perf_counter() - t >= next_report:
                log(
                    str(_("{done} of {total} residents ({s:.0f} s)")).format(
                        done=done, total=total, s=time.perf_counter() - t
                    )
                )
                next_report += 15

    if defer_indexes:
        with load.deferred_indexes(load.BULK_TABLES):
            copy_all()
            result.seconds["people"] = round(time.perf_counter() - t, 2)
            log(str(_("Rebuilding indexes…")))
        result.seconds["indexes"] = round(time.perf_counter() - t - result.seconds["people"], 2)
    else:
        copy_all()
        result.seconds["people"] = round(time.perf_counter() - t, 2)


def _load_access_orm(jobs: list[CommunityJob], ctx: Context, result: SeedResult) -> list[tuple]:
    t = time.perf_counter()
    fevers: list[tuple] = []
    for job in jobs:
        access = passages.generate_access(job, ctx, ctx.passage_days)
        rows = {"pass": access.rows["pass"], "passage": access.passage_rows()}
        load.write_orm(rows)
        fevers += access.fevers
        for key, batch in rows.items():
            result.counts[key] = result.counts.get(key, 0) + len(batch)
    result.seconds["passages"] = round(time.perf_counter() - t, 2)
    return fevers


def _load_access_copy(
    jobs: list[CommunityJob],
    ctx: Context,
    workers: int,
    defer_indexes: bool,
    result: SeedResult,
    log: Callable[[str], None],
) -> list[tuple]:
    """Passes and passages, community by community, generated by the workers and COPYed in."""
    t = time.perf_counter()
    fevers: list[tuple] = []
    next_report = 15.0

    def copy_all() -> None:
        nonlocal next_report
        for encoded, counts, community_fevers in _run_jobs(jobs, ctx, workers, _access_job):
            for key in load.ACCESS_TABLES:
                load.write_copy(key, encoded[key])
                result.counts[key] = result.counts.get(key, 0) + counts[key]
            fevers.extend(community_fevers)
            if time.perf_counter() - t >= next_report:
                log(
                    str(_("{n} gate records ({s:.0f} s)")).format(
                        n=result.counts.get("passage", 0), s=time.perf_counter() - t
                    )
                )
                next_report += 15

    if defer_indexes:
        with load.deferred_indexes(load.ACCESS_TABLES):
            copy_all()
            result.seconds["passages"] = round(time.perf_counter() - t, 2)
            log(str(_("Rebuilding the indexes of passes and gate records…")))
        result.seconds["passage_indexes"] = round(time.perf_counter() - t - result.seconds["passages"], 2)
    else:
        copy_all()
        result.seconds["passages"] = round(time.perf_counter() - t, 2)
    return fevers
