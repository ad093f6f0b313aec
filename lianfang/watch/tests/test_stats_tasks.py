"""The nightly statistics on the worker: at 00:15 local time yesterday's figures (computed again: during
the day they were "so far"), the never-computed days of the week before, each followed by
`after_day_computed`, then today's so far; the task keeps one run waiting for the next 00:15, even when a
run fails. `compute_today` is the on-demand refresh: for the command centre and community staff, and not
recomputed when younger than two minutes."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from lianfang.access.models import Passage
from lianfang.core.errors import DomainError
from lianfang.watch import tasks
from lianfang.watch.models import StatDay
from lianfang.watch.stats import compute_day, compute_today
from lianfang.watch.tests.conftest import TODAY, at, days, value


def test_the_next_run_is_the_next_0015_local_time():
    assert tasks.next_run(at(TODAY, 0, 10)) == at(TODAY, 0, 15)
    assert tasks.next_run(at(TODAY, 0, 15)) == at(TODAY + days(1), 0, 15)
    assert tasks.next_run(at(TODAY, 23, 59)) == at(TODAY + days(1), 0, 15)


def test_the_night_recomputes_yesterday_fills_the_missing_days_of_the_week_then_today(town, monkeypatch):
    yesterday = TODAY - days(1)
    compute_day(day=yesterday, now=at(yesterday, 10))  # yesterday so far, at 10:00
    compute_day(day=TODAY - days(4))
    Passage.objects.create(
        gate=town.gate_a, household=town.household_a1, direction="out", decision="allowed",
        code="exit_allowed", server_time=at(yesterday, 20), path=town.gate_a.path,
    )  # fmt: skip
    finished: list[datetime.date] = []
    monkeypatch.setattr(tasks, "after_day_computed", finished.append)
    with time_machine.travel(at(TODAY, 0, 15), tick=False):
        written = tasks.run_nightly()
    week = [TODAY - days(n) for n in (7, 6, 5, 3, 2)]
    assert finished == [*week, yesterday]
    assert list(written) == [d.isoformat() for d in [*week, yesterday, TODAY]]
    assert value(town.city.path, "passages_out", yesterday) == 1
    assert StatDay.objects.count() == 8


def test_the_task_runs_the_night_and_keeps_one_run_waiting_even_when_it_fails(town, monkeypatch):
    def broken(now=None):
        raise RuntimeError("database gone")

    monkeypatch.setattr(tasks, "run_nightly", broken)
    with pytest.raises(RuntimeError):
        tasks.compute_nightly_stats.call()
    waiting = DBTaskResult.objects.filter(task_path=tasks.compute_nightly_stats.module_path, status="READY")
    assert waiting.count() == 1
    assert tasks.schedule_nightly_stats() is False  # already waiting
    assert waiting.count() == 1


def test_refreshing_today_is_for_the_command_centre_and_community_staff(town):
    with pytest.raises(DomainError) as refused:
        compute_today(user=town.grid_a1_worker)
    assert refused.value.status == 403
    assert not StatDay.objects.exists()
    day = compute_today(user=town.staff_a)
    assert day.day == TODAY and day.rows > 0


def test_a_refresh_younger_than_two_minutes_is_not_recomputed_but_the_worker_always_recomputes(town):
    first = compute_today(user=town.commander)
    with time_machine.travel(at(TODAY, 9, 1), tick=False):
        assert compute_today(user=town.commander).computed_at == first.computed_at
        assert compute_today().computed_at > first.computed_at
    with time_machine.travel(at(TODAY, 9, 4), tick=False):
        assert compute_today(user=town.staff_a).computed_at == at(TODAY, 9, 4)
