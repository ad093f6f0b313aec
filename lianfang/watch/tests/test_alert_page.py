"""One alert's page: its facts, its history, a link to the household, and the buttons its state allows —
acknowledge, assign (to the people who may take it), resolve (outcome and note), a note. A refusal of the
service comes back as a message and changes nothing; out of scope is 404, before the form is read."""

from __future__ import annotations

import re

from django.urls import reverse

from lianfang.core.models import Alert, AlertEventKind, AlertOutcome, AlertStatus
from lianfang.watch.inbox import resolve_alert
from lianfang.watch.tests.inbox_helpers import raise_in


def page(client, alert):
    response = client.get(reverse("watch:alert-detail", args=[alert.pk]))
    assert response.status_code == 200
    return response.text


def post(client, name, alert, **data):
    return client.post(reverse(f"watch:alert-{name}", args=[alert.pk]), data, follow=True)


def test_an_open_alert_shows_its_facts_history_household_and_every_button(world, login):
    alert = raise_in(world)
    html = page(login(world.health_a), alert)
    assert alert.title in html
    assert reverse("places:household-detail", args=[world.household_a1.pk]) in html
    for test in ('data-test="acknowledge"', 'data-test="assign-form"', 'data-test="resolve-form"'):
        assert test in html
    assert re.findall(r'data-kind="(\w+)"', html.split('data-test="events"')[1]) == ["raised"]
    # The select offers the people who may take it, and nobody else.
    options = re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', html)
    assert sorted(o.split(" · ")[0] for o in options) == ["commander", "grid_a1", "health_a", "staff_a"]


def test_acknowledge_assign_and_resolve_from_the_page(world, login):
    alert = raise_in(world)
    client = login(world.staff_a)
    post(client, "acknowledge", alert)
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.ACKNOWLEDGED
    html = post(client, "assign", alert, assignee=world.grid_a1_worker.pk).content.decode()
    assert 'data-test="acknowledge"' not in html
    assert Alert.objects.get(pk=alert.pk).assigned_to == world.grid_a1_worker
    html = post(client, "resolve", alert, outcome="false_alarm", note="复测36.5").content.decode()
    done = Alert.objects.get(pk=alert.pk)
    assert (done.status, done.outcome, done.resolution) == (AlertStatus.RESOLVED, "false_alarm", "复测36.5")
    assert 'data-test="resolve-form"' not in html and 'data-test="assign-form"' not in html
    assert 'data-test="acknowledge"' not in html
    kinds = re.findall(r'<li data-kind="(\w+)"', html)
    assert kinds == ["raised", "acknowledged", "assigned", "resolved"]
    post(client, "note", alert, note="已通知社区医生回访")
    assert done.events.last().kind == AlertEventKind.NOTE


def test_a_false_alarm_without_a_note_is_refused_with_a_message_and_nothing_changes(world, login):
    alert = raise_in(world)
    response = post(login(world.health_a), "resolve", alert, outcome="false_alarm", note="")
    assert response.status_code == 200
    assert [m.message for m in response.context["messages"]]
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN and alert.events.count() == 1


def test_assigning_someone_not_on_the_list_changes_nothing(world, login):
    alert = raise_in(world)
    post(login(world.staff_a), "assign", alert, assignee=world.staff_b.pk)
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN


def test_a_resolved_alert_shows_its_outcome_and_only_the_note_form(world, login):
    alert = raise_in(world)
    resolve_alert(user=world.staff_a, alert=alert, outcome=AlertOutcome.DUPLICATE, note="同一人")
    html = page(login(world.grid_a1_worker), alert)
    assert 'data-test="outcome"' in html and "同一人" in html
    assert 'data-test="resolve-form"' not in html and 'data-test="acknowledge"' not in html


def test_other_areas_grids_and_roles_get_404_for_the_page_and_every_button(world, login, client):
    alert = raise_in(world, household=world.household_a2)  # grid A2
    for who in ("staff_b", "grid_a1_worker", "guard_a", "resident_a"):
        client.force_login(getattr(world, who))
        assert client.get(reverse("watch:alert-detail", args=[alert.pk])).status_code == 404, who
        for name in ("acknowledge", "assign", "resolve", "note"):
            response = client.post(reverse(f"watch:alert-{name}", args=[alert.pk]), {"outcome": "real"})
            assert response.status_code == 404, (who, name)
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN and alert.events.count() == 1
