"""The health worker's home starts with the fever referrals (open fever alerts) and the unreached
households (unreachable alerts) of their community, each with a link to resolve it."""

from __future__ import annotations

import re

from django.urls import reverse

from lianfang.core.models import AlertKind, AlertOutcome
from lianfang.watch.inbox import assign_alert, resolve_alert
from lianfang.watch.tests.inbox_helpers import raise_in


def lists(html: str) -> dict[str, list[int]]:
    found = {}
    for name in ("fever-referrals", "unreached-households"):
        part = html.split(f'data-test="{name}"')[1].split("</ul>")[0] if f'data-test="{name}"' in html else ""
        found[name] = [int(pk) for pk in re.findall(r'data-alert="(\d+)"', part)]
    return found


def test_the_health_workers_home_opens_with_fevers_and_unreached_households(world, login):
    fever = raise_in(world, household=world.household_a1)
    taken = raise_in(world, household=world.household_a2)
    assign_alert(user=world.staff_a, alert=taken, assignee=world.health_a)
    gone = raise_in(world)
    resolve_alert(user=world.health_a, alert=gone, outcome=AlertOutcome.REAL)
    unreached = raise_in(world, kind=AlertKind.UNREACHABLE, severity="warning")
    raise_in(world, kind=AlertKind.CASE)  # other kinds are in the inbox, not here
    raise_in(world, household=world.household_b)  # another community
    html = login(world.health_a).get(reverse("home")).content.decode()
    assert lists(html) == {"fever-referrals": [taken.pk, fever.pk], "unreached-households": [unreached.pk]}
    # They come first: before the care board and everything else of the page.
    main = html.split("<main")[1]
    assert main.index('data-test="referrals"') < main.index('data-test="care-board"')
    assert main.index('data-test="referrals"') < main.index("<h2")
    assert f"{reverse('watch:alert-detail', args=[fever.pk])}#resolve" in html
    assert reverse("places:household-detail", args=[world.household_a1.pk]) in html


def test_other_roles_homes_do_not_list_referrals(world, login):
    raise_in(world)
    for user in (world.staff_a, world.grid_a1_worker, world.commander):
        assert 'data-test="referrals"' not in login(user).get(reverse("home")).content.decode()
