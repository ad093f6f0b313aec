import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.core.models import AuditAction, AuditLog


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def url(resident):
    return reverse("people:resident-reveal-id", args=[resident.pk])


def test_anonymous_is_sent_to_login(world, client):
    response = client.post(url(world.zhang_san))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_community_staff_see_the_full_number_and_the_view_is_audited(world, login):
    response = login(world.staff_a).post(url(world.zhang_san))
    assert response.status_code == 200
    assert world.zhang_san.full_id() in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    row = AuditLog.objects.get(action=AuditAction.VIEW_FULL_ID)
    assert (row.user, row.object_id) == (world.staff_a, str(world.zhang_san.pk))


def test_htmx_gets_only_the_number_to_swap_in(world, login):
    response = login(world.health_a).post(url(world.zhang_san), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert world.zhang_san.full_id() in page
    assert "<html" not in page
    assert AuditLog.objects.filter(action=AuditAction.VIEW_FULL_ID, user=world.health_a).count() == 1


def test_the_detail_page_offers_the_button_to_staff(world, login):
    page = (
        login(world.staff_a)
        .get(reverse("people:resident-detail", args=[world.zhang_san.pk]))
        .content.decode()
    )
    assert url(world.zhang_san) in page
    assert 'hx-post="' + url(world.zhang_san) in page


def test_a_get_does_not_reveal(world, login):
    assert login(world.staff_a).get(url(world.zhang_san)).status_code == 405
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_FULL_ID).exists()


@pytest.mark.parametrize("persona", ["grid_a1_worker", "commander"])
def test_other_roles_are_refused_and_never_see_the_full_number(world, login, persona):
    user = getattr(world, persona)
    client = login(user)
    full = world.zhang_san.full_id()
    response = client.post(url(world.zhang_san))
    assert response.status_code == 403
    assert full not in response.content.decode()
    assert "Your role does not show full ID numbers." in response.content.decode()
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_FULL_ID).exists()
    pages = [
        reverse("home"),
        reverse("people:resident-detail", args=[world.zhang_san.pk]),
        reverse("places:household-detail", args=[world.household_a1.pk]),
        reverse("people:search") + "?q=zs",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert full not in html, page
        assert url(world.zhang_san) not in html, page


def test_out_of_scope_reveal_is_404_and_not_audited(world, login):
    response = login(world.staff_b).post(url(world.zhang_san))
    assert response.status_code == 404
    assert world.zhang_san.full_id() not in response.content.decode()
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_FULL_ID).exists()
