"""Monitor, assess, warn, respond, in Chromium: the nightly statistics of a grid whose gate fevers rise run
the early-warning detectors; the city's commander sees the alarm on the dashboard, follows it to the grid's
fever curve, opens the alert and assigns it to the community's health worker; the health worker finds it
at the top of their home on a phone and resolves it. Checked on the screens and in the database."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.utils import timezone

from lianfang.browser_tests.conftest import log_in
from lianfang.browser_tests.test_dashboard_journey import charts_drawn, history  # noqa: F401 (fixture)
from lianfang.core.models import Alert, AlertKind, AlertStatus
from lianfang.watch.models import Signal
from lianfang.watch.tasks import after_day_computed


def test_a_grids_rising_fevers_warn_the_commander_who_sends_the_health_worker(
    page,
    phone_page,
    world,
    history,  # noqa: F811 (the fixture imported above)
):
    # The shipped detectors (watch migration 0002), made again where a transactional test's flush removed
    # them; the fixture's hand-made signal goes: the detectors make their own here.
    importlib.import_module("lianfang.watch.migrations.0002_ears_default_detectors").add_defaults(apps, None)
    Signal.objects.all().delete()
    summary = after_day_computed(timezone.localdate())  # what the nightly task runs after the figures
    assert summary["alarms"] >= 1
    alert = Alert.objects.get(kind=AlertKind.EARLY_WARNING, grid=world.grid_a1)

    # The commander's home is the city's dashboard; the alarm of grid A1 is listed with its alert.
    page.set_viewport_size({"width": 1200, "height": 900})
    log_in(page, world.commander.username)
    alarms = page.locator("[data-test=alarms]")
    assert "第一网格" in alarms.inner_text()
    with page.expect_navigation():
        alarms.locator("a", has_text="第一网格").first.click()
    charts_drawn(page, ["fevers"])  # the grid's fever curve
    rising = page.evaluate(
        "(() => { const d = echarts.getInstanceByDom(document.querySelector('[data-chart=fevers]'))"
        ".getOption().series[0].data; return [d[d.length - 5], d[d.length - 1]]; })()"
    )
    assert rising[1] > rising[0]
    page.go_back()
    with page.expect_navigation():
        alarms.locator("li", has_text="第一网格").locator("[data-test=alarm-alert]").first.click()
    assert page.url.endswith(f"/watch/alerts/{alert.pk}/")
    page.locator("[data-test=assign-form]").evaluate("f => f.closest('details').open = true")
    page.select_option("[data-test=assign-form] select[name=assignee]", str(world.health_a.pk))
    with page.expect_navigation():
        page.click("[data-test=assign]")
    alert.refresh_from_db()
    assert (alert.status, alert.assigned_to) == (AlertStatus.ASSIGNED, world.health_a)

    # The health worker's home, on a phone: the alert assigned to them comes first; they resolve it.
    log_in(phone_page, world.health_a.username)
    mine = phone_page.locator("[data-test=assigned-to-me]")
    assert mine.locator(f"[data-alert='{alert.pk}']").count() == 1
    with phone_page.expect_navigation():
        mine.locator("[data-test=resolve-link]").first.click()
    phone_page.check("[data-test=resolve-form] input[name=outcome][value=real]")
    phone_page.fill(
        "[data-test=resolve-form] textarea, [data-test=resolve-form] input[name=note]", "已上门排查"
    )
    with phone_page.expect_navigation():
        phone_page.click("[data-test=resolve]")
    alert.refresh_from_db()
    assert (alert.status, alert.outcome, alert.handled_by) == (AlertStatus.RESOLVED, "real", world.health_a)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
