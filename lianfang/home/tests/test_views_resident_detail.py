import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.core.models import AuditAction, AuditLog


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def url(resident):
    return reverse("people:resident-detail", args=[resident.pk])


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(url(world.zhang_san))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_in_scope_detail_shows_the_masked_id_and_is_audited(world, login):
    response = login(world.staff_a).get(url(world.zhang_san))
    assert response.status_code == 200
    page = response.content.decode()
    assert world.zhang_san.masked_id in page
    assert world.zhang_san.full_id() not in page
    row = AuditLog.objects.get(action=AuditAction.VIEW, object_id=str(world.zhang_san.pk))
    assert row.user == world.staff_a
    assert row.ip == "127.0.0.1"


def test_out_of_scope_detail_is_404_and_not_audited(world, login):
    assert login(world.staff_b).get(url(world.zhang_san)).status_code == 404
    assert login(world.grid_a1_worker).get(url(world.li_si)).status_code == 404
    assert not AuditLog.objects.filter(action=AuditAction.VIEW).exists()


def test_grid_worker_opens_residents_of_their_grid(world, login):
    page = login(world.grid_a1_worker).get(url(world.zhang_san)).content.decode()
    assert "张三" in page
    assert reverse("people:resident-edit", args=[world.zhang_san.pk]) in page


def test_read_only_roles_get_no_edit_links(world, login):
    page = login(world.commander).get(url(world.zhang_san)).content.decode()
    assert reverse("people:resident-edit", args=[world.zhang_san.pk]) not in page


def test_guards_and_residents_get_404(world, login):
    assert login(world.guard_a).get(url(world.zhang_san)).status_code == 404
    assert login(world.resident_a).get(url(world.zhang_san)).status_code == 404
