"""Settings inherited down the area tree (outing, epidemic and care policies): the nearest area wins."""

from __future__ import annotations

from typing import Any


def prefixes(path: str) -> list[str]:
    """The materialized paths of an area and of every area above it: "340400.340403." ->
    ["340400.", "340400.340403."]."""
    parts = path.rstrip(".").split(".")
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


def nearest(model: Any, path: str) -> Any:
    """The row of `model` (a model with an `area` foreign key) set on the deepest area at or above
    `path`, or None. One query."""
    if not path:
        return None
    rows = model.objects.filter(area__path__in=prefixes(path)).select_related("area")
    return max(rows, key=lambda p: len(p.area.path), default=None)
