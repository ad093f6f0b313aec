"""Which outing policy applies where: the nearest policy up the area tree wins; none means the defaults.

Policies change rarely and are read on every scan, so they are kept in the gate's cache
(`gatecache.CACHE`, each process's own memory) for CACHE_SECONDS; a save in this process clears it at once
(signals.py), others catch up within CACHE_SECONDS.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import caches

from lianfang.access.gatecache import CACHE
from lianfang.access.models import OutingPolicy, PassKind, VisitorRule
from lianfang.places.inherit import nearest

CACHE_SECONDS = 10


@dataclass(frozen=True)
class Policy:
    exits_per_period: int = 1
    period_days: int = 2
    closed_from: datetime.time | None = None
    closed_until: datetime.time | None = None
    exempt_kinds: frozenset[str] = frozenset({PassKind.WORK.value})
    fever_line: Decimal = Decimal("37.3")
    temperature_required: bool = True
    visitors: str = VisitorRule.REFUSE
    retention_days: int = 60
    source_area: str = ""  # code of the area the policy is set on ("" = defaults)

    @classmethod
    def from_model(cls, p: OutingPolicy) -> Policy:
        return cls(
            exits_per_period=p.exits_per_period,
            period_days=p.period_days,
            closed_from=p.closed_from,
            closed_until=p.closed_until,
            exempt_kinds=frozenset(p.exempt_kinds.split()),
            fever_line=p.fever_line,
            temperature_required=p.temperature_required,
            visitors=p.visitors,
            retention_days=p.retention_days,
            source_area=p.area.code,
        )

    def is_closed_at(self, t: datetime.time) -> bool:
        if self.closed_from is None or self.closed_until is None or self.closed_from == self.closed_until:
            return False
        if self.closed_from < self.closed_until:
            return self.closed_from <= t < self.closed_until
        return t >= self.closed_from or t < self.closed_until  # wraps midnight, e.g. 22:00-06:00

    def window_start(self, today: datetime.date) -> datetime.date:
        """First calendar day whose exits still count today (a rolling window of period_days days)."""
        return today - datetime.timedelta(days=self.period_days - 1)


DEFAULT = Policy()


def policy_for_path(path: str) -> Policy:
    key = f"policy:{path}"
    cache = caches[CACHE]
    policy: Policy | None = cache.get(key)
    if policy is None:
        row = nearest(OutingPolicy, path)
        policy = Policy.from_model(row) if row else DEFAULT
        cache.set(key, policy, CACHE_SECONDS)
    return policy


def clear_cache(*_args: Any, **_kwargs: Any) -> None:
    """Empty the gate's cache of this process, policies included (a signal receiver)."""
    caches[CACHE].clear()
