"""The notices API: a draft, approval by another person, publishing, and who has acknowledged within the
caller's scope."""

from __future__ import annotations

import pytest

from lianfang.accounts.models import User
from lianfang.core.roles import Role
from lianfang.notices.models import Recipient
from lianfang.notices.services import acknowledge
from lianfang.notices.tests.helpers import published

pytestmark = pytest.mark.django_db


def test_a_draft_is_written_approved_and_published_through_the_api(world, client, api_client):
    staff, commander = api_client(world.staff_a), api_client(world.commander)
    draft = client.post(
        "/api/v1/notices",
        {"kind": "letter", "title": "倡议书", "body": "请居家。", "area": world.community_a.code},
        content_type="application/json",
        **staff,
    )
    assert draft.status_code == 201, draft.content
    nid = draft.json()["id"]
    assert client.post(f"/api/v1/notices/{nid}/publish", **commander).json()["code"] == "not_approved"
    assert client.post(f"/api/v1/notices/{nid}/approve", **staff).json()["code"] == "own_draft"
    assert client.post(f"/api/v1/notices/{nid}/approve", **commander).json()["status"] == "approved"
    answer = client.post(f"/api/v1/notices/{nid}/publish", **commander).json()
    assert answer["status"] == "published" and answer["recipient_count"] == 2
    assert client.post(f"/api/v1/notices/{nid}/publish", **commander).json()["code"] == "already_published"


def test_an_area_outside_the_scope_is_404_and_bad_input_is_422(world, client, api_client):
    staff = api_client(world.staff_a)
    out = client.post(
        "/api/v1/notices",
        {"title": "x", "body": "y", "area": world.community_b.code},
        content_type="application/json",
        **staff,
    )
    assert out.status_code == 404
    bad = client.post(
        "/api/v1/notices",
        {"title": "", "body": "y", "area": "x", "audiences": ["cats"]},
        content_type="application/json",
        **staff,
    )
    assert bad.status_code == 422


def test_acknowledgements_count_per_community_and_list_only_the_callers_scope(world, client, api_client):
    deputy = User.objects.create_user(username="deputy", role=Role.COMMAND, area=world.city)
    notice = published(world, area=world.street, user=world.commander, approver=deputy)
    acknowledge(
        recipient_id=Recipient.objects.get(notice=notice, household=world.household_a1).pk,
        household_id=world.household_a1.pk,
    )
    city = client.get(f"/api/v1/notices/{notice.pk}/acknowledgements", **api_client(world.commander)).json()
    assert [(a["area"], a["total"], a["acknowledged"]) for a in city["areas"]] == [
        ("A社区", 2, 1),
        ("B社区", 1, 0),
    ]
    grid = client.get(
        f"/api/v1/notices/{notice.pk}/acknowledgements?pending=true", **api_client(world.grid_a1_worker)
    ).json()
    assert grid["recipients"] == []  # grid A1's only household has acknowledged
    staff_b = client.get(
        f"/api/v1/notices/{notice.pk}/acknowledgements?limit=1", **api_client(world.staff_b)
    ).json()
    assert [r["household_id"] for r in staff_b["recipients"]] == [world.household_b.pk]
    assert staff_b["next_after"] is None
