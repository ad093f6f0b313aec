"""Passages made directly (not through the gate's scan), many at once, for the gate log's tests."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from lianfang.access.messages import DECISION_OF
from lianfang.access.models import Passage

NOW = datetime.datetime(
    2026, 3, 2, 15, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
)  # Asia/Shanghai


def passage(gate: Any, when: datetime.datetime, *, household: Any = None, code: str = "exit_allowed",
            direction: str = "out") -> Passage:  # fmt: skip
    return Passage(
        client_id=uuid.uuid4(),
        gate=gate,
        household=household,
        direction=direction,
        decision=DECISION_OF[code],
        code=code,
        server_time=when,
        path=gate.path,
    )


def make(rows: list[Passage]) -> list[Passage]:
    return Passage.objects.bulk_create(rows)


def newest_first(rows: list[Passage]) -> list[int]:
    return [p.pk for p in sorted(rows, key=lambda p: (p.server_time, p.pk), reverse=True)]
