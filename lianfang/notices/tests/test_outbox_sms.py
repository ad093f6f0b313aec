"""The outbox against a real local SMS gateway: sent once, retried with back-off after a failure or a rate
limit, failed with the provider's reason after a refusal or too many attempts, never sent twice, held by the
per-number limits and the quiet hours."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import override_settings

from lianfang.notices.models import Channel, ChannelPolicy, OutboxMessage, OutboxStatus
from lianfang.notices.outbox import send_due
from lianfang.notices.tests.gateway import SmsGatewayServer

pytestmark = pytest.mark.django_db
NOON = datetime.datetime(2026, 2, 10, 4, tzinfo=datetime.UTC)  # 12:00 in Shanghai
NIGHT = datetime.datetime(2026, 2, 10, 15, tzinfo=datetime.UTC)  # 23:00 in Shanghai


@pytest.fixture
def gateway():
    with (
        SmsGatewayServer() as gw,
        override_settings(NOTICES_SMS_URL=gw.url, NOTICES_SMS_KEY="test-key", NOTICES_SMS_TIMEOUT=1),
    ):
        yield gw


def sms(key="k1", to="13900000001", at=NOON):
    return OutboxMessage.objects.create(key=key, channel=Channel.SMS, address=to, body="测试", next_try=at)


def test_a_message_is_sent_once_with_the_providers_id(gateway):
    m = sms()
    assert send_due(now=NOON) == {"sent": 1}
    m.refresh_from_db()
    assert m.status == OutboxStatus.SENT and m.provider_id.startswith("sm-") and m.attempts == 1
    assert send_due(now=NOON + datetime.timedelta(hours=1)) == {}
    assert gateway.requests == 1 and gateway.delivered == {"k1": ("13900000001", "测试")}


def test_a_failure_is_retried_with_back_off_and_then_sent(gateway):
    gateway.fail_next = 2
    m = sms()
    assert send_due(now=NOON) == {"retry": 1}
    m.refresh_from_db()
    assert m.next_try == NOON + datetime.timedelta(seconds=30) and "500" in m.last_error
    assert send_due(now=NOON + datetime.timedelta(seconds=10)) == {}  # not due yet
    assert send_due(now=NOON + datetime.timedelta(seconds=30)) == {"retry": 1}
    m.refresh_from_db()
    assert m.next_try == NOON + datetime.timedelta(seconds=90)  # 30 s, then 60 s
    assert send_due(now=NOON + datetime.timedelta(seconds=90)) == {"sent": 1}
    assert len(gateway.delivered) == 1


def test_a_rate_limit_waits_the_retry_after(gateway):
    gateway.limit_next = 1
    m = sms()
    send_due(now=NOON)
    m.refresh_from_db()
    assert m.status == OutboxStatus.PENDING and m.next_try == NOON + datetime.timedelta(seconds=120)
    assert "429" in m.last_error


def test_a_refusal_fails_at_once_with_the_providers_reason(gateway):
    gateway.refused_numbers = {"13900000009"}
    m = sms(to="13900000009")
    assert send_due(now=NOON) == {"failed": 1}
    m.refresh_from_db()
    assert m.status == OutboxStatus.FAILED and "invalid number" in m.last_error


def test_a_provider_that_times_out_is_retried_then_failed_never_lost(gateway):
    gateway.hang_seconds = 1.5
    ChannelPolicy.objects.create(channel=Channel.SMS, max_attempts=2)
    m = sms()
    assert send_due(now=NOON) == {"retry": 1}
    m.refresh_from_db()
    assert "unreachable" in m.last_error
    assert send_due(now=NOON + datetime.timedelta(minutes=1)) == {"failed": 1}
    m.refresh_from_db()
    assert m.status == OutboxStatus.FAILED and m.attempts == 2


def test_a_message_left_sending_by_a_dead_worker_is_retried_with_the_same_key_and_delivered_once(gateway):
    m = sms()
    send_due(now=NOON)
    # The worker died after the gateway took it, before writing "sent": the row is still "sending".
    OutboxMessage.objects.filter(pk=m.pk).update(status=OutboxStatus.SENDING, next_try=NOON)
    send_due(now=NOON + datetime.timedelta(minutes=6))
    assert gateway.requests == 2 and len(gateway.delivered) == 1


def test_one_number_gets_at_most_15_a_minute_and_50_a_day(gateway):
    for i in range(20):
        sms(key=f"m{i}")
    assert send_due(now=NOON) == {"sent": 15, "held": 5}
    held = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
    assert {m.next_try for m in held} == {NOON + datetime.timedelta(minutes=1)}
    for i in range(20, 60):
        sms(key=f"m{i}", at=NOON)
    minute = NOON
    for _ in range(5):
        minute += datetime.timedelta(minutes=1)
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING).update(next_try=minute)
        send_due(now=minute)
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 50
    left = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
    assert left.count() == 10 and all(m.last_error == "daily limit of the address" for m in left)


def test_no_sms_leaves_in_the_quiet_hours(gateway):
    with time_machine.travel(NIGHT, tick=False):
        m = sms(at=NIGHT)
        assert send_due(now=NIGHT) == {"quiet": 1}
    m.refresh_from_db()
    assert m.status == OutboxStatus.PENDING
    assert m.next_try == datetime.datetime(2026, 2, 10, 23, tzinfo=datetime.UTC)  # 07:00 in Shanghai
    assert gateway.requests == 0


def test_the_same_delivery_queued_twice_is_one_row(gateway):
    OutboxMessage.objects.bulk_create(
        [OutboxMessage(key="dup", channel=Channel.SMS, address="13900000001", body="x", next_try=NOON)] * 2,
        ignore_conflicts=True,
    )
    assert OutboxMessage.objects.filter(key="dup").count() == 1
