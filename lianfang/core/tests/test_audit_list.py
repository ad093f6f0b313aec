import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.core import audit
from lianfang.core.models import AuditAction


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def trail(world):
    audit.log(user=world.staff_a, action=AuditAction.VIEW, obj=world.zhang_san, summary="张三")
    audit.log(user=world.staff_a, action=AuditAction.VIEW_FULL_ID, obj=world.li_si, summary="李四")
    audit.log(user=world.staff_b, action=AuditAction.VIEW, obj=world.wang_wu, summary="王五")


def test_anonymous_is_sent_to_login(db, client):
    response = client.get(reverse("core:audit-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_community_staff_read_their_communitys_trail(world, trail, login):
    page = login(world.staff_a).get(reverse("core:audit-list")).content.decode()
    assert "张三" in page and "李四" in page
    assert "王五" not in page
    assert "Viewed full ID number" in page
    assert "staff_a" in page


def test_the_trail_filters_by_action(world, trail, login):
    response = login(world.staff_a).get(reverse("core:audit-list"), {"action": "view_full_id"})
    page = response.content.decode()
    assert "李四" in page
    assert "张三" not in page
    assert '<option value="view_full_id" selected>' in page


def test_grid_workers_and_guards_have_no_audit_page(world, trail, login):
    assert login(world.grid_a1_worker).get(reverse("core:audit-list")).status_code == 404
    assert login(world.guard_a).get(reverse("core:audit-list")).status_code == 404


def test_the_audit_page_query_count_does_not_grow_with_rows(
    world, trail, login, django_assert_max_num_queries
):
    for _ in range(20):
        audit.log(user=world.staff_a, action=AuditAction.VIEW, obj=world.zhang_san, summary="张三")
    client = login(world.staff_a)
    with django_assert_max_num_queries(6):  # +1: the header's open alert count
        assert client.get(reverse("core:audit-list")).status_code == 200
