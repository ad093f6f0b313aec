"""Background work of closed management: the daily purge of old gate records, and the gate log exports too
large for a request (access/exports.py: written by `write_passage_export`, deleted a day after they were
asked for by `delete_passage_export`, both enqueued when the export is asked for).

The database worker has no clock of its own, so the purge keeps itself scheduled: each run enqueues the
next one for 03:00 the next day, and `manage.py schedule_tasks` (run by `make demo` and at deploy) makes
sure exactly one is waiting.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from lianfang.access import exports
from lianfang.access.models import PassageExport
from lianfang.access.passages import PassageFilter
from lianfang.access.services import purge_passages


def next_run(now: datetime.datetime | None = None) -> datetime.datetime:
    local = timezone.localtime(now or timezone.now())
    day = local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(3, 0)))


@task()
def purge_passages_daily() -> int:
    deleted = purge_passages()
    schedule_purge(force=True)
    return deleted


def schedule_purge(*, force: bool = False) -> bool:
    """Enqueue the next purge unless one is already waiting (force: the running one is about to end)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=purge_passages_daily.module_path, status="READY")
    if waiting.exists() and not force:
        return False
    purge_passages_daily.using(run_after=next_run()).enqueue()
    return True


@task()
def write_passage_export(export_id: int) -> None:
    exports.write_export(export_id)


@task()
def delete_passage_export(export_id: int) -> None:
    exports.delete_export(export_id)


def start_passage_export(*, user: Any, f: PassageFilter, words: list[str]) -> PassageExport:
    """Record a background export of the gate log; once committed, the worker writes it, and deletes it
    exports.KEEP after."""
    export = exports.new_export(user=user, f=f, words=words)
    transaction.on_commit(lambda: write_passage_export.enqueue(export.pk))
    transaction.on_commit(
        lambda: delete_passage_export.using(run_after=export.created_at + exports.KEEP).enqueue(export.pk)
    )
    return export
