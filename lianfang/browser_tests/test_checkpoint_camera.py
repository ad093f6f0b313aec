"""The checkpoint on a phone: light on first load (the QR reader is fetched only when the camera is opened),
and the camera reads a real QR code of a pass. Chromium's fake camera plays a video file showing the pass's
QR code (made with segno, as printed on the card), and jsQR decodes it in the page."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import segno

from lianfang.access.models import Pass, Passage, PassKind
from lianfang.browser_tests.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, log_in

# The checkpoint's first load, all responses together (HTML, CSS, scripts), uncompressed.
FIRST_LOAD_BUDGET = 150 * 1024
WIDTH, HEIGHT = 640, 480


def write_y4m(path: Path, text: str) -> None:
    """A still video (Y4M, 4:2:0) of the QR code of `text`, black on white, centred, with its quiet zone."""
    matrix = [list(row) for row in segno.make(text, error="m").matrix_iter(border=4)]
    scale = min(WIDTH, HEIGHT) * 9 // 10 // len(matrix)
    size = scale * len(matrix)
    left, top = (WIDTH - size) // 2, (HEIGHT - size) // 2
    luma = bytearray(b"\xff" * (WIDTH * HEIGHT))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(scale):
                    start = (top + y * scale + dy) * WIDTH + left + x * scale
                    luma[start : start + scale] = b"\x00" * scale
    chroma = b"\x80" * (WIDTH * HEIGHT // 4)
    frame = b"FRAME\n" + bytes(luma) + chroma + chroma
    path.write_bytes(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F5:1 Ip A1:1 C420jpeg\n".encode() + frame * 5)


@pytest.fixture
def household_pass(world) -> Pass:
    h = world.household_a1
    return Pass.objects.create(
        kind=PassKind.HOUSEHOLD,
        household=h,
        compound=h.compound,
        path=h.path,
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2030, 1, 1),
    )


@pytest.fixture
def camera_page(playwright: Any, live_server: Any, tmp_path: Path, household_pass: Pass) -> Any:
    video = tmp_path / "pass.y4m"
    write_y4m(video, household_pass.qr_text)
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    context = browser.new_context(
        **PHONE, base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    context.grant_permissions(["camera"])
    yield context.new_page()
    context.close()
    browser.close()


def test_the_first_load_is_light_and_the_camera_reads_a_real_pass(camera_page, world, household_pass):
    page = camera_page
    log_in(page, world.guard_a.username)
    loaded: list[tuple[str, int]] = []
    page.on("requestfinished", lambda r: loaded.append((r.url, r.sizes()["responseBodySize"])))
    page.goto("/access/checkpoint/")
    page.wait_for_load_state("networkidle")
    first = sum(size for _url, size in loaded)
    assert first < FIRST_LOAD_BUDGET, sorted(loaded, key=lambda r: -r[1])[:5]
    assert not any("jsQR" in url for url, _size in loaded)  # not fetched until the camera opens
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.locator("label:has(input[name=direction][value=out])").click()
    page.fill("#temperature", "36.6")
    page.click("#camera-btn")
    page.wait_for_selector("#verdict:not([hidden])", timeout=15000)
    assert any("jsQR.min.js" in url for url, _size in loaded)
    assert page.locator("#verdict").get_attribute("data-decision") == "allowed"
    passage = Passage.objects.get()
    assert passage.pass_obj_id == household_pass.pk and passage.code == "exit_allowed"
