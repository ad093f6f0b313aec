"""What the benchmarks that time pages over HTTP share: wait for a server, GET a page with a session
cookie, the 95th percentile."""

from __future__ import annotations

import statistics
import time
import urllib.request


def wait_up(url: str, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"server did not answer at {url}")


def get(url: str, cookie: str) -> tuple[float, int, int]:
    """(milliseconds, status, bytes) of one GET with the session cookie, in Chinese."""
    request = urllib.request.Request(url, headers={"Cookie": cookie, "Accept-Language": "zh-hans"})
    t = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        status = response.status
    return (time.perf_counter() - t) * 1000, status, len(body)


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[94]
