"""E-mail through Django's mailer to a real local SMTP server (aiosmtpd), and webhooks to a local receiver
that checks the HMAC signature — through publishing, the way they are queued in real use."""

from __future__ import annotations

import socket
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.test import override_settings

from lianfang.notices.models import Audience, Channel, OutboxMessage, OutboxStatus
from lianfang.notices.outbox import send_due
from lianfang.notices.tests.gateway import WebhookReceiver
from lianfang.notices.tests.helpers import published

pytestmark = pytest.mark.django_db


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    try:
        with override_settings(MAILERS=mailers):
            yield inbox
    finally:
        controller.stop()


def test_staff_with_an_e_mail_get_the_notice_by_smtp_once(world, smtp):
    world.grid_a1_worker.email = "grid@example.org"
    world.grid_a1_worker.save()
    notice = published(world, audiences=[Audience.GRID], body="第一段\n\n**重要**：<script>x</script>")
    assert send_due(channels=[Channel.EMAIL]) == {"sent": 1}
    assert send_due(channels=[Channel.EMAIL]) == {}
    [mail] = smtp.messages
    assert mail["To"] == "grid@example.org"
    assert str(make_header(decode_header(mail["Subject"]))) == notice.title
    text = mail.get_payload(decode=True).decode()
    assert "重要：<script>x</script>" in text  # plain text: the markers gone, nothing rendered


def test_an_smtp_server_that_is_down_is_retried_not_lost(world):
    world.grid_a1_worker.email = "grid@example.org"
    world.grid_a1_worker.save()
    port = free_port()  # nothing listens there
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }
    with override_settings(MAILERS=mailers):
        published(world, audiences=[Audience.GRID])
        assert send_due(channels=[Channel.EMAIL]) == {"retry": 1}
    m = OutboxMessage.objects.get()
    assert m.status == OutboxStatus.PENDING and "mail failed" in m.last_error


@pytest.mark.parametrize("secret_the_receiver_knows, delivered", [("s3cret", True), ("wrong", False)])
def test_the_webhook_receiver_accepts_only_the_right_signature(world, secret_the_receiver_knows, delivered):
    with (
        WebhookReceiver(secret_the_receiver_knows) as hook,
        override_settings(NOTICES_WEBHOOK_URLS=[hook.url], NOTICES_WEBHOOK_SECRET="s3cret"),
    ):
        notice = published(world)
        counts = send_due(channels=[Channel.WEBHOOK])
    if delivered:
        assert counts == {"sent": 1}
        assert hook.received == [
            {**hook.received[0], "event": "notice.published", "id": notice.pk, "recipients": 2}
        ]
    else:
        assert counts == {"failed": 1} and hook.rejected == 1
        assert "401" in OutboxMessage.objects.get().last_error
