"""bench/bench_care.py's data builder on the tiny city: compounds sealed through apply_lockdown open their
care teams with calls and errands, the grid worker's home page answers 200 in the pinned number of queries,
and the clean-up leaves the city as it found it."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from lianfang.care.models import CareCall, CareTeam, Errand
from lianfang.demo import care as demo_care
from lianfang.demo import epi as demo_epi
from lianfang.demo.accounts import DEFAULT_PASSWORD
from lianfang.demo.seed import seed
from lianfang.epi.models import Lockdown, Quarantine
from lianfang.places.models import Household

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
import bench_care

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_markers(tmp_path, monkeypatch):
    """clean_up removes the markers file: not the one of a real run kept with --keep (bench/out)."""
    monkeypatch.setattr(bench_care, "MARKERS", tmp_path / "care_markers.json")


@pytest.fixture
def city(at):
    """The tiny city without its epidemic and care demo data (its two compounds would be left out)."""
    seed(scale="tiny", password=DEFAULT_PASSWORD, now=at(7, 0))
    demo_care.reset_care()
    demo_epi.reset_epi()
    Household.objects.update(exits_held_until=None)


def held_until() -> dict[int, datetime.date | None]:
    return dict(
        Household.objects.filter(exits_held_until__isnull=False).values_list("pk", "exits_held_until")
    )


def test_the_builder_seals_whole_compounds_and_the_teams_run_on_day_two(city, at):
    built = bench_care.build(30, now=at(15, 0))

    today = timezone.localdate()
    teams = CareTeam.objects.filter(ended__isnull=True, started=today - datetime.timedelta(days=1))
    assert built.households >= 30 and built.lockdowns >= 1
    assert teams.count() == built.households
    assert built.calls > 0 and built.service_calls > 0
    assert CareCall.objects.filter(date=today - datetime.timedelta(days=1)).exists()
    assert built.workers and built.held_of[built.workers[0].pk] > 0
    assert all(t.members.count() == 4 for t in teams)


def test_the_grid_worker_s_home_page_answers_in_a_fixed_number_of_queries(city, at):
    built = bench_care.build(30, now=at(15, 0))

    counts = bench_care.count_queries(built.workers[:2])

    assert len(set(counts.values())) == 1


def test_the_clean_up_leaves_the_city_as_it_was(city, at):
    household = Household.objects.order_by("pk").first()
    Household.objects.filter(pk=household.pk).update(exits_held_until=timezone.localdate())  # held before
    before = (held_until(), Lockdown.objects.count(), Quarantine.objects.count(), CareTeam.objects.count())
    errands = Errand.objects.count()
    markers = bench_care.take_markers()

    bench_care.build(30, now=at(15, 0))
    bench_care.clean_up(markers)

    after = (held_until(), Lockdown.objects.count(), Quarantine.objects.count(), CareTeam.objects.count())
    assert after == before
    assert Errand.objects.count() == errands
