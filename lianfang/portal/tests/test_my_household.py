"""A resident who logs in sees their household's own page — the pass, the outings, the quarantine, the
errands — the same as the secret link shows, and can use its forms (with the CSRF check of a login)."""

from django.conf import settings
from django.urls import reverse

from lianfang.access.services import issue_household_passes
from lianfang.epi.models import HealthCheck


def test_the_residents_home_is_their_households_page(world, login):
    issue_household_passes(user=world.staff_a, compound=world.compound_a)
    client = login(world.resident_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("access:my-household")
    page = response.content.decode()
    assert "3栋1单元101" in page
    assert 'class="qr"' in page and 'data-test="left"' in page  # the pass, and the exits left
    assert "Going out" in page
    assert response["Cache-Control"] == "no-store"


def test_a_resident_reports_a_temperature_from_their_login(world, login):
    client = login(world.resident_a)
    response = client.post(
        reverse("access:my-household"), {"member": world.zhang_san.pk, "temperature": "36.7"}, follow=True
    )
    assert response.status_code == 200
    assert HealthCheck.objects.filter(resident=world.zhang_san, source="self").count() == 1


def test_a_resident_sees_only_their_own_household_and_staff_are_not_residents(world, login):
    assert "5栋1单元201" not in login(world.resident_a).get(reverse("access:my-household")).content.decode()
    assert login(world.staff_a).get(reverse("access:my-household")).status_code == 404
