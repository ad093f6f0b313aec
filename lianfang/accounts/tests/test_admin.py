import pytest
from django.contrib import admin
from django.urls import reverse

from lianfang.accounts.lockout import account_locked_until
from lianfang.accounts.models import User


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(username="root", password="x-Root-2026", email="")


def test_staff_flag_alone_does_not_open_the_admin(world, login):
    world.staff_a.is_staff = True
    world.staff_a.save()
    response = login(world.staff_a).get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_every_model_has_an_admin_list_that_superusers_can_open(world, superuser, login):
    client = login(superuser)
    models = [
        "accounts.User",
        "accounts.ApiToken",
        "axes.AccessAttempt",
        "core.AuditLog",
        "places.Area",
        "places.Grid",
        "places.Compound",
        "places.Gate",
        "places.Building",
        "places.Unit",
        "places.Household",
        "people.Resident",
        "people.Membership",
        "people.TravelRecord",
        "people.Visit",
    ]
    registered = {f"{m._meta.app_label}.{m.__name__}" for m in admin.site._registry}
    assert set(models) <= registered
    for label in models:
        app, name = label.lower().split(".")
        response = client.get(reverse(f"admin:{app}_{name}_changelist"), {"q": "3"})
        assert response.status_code == 200, label


def test_the_resident_admin_never_shows_the_full_id(world, superuser, login):
    client = login(superuser)
    full = world.zhang_san.full_id()
    page = client.get(reverse("admin:people_resident_change", args=[world.zhang_san.pk])).content.decode()
    assert world.zhang_san.masked_id in page
    assert full not in page


def test_the_unlock_action_lifts_a_lock(world, superuser, login, client):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "staff_a", "password": "wrong"})
    assert account_locked_until("staff_a") is not None
    login(superuser).post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_accounts", "_selected_action": [world.staff_a.pk]},
    )
    assert account_locked_until("staff_a") is None
