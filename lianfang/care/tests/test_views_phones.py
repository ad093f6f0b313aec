"""Whoever is expected to call a household can do it in one tap: the call page lists the household's own
numbers (not only the care team's), the errand page the numbers of the household to deliver to, each a
`tel:` link; sums of money read as 元 in Chinese."""

from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from lianfang.care.services import assign_errand, deliver_errand, raise_errand, start_errand


def test_the_call_page_lists_the_households_own_numbers_as_tel_links(world, login, held_a1):
    page = login(world.grid_a1_worker).get(reverse("care:household", args=[held_a1.household.pk]))
    html = page.content.decode()
    assert '<a href="tel:13955401234">13955401234</a>' in html  # 张三, the household's member


def test_the_errand_page_gives_the_volunteer_the_households_number(world, login, held_a1, volunteer_a):
    errand = raise_errand(
        user=world.grid_a1_worker, household=held_a1.household, category="medicine", details="降压药一盒"
    )
    assign_errand(user=world.grid_a1_worker, errand=errand, assignee=volunteer_a)
    html = login(volunteer_a).get(reverse("care:errand-detail", args=[errand.pk])).content.decode()
    assert '<a href="tel:13955401234">13955401234</a>' in html
    assert "张三" not in html  # the relation, not the name


def test_money_reads_as_yuan_in_chinese(world, login, held_a1, volunteer_a):
    errand = raise_errand(
        user=world.grid_a1_worker, household=held_a1.household, category="medicine", details="降压药一盒"
    )
    assign_errand(user=world.grid_a1_worker, errand=errand, assignee=volunteer_a)
    start_errand(user=volunteer_a, errand=errand)
    deliver_errand(user=volunteer_a, errand=errand, money_advanced=Decimal("32.50"))
    client = login(world.grid_a1_worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = client.get(reverse("care:errand-detail", args=[errand.pk])).content.decode()
    assert "32.50 元" in html
    assert "yuan" not in html
