"""R's C3, as `surveillance::earsC(method = "C3")` 1.20.3 computes it, reproduced to compare with its golden
values: Lianfang follows the CDC's C3 instead (lianfang/watch/ears.py says how they differ). Test code only.

For day t (0-based here), with b the baseline, z = qnorm(1 - alpha), s_u = max(sd_u, minSigma) and m_u the
mean of x over u's C2 baseline (u-b-2 .. u-3), C2_u = (x_u - m_u) / s_u (IEEE: 0/0 is NaN, x/0 is ±Inf):

    upper_t = max(0, x_t + s_t * (z - (max(0, C2_{t-2} - 1) + max(0, C2_{t-1} - 1))))
    alarm_t = x_t > upper_t

None stands for R's NA (a missing figure in the window), nan for R's NaN (R's pmax carries NaN through)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

Value = float | int | None


def _pmax0(v: float) -> float:
    """R's pmax(0, v): NaN stays NaN."""
    return v if math.isnan(v) else max(0.0, v)


def _divide(a: float, b: float) -> float:
    if b != 0:
        return a / b
    if a == 0 or math.isnan(a):
        return math.nan
    return math.copysign(math.inf, a)


def _baseline(x: Sequence[Value], u: int, b: int) -> list[float] | None:
    ref = x[u - b - 2 : u - 2]
    if u - b - 2 < 0 or any(v is None for v in ref):
        return None
    return [float(v) for v in ref]  # type: ignore[arg-type]


def _c2(x: Sequence[Value], u: int, b: int, min_sigma: float) -> float | None:
    ref = _baseline(x, u, b)
    if ref is None or x[u] is None:
        return None
    return _divide(float(x[u]) - statistics.fmean(ref), max(statistics.stdev(ref), min_sigma))  # type: ignore[arg-type]


def r_c3(
    x: Sequence[Value], t: int, *, baseline: int, alpha: float, min_sigma: float
) -> tuple[float | None, bool | None]:
    """(upperbound, alarm) of day t as earsC's C3 gives them."""
    z = statistics.NormalDist().inv_cdf(1 - alpha)
    lag2, lag1 = _c2(x, t - 2, baseline, min_sigma), _c2(x, t - 1, baseline, min_sigma)
    ref = _baseline(x, t, baseline)
    if lag2 is None or lag1 is None or ref is None or x[t] is None:
        return None, None
    s = max(statistics.stdev(ref), min_sigma)
    carried = _pmax0(lag2 - 1) + _pmax0(lag1 - 1)
    factor = z - carried
    bound = float(x[t]) + s * factor  # type: ignore[arg-type]  (0 * inf is nan, as in R)
    upper = _pmax0(bound)
    if math.isnan(upper):
        return upper, None
    return upper, float(x[t]) > upper  # type: ignore[arg-type]
