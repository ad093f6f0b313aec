"""Background work of notices on the database worker:

- `send_outbox`: every minute, the outbox sender (notices.outbox.send_due) until nothing is due;
- `escalate_notices`: every 5 minutes, the escalation steps and expiries (notices.escalation);
- `publish_in_background`: publishing an audience too large for a request (NOTICE_BACKGROUND_RECIPIENTS).

The worker has no clock, so each recurring task enqueues its next run; `manage.py schedule_tasks` makes sure
one is waiting.
"""

from __future__ import annotations

import datetime

from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lianfang.accounts.models import User
from lianfang.notices.escalation import escalate_due
from lianfang.notices.models import Notice
from lianfang.notices.outbox import send_due
from lianfang.notices.services import publish_notice

OUTBOX_EVERY = datetime.timedelta(minutes=1)
ESCALATE_EVERY = datetime.timedelta(minutes=5)
MAX_PASSES = 500


@task()
def send_outbox() -> dict[str, int]:
    total: dict[str, int] = {}
    try:
        for _ in range(MAX_PASSES):
            counts = send_due()
            for k, v in counts.items():
                total[k] = total.get(k, 0) + v
            if not counts.get("sent") and not counts.get("retry"):
                break
    finally:
        schedule_outbox(force=True)
    return total


@task()
def escalate_notices() -> dict[str, int]:
    try:
        return escalate_due()
    finally:
        schedule_escalation(force=True)


@task()
def publish_in_background(notice_id: int, user_id: int) -> int:
    user = User.objects.get(pk=user_id)
    notice = Notice.objects.get(pk=notice_id)
    return publish_notice(user=user, notice=notice).recipient_count


def _schedule(t: object, every: datetime.timedelta, force: bool) -> bool:
    waiting = DBTaskResult.objects.filter(task_path=t.module_path, status="READY")  # type: ignore[attr-defined]
    if waiting.exists() and not force:
        return False
    t.using(run_after=timezone.now() + every).enqueue()  # type: ignore[attr-defined]
    return True


def schedule_outbox(*, force: bool = False) -> bool:
    return _schedule(send_outbox, OUTBOX_EVERY, force)


def schedule_escalation(*, force: bool = False) -> bool:
    return _schedule(escalate_notices, ESCALATE_EVERY, force)
