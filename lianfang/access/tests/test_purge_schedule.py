"""The daily purge keeps itself scheduled on the database worker."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lianfang.access.tasks import next_run, purge_passages_daily


def waiting():
    return DBTaskResult.objects.filter(task_path=purge_passages_daily.module_path, status="READY")


def test_next_run_is_tomorrow_at_three_local_time():
    now = datetime.datetime(2026, 3, 2, 23, 30, tzinfo=timezone.get_current_timezone())
    assert timezone.localtime(next_run(now)).isoformat().startswith("2026-03-03T03:00")


@pytest.mark.django_db(transaction=True)  # the worker closes connections: real commits on PostgreSQL
def test_the_worker_runs_the_purge_and_it_schedules_the_next(world):
    from lianfang.access.models import OutingPolicy, Pass, Passage, PassKind

    OutingPolicy.objects.create(area=world.city, retention_days=7)
    h = world.household_a1
    p = Pass.objects.create(
        kind=PassKind.HOUSEHOLD,
        household=h,
        compound=h.compound,
        path=h.path,
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2030, 1, 1),
    )
    Passage.objects.create(
        gate=world.gate_a,
        pass_obj=p,
        household=h,
        direction="in",
        decision="allowed",
        code="entry_allowed",
        path=h.path,
        server_time=timezone.now() - datetime.timedelta(days=8),
    )
    purge_passages_daily.enqueue()
    call_command(
        "db_worker", "--batch", "--queue-name", "*", "--no-reload", stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert Passage.objects.count() == 0
    assert waiting().count() == 1  # the next one, for tomorrow (not run by --batch: it is not due)
