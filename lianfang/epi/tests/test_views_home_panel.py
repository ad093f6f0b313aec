"""The epidemic panel of the health worker's and community worker's home page: open cases and the
quarantines ending today, tomorrow, or overdue (loaded by htmx so the home page keeps its query budget)."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from lianfang.epi.services import start_quarantine

D = datetime.timedelta


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_the_home_page_of_a_health_worker_loads_the_panel(world, login):
    page = login(world.health_a).get(reverse("home")).content.decode()
    assert f'hx-get="{reverse("epi:home-panel")}"' in page


def test_the_grid_worker_home_has_no_panel_but_the_nav_link(world, login):
    page = login(world.grid_a1_worker).get(reverse("home")).content.decode()
    assert reverse("epi:home-panel") not in page and reverse("epi:index") in page


def test_the_panel_counts_cases_and_due_quarantines(world, login, unit31, case_a1, today):
    for resident, start in zip(
        unit31.residents[1:], [today - D(days=13), today - D(days=12), today - D(days=20)], strict=True
    ):
        start_quarantine(
            user=world.health_a,
            resident=resident,
            kind="home",
            reason="contact",
            start=start,
            days=14,
            today=start,
        )
    page = login(world.health_a).get(reverse("epi:home-panel")).content.decode()
    for key, n in (("open-cases", 1), ("ends-today", 1), ("ends-tomorrow", 1), ("overdue", 1)):
        assert f'data-test="{key}">{n}<' in page
    assert reverse("epi:case-create") in page


def test_the_panel_of_another_community_counts_nothing(world, login, unit31, case_a1):
    page = login(world.staff_b).get(reverse("epi:home-panel")).content.decode()
    assert 'data-test="open-cases">0<' in page


def test_the_panel_costs_few_queries(world, login, django_assert_max_num_queries):
    client = login(world.health_a)
    with django_assert_max_num_queries(5):
        client.get(reverse("epi:home-panel"))
