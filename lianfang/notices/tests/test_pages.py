"""The notices pages end to end through the Django client: a draft with its live count, approval and
publishing by another person, the household's acknowledgement on its secret link, the grid board, remind the
rest, a slip brought back, the printed letters, and an account's own acknowledge button on its home."""

from __future__ import annotations

import subprocess

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from lianfang.access.services import ensure_link_key
from lianfang.notices.models import Notice, NoticeStatus, OutboxMessage, Recipient
from lianfang.notices.tests.helpers import published

pytestmark = pytest.mark.django_db


def test_staff_write_a_draft_with_the_live_count_and_another_person_publishes_it(world, client):
    client.force_login(world.staff_a)
    area = world.community_a.pk
    count = client.get(
        reverse("notices:count"), {"area": area, "audiences": ["households", "grid"], "ack_unit": "household"}
    )
    assert b'data-count="3"' in count.content  # two households and the grid worker
    page = client.post(
        reverse("notices:create"),
        {
            "kind": "letter",
            "title": "致居民的一封信",
            "body": "请居家。\n\n<script>alert(1)</script>",
            "area": area,
            "audiences": ["households"],
            "ack_unit": "household",
        },
    )
    notice = Notice.objects.get()
    assert page.status_code == 302 and notice.status == NoticeStatus.DRAFT
    client.post(reverse("notices:approve", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT  # not by its author
    client.force_login(world.commander)
    client.post(reverse("notices:approve", args=[notice.pk]))
    client.post(reverse("notices:publish", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED and notice.recipient_count == 2
    detail = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail and "<script>alert(1)" not in detail


def test_a_bad_draft_changes_nothing_and_says_why(world, client):
    client.force_login(world.staff_a)
    page = client.post(
        reverse("notices:create"),
        {"kind": "letter", "title": "", "body": "", "area": world.community_b.pk, "audiences": []},
    )
    assert page.status_code == 200 and not Notice.objects.exists()


def test_the_household_acknowledges_on_its_secret_link_and_the_board_shows_who_has_not(world, client):
    notice = published(world, body="**请**居家<script>x</script>")
    key = ensure_link_key(household=world.household_a1)
    link = reverse("access:household-link", args=[key])
    page = client.get(link).content.decode()
    assert "<strong>请</strong>居家&lt;script&gt;" in page and 'data-test="acknowledge"' in page
    row = Recipient.objects.get(notice=notice, household=world.household_a1)
    assert row.read_at is not None  # shown on its page: read
    client.post(link, {"action": "ack", "recipient": row.pk})
    row.refresh_from_db()
    assert row.acknowledged_at is not None
    assert 'data-test="acknowledged"' in client.get(link).content.decode()
    # Another household's row from this link: 404, nothing changes.
    other = Recipient.objects.get(notice=notice, household=world.household_a2)
    assert client.post(link, {"action": "ack", "recipient": other.pk}).status_code == 404

    client.force_login(world.staff_a)
    board = client.get(reverse("notices:board", args=[notice.pk, world.grid_a1.pk]))
    assert board.context["not_acknowledged"] == 0
    board = client.get(reverse("notices:board", args=[notice.pk, world.grid_a2.pk]))
    assert board.context["not_acknowledged"] == 1 and board.context["not_read"] == 1


def test_remind_the_rest_from_the_board_reaches_only_them_once(world, client):
    notice = published(world)
    client.force_login(world.grid_a1_worker)
    url = reverse("notices:remind", args=[notice.pk])
    client.post(url, {"grid": world.grid_a1.pk})
    client.post(url, {"grid": world.grid_a1.pk})  # refused: reminded recently
    assert list(
        Recipient.objects.filter(notice=notice)
        .values_list("household_id", "reminders")
        .order_by("household_id")
    ) == [(world.household_a1.pk, 1), (world.household_a2.pk, 0)]
    assert list(OutboxMessage.objects.values_list("address", flat=True)) == ["13955401234"]


def test_the_grid_worker_prints_letters_with_slips_and_records_one_brought_back(world, client):
    notice = published(world)
    client.force_login(world.grid_a1_worker)
    pdf = client.get(reverse("notices:letters", args=[notice.pk, world.grid_a1.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout
    assert "致居民的一封信" in text.decode() and "3栋1单元101" in text.decode()
    row = Recipient.objects.get(notice=notice, household=world.household_a1)
    client.post(reverse("notices:slip", args=[row.pk]))
    row.refresh_from_db()
    assert row.ack_via == "slip"


def test_every_role_sees_its_notices_on_its_home_and_acknowledges_there(world, client):
    notice = published(world, audiences=["grid", "households"])
    client.force_login(world.grid_a1_worker)
    home = client.get(reverse("home")).content.decode()
    assert notice.title in home and 'data-test="acknowledge"' in home
    row = Recipient.objects.get(notice=notice, user=world.grid_a1_worker)
    client.post(reverse("notices:acknowledge", args=[row.pk]))
    row.refresh_from_db()
    assert row.acknowledged_at is not None
    client.force_login(world.resident_a)  # a resident's home is their household's page
    mine = client.get(reverse("access:my-household")).content.decode()
    assert notice.title in mine


def test_a_household_opens_the_attachment_of_its_own_notice_only(world, client):
    notice = published(world)
    notice.attachment.save("letter.pdf", ContentFile(b"%PDF-1.4 letter"), save=True)
    mine = ensure_link_key(household=world.household_a1)
    page = client.get(reverse("access:household-link", args=[mine])).content.decode()
    assert 'data-test="attachment"' in page
    url = reverse("access:link-attachment", args=[mine, notice.pk])
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 letter"
    theirs = ensure_link_key(household=world.household_b)  # not a recipient
    assert client.get(reverse("access:link-attachment", args=[theirs, notice.pk])).status_code == 404
