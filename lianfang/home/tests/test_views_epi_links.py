"""The registry pages lead to the epi work: a resident's quarantine and health check; sealing a compound."""

from __future__ import annotations

from django.urls import reverse

from lianfang.epi.models import QuarantineKind, QuarantineReason
from lianfang.epi.services import start_quarantine


def test_a_residents_page_shows_the_active_quarantine_and_a_health_check_link_to_the_health_worker(
    world, login, today
):
    q = start_quarantine(
        user=world.health_a,
        resident=world.li_si,
        kind=QuarantineKind.HOME,
        reason=QuarantineReason.TRAVEL,
        today=today,
    )
    page = login(world.health_a).get(reverse("people:resident-detail", args=[world.li_si.pk]))
    html = page.content.decode()
    assert reverse("epi:quarantine-detail", args=[q.pk]) in html
    assert reverse("epi:check-create", args=[world.li_si.pk]) in html


def test_a_grid_worker_sees_the_quarantine_but_no_health_check_link(world, login, today):
    start_quarantine(
        user=world.health_a,
        resident=world.zhang_san,
        kind=QuarantineKind.HOME,
        reason=QuarantineReason.TRAVEL,
        today=today,
    )
    html = (
        login(world.grid_a1_worker).get(reverse("people:resident-detail", args=[world.zhang_san.pk])).content
    )
    assert reverse("epi:check-create", args=[world.zhang_san.pk]).encode() not in html
    assert b"/epi/quarantines/" in html


def test_the_compound_page_offers_sealing_to_health_and_community_staff_only(world, login):
    url = reverse("places:compound-detail", args=[world.compound_a.pk])
    seal = f"{reverse('epi:lockdown-new')}?compound={world.compound_a.pk}"
    assert seal in login(world.health_a).get(url).content.decode()
    assert seal not in login(world.commander).get(url).content.decode()
