"""Browser journeys: Playwright driving Debian's Chromium against pytest-django's live server.

Every test in this package is marked `browser` (deselect with `-m "not browser"`). Screenshots of failed
tests land in `test-results/` (`--screenshot=only-on-failure` in pyproject's addopts).

Fixtures:
- `page`: a desktop page (pytest-playwright), `base_url` set to the live server, zh-CN browser language.
- `phone_context` / `phone_page`: a 390x844 touch phone, the size most residents and guards use.
- `logged_in_page(user, phone=True)`: a page logged in through the real form at /accounts/login/.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lianfang.conftest import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("LIANFANG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items: mark only those of this package.
    for item in items:
        if Path(str(item.path)).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium (`make apt` as root, or "
            "`sudo apt-get install chromium fonts-wqy-microhei`), set LIANFANG_CHROMIUM, "
            "or leave out browser tests with -m 'not browser'.",
            pytrace=False,
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any], live_server: Any) -> dict[str, Any]:
    # The people who use Lianfang browse in Chinese; English is a choice they make in the page.
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
    }


@pytest.fixture
def phone_context(new_context: Callable[..., Any]) -> Any:
    """A phone-size browser context (390x844, touch), recorded like pytest-playwright's own contexts."""
    return new_context(**PHONE)


@pytest.fixture
def phone_page(phone_context: Any) -> Any:
    return phone_context.new_page()


def log_in(page: Any, username: str, password: str = PASSWORD) -> Any:
    """Log in through the real form and wait until the browser has left the login page."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").first.click()
    if "/accounts/login/" in page.url:
        raise AssertionError(
            f"logging in as {username} failed; the page says: {page.inner_text('body')[:300]}"
        )
    return page


def open_menu(page: Any) -> None:
    """On a phone the header's links are behind the menu button: open it (on a desktop it is not shown)."""
    button = page.locator(".menu-btn")
    if button.is_visible() and button.get_attribute("aria-expanded") != "true":
        button.click()


@pytest.fixture
def logged_in_page(request: pytest.FixtureRequest, live_server: Any) -> Callable[..., Any]:
    """logged_in_page(user, phone=True, password=PASSWORD) -> a Playwright page logged in as that user
    (the phone page, or pytest-playwright's desktop `page` with phone=False)."""

    def _logged_in(user: Any, *, phone: bool = True, password: str = PASSWORD) -> Any:
        page = request.getfixturevalue("phone_page" if phone else "page")
        return log_in(page, user.username, password)

    return _logged_in
