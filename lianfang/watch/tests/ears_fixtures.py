"""The golden values of tests/fixtures/ears/ (made by make_fixtures.R with R's surveillance::earsC)."""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "ears"


def number(text: str) -> float | None:
    """R's printed number: NA is None; NaN, Inf and -Inf are floats."""
    if text == "NA":
        return None
    return float({"Inf": "inf", "-Inf": "-inf"}.get(text, text))


def flag(text: str) -> bool | None:
    return None if text == "NA" else text == "TRUE"


@dataclass(frozen=True)
class Row:
    case: str
    method: str
    alpha: float
    baseline: int
    min_sigma: float
    index: int  # 0-based day in the series
    observed: float | None
    expected: float | None
    upperbound: float | None
    alarm: bool | None
    c2_statistic: float | None
    c3_statistic: float | None


def load_series() -> dict[str, list[float | None]]:
    series: dict[str, list[float | None]] = defaultdict(list)
    with (FIXTURES / "series.csv").open() as f:
        for r in csv.DictReader(f):
            assert int(r["day"]) == len(series[r["case"]]) + 1
            series[r["case"]].append(number(r["observed"]))
    return dict(series)


def load_rows() -> list[Row]:
    with (FIXTURES / "earsc.csv").open() as f:
        return [
            Row(
                case=r["case"],
                method=r["method"].lower(),
                alpha=float(r["alpha"]),
                baseline=int(r["baseline"]),
                min_sigma=float(r["min_sigma"]),
                index=int(r["day"]) - 1,
                observed=number(r["observed"]),
                expected=number(r["expected"]),
                upperbound=number(r["upperbound"]),
                alarm=flag(r["alarm"]),
                c2_statistic=number(r["c2_statistic"]),
                c3_statistic=number(r["c3_statistic"]),
            )
            for r in csv.DictReader(f)
        ]


def same(ours: float | None, theirs: float | None, tol: float = 1e-6) -> bool:
    """Equal to `tol` (relative for large values), None with None, nan with nan, inf with inf."""
    if ours is None or theirs is None:
        return ours is None and theirs is None
    if math.isnan(theirs) or math.isinf(theirs):
        return (math.isnan(ours) and math.isnan(theirs)) or ours == theirs
    return math.isclose(ours, theirs, rel_tol=tol, abs_tol=tol)
