"""The outbox: one `OutboxMessage` per delivery, sent by `send_due` on the background worker.

- **Never sent twice**: each row has a unique idempotency key (a delivery queued twice is one row); a row is
  claimed (`sending`, with a lease of `LEASE`) under `FOR UPDATE SKIP LOCKED`, so two workers never take the
  same one; the key travels to the gateway, which drops a repeat (a worker that died after sending but
  before writing `sent` leaves its lease to expire, and the retry carries the same key).
- **Never lost**: a failure is written with its reason and retried with exponential back-off
  (`BACKOFF_BASE` × 2^(attempt-1), at most `BACKOFF_MAX`) until the channel's `max_attempts`; a refusal
  (4xx, a bad number) fails at once with its reason; a 429 waits its `Retry-After`.
- **Rate limits and quiet hours** (ChannelPolicy): a message to an address that already had
  `per_address_minute` messages in the last minute, or `per_address_day` today, waits; SMS waits out the
  quiet hours; `per_second` paces the whole channel.
"""

from __future__ import annotations

import datetime
import json
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.notices.channels import Email, Result, SmsGateway, Webhooks
from lianfang.notices.models import Channel, Notice, OutboxMessage, OutboxStatus
from lianfang.notices.policies import policy_for
from lianfang.notices.text import plain

LEASE = datetime.timedelta(minutes=5)
BACKOFF_BASE = datetime.timedelta(seconds=30)
BACKOFF_MAX = datetime.timedelta(hours=1)
SMS_THREADS = 8
MOBILE = r"^1[3-9][0-9]{9}$"


# ------------------------------------------------------------------ queueing
def queue_publication(*, notice: Notice, now: datetime.datetime) -> int:
    """A published notice: each webhook is told (signed JSON), each account with an e-mail gets it."""
    rows = []
    payload = json.dumps(
        {
            "event": "notice.published",
            "id": notice.pk,
            "kind": notice.kind,
            "title": notice.title,
            "area": notice.path,
            "recipients": notice.recipient_count,
            "published_at": now.isoformat(),
        },
        ensure_ascii=False,
    )
    for i, url in enumerate(settings.NOTICES_WEBHOOK_URLS):
        rows.append(
            OutboxMessage(
                key=f"pub{notice.pk}:webhook{i}",
                notice=notice,
                channel=Channel.WEBHOOK,
                address=url,
                body=payload,
                next_try=now,
                created_at=now,
            )
        )
    emails = (
        notice.recipients.filter(user__isnull=False).exclude(user__email="").values_list("pk", "user__email")
    )
    body = plain(notice.body)
    for rid, email in emails:
        rows.append(
            OutboxMessage(
                key=f"pub{notice.pk}:mail{rid}",
                notice=notice,
                recipient_id=rid,
                channel=Channel.EMAIL,
                address=email,
                subject=notice.title,
                body=body,
                next_try=now,
                created_at=now,
            )
        )
    OutboxMessage.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def sms_text(notice: Notice, *, reminder: bool) -> str:
    title = notice.title[:40]
    if reminder:
        return _(
            "[Lianfang] Reminder: please read and acknowledge “{title}” on your household's page."
        ).format(title=title)
    return _("[Lianfang] “{title}”: please read and acknowledge it on your household's page.").format(
        title=title
    )


def queue_sms(
    *, recipient_ids: list[int], notice: Notice, key: str, now: datetime.datetime, reminder: bool = False
) -> int:
    """One SMS per recipient to its mobile number (the person's own, or the household's: the head first);
    recipients without a mobile number get none. Set-based; a key already queued is skipped."""
    if not recipient_ids:
        return 0
    sql = """
        INSERT INTO notices_outboxmessage (key, notice_id, recipient_id, channel, address, subject, body,
            status, attempts, next_try, last_error, provider_id, created_at)
        SELECT %s || ':' || r.id, r.notice_id, r.id, 'sms', ph.phone, '', %s, 'pending', 0, %s, '', '', %s
        FROM notices_recipient r
        JOIN LATERAL (
            SELECT p.phone FROM people_resident p
            WHERE (p.id = r.resident_id OR (r.resident_id IS NULL AND p.household_id = r.household_id))
              AND p.phone ~ %s
            ORDER BY (p.id = r.resident_id) DESC, (p.relation = 'head') DESC, p.id LIMIT 1
        ) ph ON true
        WHERE r.id = ANY(%s) AND r.household_id IS NOT NULL
        ON CONFLICT (key) DO NOTHING
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, sms_text(notice, reminder=reminder), now, now, MOBILE, list(recipient_ids)])
        return cursor.rowcount


def cancel_pending(*, notice: Notice) -> int:
    """A withdrawn notice: what has not left yet never will."""
    return OutboxMessage.objects.filter(notice=notice, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.FAILED, last_error="notice withdrawn"
    )


# ------------------------------------------------------------------ sending
def backoff(attempts: int) -> datetime.timedelta:
    return min(BACKOFF_MAX, BACKOFF_BASE * (2 ** max(0, attempts - 1)))


def claim(
    *, now: datetime.datetime, limit: int, channels: Iterable[str] | None = None
) -> list[OutboxMessage]:
    """Take up to `limit` due messages (pending, or sending with an expired lease) for this worker."""
    with transaction.atomic():
        due = OutboxMessage.objects.filter(
            status__in=(OutboxStatus.PENDING, OutboxStatus.SENDING), next_try__lte=now
        )
        if channels is not None:
            due = due.filter(channel__in=list(channels))
        rows = list(due.order_by("next_try", "id").select_for_update(skip_locked=True)[:limit])
        if rows:
            OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).update(
                status=OutboxStatus.SENDING, next_try=now + LEASE
            )
    return rows


def _counts(channel: str, addresses: set[str], now: datetime.datetime) -> tuple[Counter[str], Counter[str]]:
    """Messages sent to each address in the last minute and since local midnight."""
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(now), datetime.time()))
    rows = (
        OutboxMessage.objects.filter(
            channel=channel, status=OutboxStatus.SENT, address__in=addresses, sent_at__gte=midnight
        )
        .values("address")
        .annotate(
            day=Count("id"), minute=Count("id", filter=Q(sent_at__gt=now - datetime.timedelta(minutes=1)))
        )
    )
    minute, day = Counter[str](), Counter[str]()
    for r in rows:
        minute[r["address"]], day[r["address"]] = r["minute"], r["day"]
    return minute, day


def _sender(channel: str) -> Any:
    senders: dict[str, type] = {Channel.SMS: SmsGateway, Channel.EMAIL: Email, Channel.WEBHOOK: Webhooks}
    return senders[channel]()


def send_due(
    *, now: datetime.datetime | None = None, limit: int = 2000, channels: Iterable[str] | None = None
) -> dict[str, int]:
    """One pass of the sender: claim what is due, hold back what the policies hold back, send the rest,
    write every outcome. Returns counts by outcome."""
    now = now or timezone.now()
    rows = claim(now=now, limit=limit, channels=channels)
    outcome: Counter[str] = Counter()
    by_channel: dict[str, list[OutboxMessage]] = {}
    for row in rows:
        by_channel.setdefault(row.channel, []).append(row)
    done: list[OutboxMessage] = []
    for channel, messages in by_channel.items():
        policy = policy_for(channel)
        if policy.is_quiet(now):
            later = policy.quiet_ends(now)
            for m in messages:
                m.status, m.next_try = OutboxStatus.PENDING, later
            outcome["quiet"] += len(messages)
            done += messages
            continue
        minute, day = _counts(channel, {m.address for m in messages}, now)
        ready = []
        tomorrow = timezone.make_aware(
            datetime.datetime.combine(timezone.localdate(now) + datetime.timedelta(days=1), datetime.time())
        )
        for m in messages:
            if day[m.address] >= policy.per_address_day:
                m.status, m.next_try, m.last_error = (
                    OutboxStatus.PENDING,
                    tomorrow,
                    "daily limit of the address",
                )
                outcome["held"] += 1
            elif minute[m.address] >= policy.per_address_minute:
                m.status, m.next_try = OutboxStatus.PENDING, now + datetime.timedelta(minutes=1)
                m.last_error = "per-minute limit of the address"
                outcome["held"] += 1
            else:
                minute[m.address] += 1
                day[m.address] += 1
                ready.append(m)
                continue
            done.append(m)
        _send(channel, ready, policy, now, outcome)
        done += ready
    _write_back(done)
    return dict(outcome)


def _write_back(rows: list[OutboxMessage]) -> None:
    """Every outcome of a pass in one UPDATE … FROM unnest(…) (Django's bulk_update builds a CASE per
    field that grows with the batch)."""
    if not rows:
        return
    columns = list(
        zip(
            *((m.pk, m.status, m.attempts, m.next_try, m.last_error, m.provider_id, m.sent_at) for m in rows),
            strict=True,
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE notices_outboxmessage o SET status = v.status, attempts = v.attempts,
                next_try = v.next_try, last_error = v.last_error, provider_id = v.provider_id,
                sent_at = v.sent_at
            FROM unnest(%s::bigint[], %s::text[], %s::int[], %s::timestamptz[], %s::text[], %s::text[],
                        %s::timestamptz[])
                AS v(id, status, attempts, next_try, last_error, provider_id, sent_at)
            WHERE o.id = v.id
            """,
            [list(c) for c in columns],
        )


def _apply(
    m: OutboxMessage, result: Result, policy: Any, now: datetime.datetime, outcome: Counter[str]
) -> None:
    m.attempts += 1
    if result.ok:
        m.status, m.sent_at, m.provider_id, m.last_error = (
            OutboxStatus.SENT,
            now,
            result.provider_id[:100],
            "",
        )
        outcome["sent"] += 1
        return
    m.last_error = result.error[:300]
    if result.permanent or m.attempts >= policy.max_attempts:
        m.status = OutboxStatus.FAILED
        outcome["failed"] += 1
        return
    wait = backoff(m.attempts)
    if result.retry_after:
        wait = max(wait, datetime.timedelta(seconds=result.retry_after))
    m.status, m.next_try = OutboxStatus.PENDING, now + wait
    outcome["retry"] += 1


def _send(
    channel: str, ready: list[OutboxMessage], policy: Any, now: datetime.datetime, outcome: Counter[str]
) -> None:
    if not ready:
        return
    pace = 1.0 / policy.per_second if policy.per_second else 0.0
    threads = SMS_THREADS if channel == Channel.SMS and len(ready) > SMS_THREADS else 1
    chunks = [ready[i::threads] for i in range(threads)]

    def run(chunk: list[OutboxMessage]) -> list[Result]:
        sender = _sender(channel)
        results = []
        started = time.monotonic()
        try:
            for i, m in enumerate(chunk):
                wait = started + i * pace * threads - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                results.append(sender.send(m))
        finally:
            sender.close()
        return results

    if threads == 1:
        results = [run(ready)]
    else:
        with ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(run, chunks))
    for chunk, chunk_results in zip(chunks, results, strict=True):
        for m, result in zip(chunk, chunk_results, strict=True):
            _apply(m, result, policy, now, outcome)
