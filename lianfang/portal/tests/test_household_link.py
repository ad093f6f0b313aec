"""The household's own page behind a secret link: its pass QR and its exits, no login, no names."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lianfang.access.models import Pass
from lianfang.access.services import ensure_link_key, reissue_pass, revoke_pass, suspend_pass
from lianfang.conftest import id_for
from lianfang.core.models import AuditAction, AuditLog
from lianfang.places.models import Household


def link(key: str) -> str:
    return reverse("access:household-link", args=[key])


def renew_url(household) -> str:
    return reverse("access:household-link-renew", args=[household.pk])


@pytest.fixture
def key_a1(world, passes):
    return ensure_link_key(household=world.household_a1)


def test_the_page_shows_the_pass_qr_and_number_without_login(world, passes, key_a1, client):
    response = client.get(link(key_a1))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'class="segno"' in html
    assert passes["household_a1"].display_number in html
    assert "阳光小区 3栋1单元101" in html
    assert 'data-test="used">0<' in html
    assert 'data-test="left">1<' in html


def test_the_page_is_private_not_cached_indexed_or_referred(key_a1, client):
    response = client.get(link(key_a1))
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]


def test_the_page_has_no_names_and_no_id_numbers(world, passes, key_a1, client):
    html = client.get(link(key_a1)).content.decode()
    assert world.zhang_san.name not in html
    assert id_for(datetime.date(1980, 5, 17), 12, "M") not in html
    assert "1980" not in html
    assert world.zhang_san.phone not in html


def test_after_an_exit_the_page_shows_none_left_and_the_next_allowed_day(world, passes, key_a1, scan, client):
    now = timezone.now()
    assert scan(passes["household_a1"], "out", when=now).decision == "allowed"
    html = client.get(link(key_a1)).content.decode()
    assert 'data-test="used">1<' in html
    assert 'data-test="left">0<' in html
    next_day = timezone.localdate(now) + datetime.timedelta(days=2)
    assert next_day.isoformat() in html


def test_the_policy_is_said_in_words(world, key_a1, client):
    html = client.get(link(key_a1), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 exit(s) per 2 day(s)" in html


def test_a_suspended_pass_is_shown_with_a_clear_note(world, passes, key_a1, client):
    suspend_pass(user=world.staff_a, p=passes["household_a1"], reason="home quarantine")
    html = client.get(link(key_a1), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "suspended" in html
    assert "home quarantine" not in html  # the reason may name people; it stays with the staff


def test_a_revoked_pass_is_not_shown(world, passes, key_a1, client):
    revoke_pass(user=world.staff_a, p=passes["household_a1"], reason="moved out")
    html = client.get(link(key_a1), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert passes["household_a1"].display_number not in html
    assert "No pass has been issued" in html


def test_a_reissued_pass_shows_its_new_qr(world, passes, key_a1, client):
    old_svg_page = client.get(link(key_a1)).content
    reissue_pass(user=world.staff_a, p=passes["household_a1"])
    new_page = client.get(link(key_a1)).content
    assert old_svg_page != new_page
    assert Pass.objects.get(pk=passes["household_a1"].pk).version == 2


@pytest.mark.parametrize(
    "mangle", [lambda k: k[:-1] + ("A" if k[-1] != "A" else "B"), lambda k: k[:-1], lambda k: k + "x"]
)
def test_a_tampered_key_is_not_found(key_a1, client, mangle):
    assert client.get(link(mangle(key_a1))).status_code == 404


def test_an_unknown_or_overlong_key_is_not_found(world, client):
    assert client.get(link("nope")).status_code == 404
    assert client.get(link("x" * 200)).status_code == 404


def test_a_household_without_a_link_has_no_page(world, client):
    assert Household.objects.get(pk=world.household_a2.pk).link_key is None
    assert client.get(link("None")).status_code == 404


# Staff: show, create and renew the link.


def test_community_staff_create_the_link_and_are_sent_back_to_the_household(world, passes, login):
    client = login(world.staff_a)
    response = client.post(renew_url(world.household_a2))
    assert response.status_code == 302
    assert response["Location"] == reverse("places:household-detail", args=[world.household_a2.pk])
    key = Household.objects.get(pk=world.household_a2.pk).link_key
    assert key
    assert client.get(link(key)).status_code == 200
    assert AuditLog.objects.filter(action=AuditAction.CHANGE, object_type="household").count() == 1


def test_renewing_the_link_makes_the_old_one_not_found(world, key_a1, login):
    client = login(world.staff_a)
    client.post(renew_url(world.household_a1), {"renew": "1"})
    new_key = Household.objects.get(pk=world.household_a1.pk).link_key
    assert new_key != key_a1
    assert client.get(link(key_a1)).status_code == 404
    assert client.get(link(new_key)).status_code == 200


def test_posting_without_renew_keeps_the_existing_link(world, key_a1, login):
    login(world.staff_a).post(renew_url(world.household_a1))
    assert Household.objects.get(pk=world.household_a1.pk).link_key == key_a1


def test_the_grid_worker_of_the_households_grid_can_renew_it(world, key_a1, login):
    assert login(world.grid_a1_worker).post(renew_url(world.household_a1), {"renew": "1"}).status_code == 302
    assert Household.objects.get(pk=world.household_a1.pk).link_key != key_a1


def test_staff_see_the_link_and_its_qr(world, key_a1, login):
    response = login(world.staff_a).get(renew_url(world.household_a1))
    assert response.status_code == 200
    html = response.content.decode()
    assert link(key_a1) in html
    assert "<svg" in html
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("persona", "household"),
    [
        ("staff_b", "household_a1"),
        ("grid_a1_worker", "household_a2"),
        ("guard_a", "household_a1"),
        ("health_a", "household_a1"),
        ("resident_a", "household_a1"),
    ],
)
def test_out_of_scope_or_other_roles_cannot_touch_the_link(world, key_a1, login, persona, household):
    client = login(getattr(world, persona))
    h = getattr(world, household)
    assert client.post(renew_url(h), {"renew": "1"}).status_code == 404
    assert client.get(renew_url(h)).status_code == 404
    assert Household.objects.get(pk=world.household_a1.pk).link_key == key_a1


def test_anonymous_visitors_cannot_renew_a_link(world, key_a1, client):
    response = client.post(renew_url(world.household_a1), {"renew": "1"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Household.objects.get(pk=world.household_a1.pk).link_key == key_a1
