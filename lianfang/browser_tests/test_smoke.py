"""Smoke: the app answers in a real browser, in Chinese, at phone size."""

import re

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_login_page_renders_in_chinese_at_phone_size(phone_page):
    page = phone_page

    response = page.goto("/accounts/login/")

    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert CJK.search(page.inner_text("body")), "the login page shows no Chinese text"
    assert page.locator("input[name=username]").is_visible()
    assert page.locator("input[name=password]").is_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_worker_logs_in_through_the_form_and_reaches_the_home_page(logged_in_page, world, live_server):
    page = logged_in_page(world.staff_a)

    assert page.url.rstrip("/") == live_server.url
    assert page.locator("body").inner_text().strip()
