"""The commander's dashboard in Chromium on a phone (390 px), with no network beyond our own server: the
home page is the city's dashboard, every chart draws (a canvas, no JavaScript error on the console, no
request to another host: ECharts is served from our static files), the 14/30-day switch redraws, the
charts fit the screen, and the commander drills down from the city to a district, a street and a community,
and on to a grid's fever curve."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from lianfang.browser_tests.conftest import log_in
from lianfang.home.tests.dashboard_rows import detector, grid_path, risk, signal
from lianfang.watch.models import DailyStat, StatDay

SCREENS = os.environ.get("LIANFANG_SCREENS", "")
CHARTS = ["cases", "held", "fevers", "flow", "risk"]


@pytest.fixture
def history(world):
    """30 computed days: a rising fever curve in grid A1 and cases in community A, summed up the tree."""
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in range(29, -1, -1)]
    StatDay.objects.bulk_create([StatDay(day=d) for d in days])
    rows = []
    nodes = [
        (world.city.path, "city", None),
        (world.district.path, "district", None),
        (world.street.path, "street", None),
        (world.community_a.path, "community", None),
        (grid_path(world.grid_a1), "grid", world.grid_a1),
    ]
    for i, day in enumerate(days):
        cumulative = i // 3
        values = {
            "cases_new": 1 if i % 3 == 0 else 0,
            "cases_cumulative": cumulative,
            "people_held": 20 * cumulative,
            "home_q_current": 15 * cumulative,
            "facility_q_current": 2 * cumulative,
            "fevers": max(0, i - 20),
            "passages_out": 400 + i,
            "passages_in": 390 + i,
        }
        for path, level, grid in nodes:
            for metric, value in values.items():
                if value:
                    rows.append(
                        DailyStat(path=path, level=level, grid=grid, day=day, metric=metric, value=value)
                    )
            if level != "grid" and i >= 28:
                for hour in range(6, 22):
                    rows.append(
                        DailyStat(path=path, level=level, day=day, metric=f"flow_out:{hour:02d}", value=hour)
                    )
                    rows.append(
                        DailyStat(
                            path=path, level=level, day=day, metric=f"flow_in:{hour:02d}", value=hour + 3
                        )
                    )
    DailyStat.objects.bulk_create(rows)
    risk(world.community_a, "medium", effective_from=today)
    signal(detector(), grid_path(world.grid_a1), today, grid=world.grid_a1)
    return today


def shot(page, name: str) -> None:
    if SCREENS:
        Path(SCREENS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENS) / f"dashboard-{name}.png"), full_page=True)


def watch_console(page, base_url: str) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    elsewhere: list[str] = []
    # The site has no favicon (a 404 the browser logs as a console error that is not the page's).
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: elsewhere.append(r.url) if not r.url.startswith(base_url) else None)
    return errors, elsewhere


def charts_drawn(page, ids: list[str]) -> None:
    for chart in ids:
        canvas = page.locator(f'[data-chart="{chart}"] canvas')
        canvas.first.wait_for(state="attached", timeout=10_000)
        box = canvas.first.bounding_box()
        assert box is not None and 0 < box["width"] <= 390, (chart, box)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_commander_sees_the_charts_and_drills_down_to_a_community(
    phone_page, world, history, live_server
):

    page = phone_page
    errors, elsewhere = watch_console(page, live_server.url)
    log_in(page, world.commander.username)

    # Home: the city's dashboard, every chart drawn on a canvas, the page as wide as the phone.
    assert page.locator("[data-test=dashboard] h1").inner_text().startswith("淮南市")
    charts_drawn(page, CHARTS)
    assert page.locator('[data-metric="cases_cumulative"] .n').inner_text() == str(29 // 3)
    assert fits_the_phone(page)
    shot(page, "1-city")

    # The 14-day switch redraws the trends.
    page.click(".dash-range [data-days='14']")
    assert page.locator(".dash-range [data-days='14']").get_attribute("aria-pressed") == "true"
    days_shown = page.evaluate(
        "echarts.getInstanceByDom(document.querySelector('[data-chart=cases]')).getOption().xAxis[0].data.length"
    )
    assert days_shown == 14

    # Drill down: the district, its street, community A (at medium risk), then grid A1's fevers.
    for name in ("田家庵区", "舜耕镇", "A社区"):
        with page.expect_navigation():
            page.locator("[data-test=children] a", has_text=name).first.click()
        assert page.locator("[data-test=dashboard] h1").inner_text().startswith(name)
        charts_drawn(page, ["cases", "held", "fevers", "flow"])
        assert fits_the_phone(page)
    assert page.locator("[data-test=own-risk]").inner_text() == "中风险"
    shot(page, "2-community")
    with page.expect_navigation():
        page.locator("[data-test=children] a", has_text="第一网格").first.click()
    charts_drawn(page, ["fevers"])
    last_fevers = page.evaluate(
        "(() => { const el = document.querySelector('[data-chart=fevers]');"
        " const d = echarts.getInstanceByDom(el).getOption().series[0].data; return d[d.length - 1]; })()"
    )
    assert last_fevers == 9
    shot(page, "3-grid")

    assert errors == []
    assert elsewhere == []


WIDTHS = """(() => { const el = document.querySelector('[data-chart=cases]');
  return [el.getBoundingClientRect().width, el.querySelector('canvas').getBoundingClientRect().width]; })()"""


def test_the_charts_follow_the_width_of_the_window(page, world, history, live_server):
    page.set_viewport_size({"width": 1200, "height": 900})
    log_in(page, world.commander.username)
    charts_drawn_wide = page.locator('[data-chart="cases"] canvas').first
    charts_drawn_wide.wait_for(state="attached")
    box_wide, canvas_wide = page.evaluate(WIDTHS)

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function(f"(({WIDTHS}).reduce((a, b) => Math.abs(a - b))) < 1")
    box_narrow, canvas_narrow = page.evaluate(WIDTHS)

    assert abs(canvas_wide - box_wide) < 1 and abs(canvas_narrow - box_narrow) < 1
    assert box_narrow != box_wide and box_narrow <= 390
