"""What the gate decision needs to know about a gate (and the device scanning at it), cached per process.

Read on every scan, so kept in the cache `CACHE` (settings.CACHES: each process's own memory) for
CACHE_SECONDS: one local-memory cache get per scan. Changes (a gate closed, a device revoked) reach this
process at once through signals.py, which clears the cache, and other processes within CACHE_SECONDS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import caches

from lianfang.access.models import GateDevice
from lianfang.accounts.models import ApiToken
from lianfang.places.models import Gate

CACHE = "gate"  # the settings.CACHES alias, shared with access/policy.py
CACHE_SECONDS = 5
_MISSING = object()  # a cached None means "no such gate or device": that answer is cached too


@dataclass(frozen=True)
class GateContext:
    gate_id: int
    gate_name: str
    compound_id: int
    compound_name: str
    path: str
    is_open: bool
    accepted_kinds: frozenset[str]
    device_id: int | None = None


def _from_gate(gate: Any, device_id: int | None = None) -> GateContext:
    return GateContext(
        gate_id=gate.id,
        gate_name=gate.name,
        compound_id=gate.compound_id,
        compound_name=gate.compound.name,
        path=gate.path,
        is_open=gate.is_open,
        accepted_kinds=frozenset(gate.accepted_kinds.split()),
        device_id=device_id,
    )


def for_device_token(raw: str) -> GateContext | None:
    """The gate of an unrevoked device token, or None."""
    digest = ApiToken.hash(raw)
    key = f"device:{digest}"
    cache = caches[CACHE]
    hit = cache.get(key, _MISSING)
    if hit is not _MISSING:
        return hit  # type: ignore[no-any-return]
    device = (
        GateDevice.objects.select_related("gate", "gate__compound")
        .filter(digest=digest, revoked_at__isnull=True)
        .first()
    )
    ctx = _from_gate(device.gate, device.id) if device else None
    cache.set(key, ctx, CACHE_SECONDS)
    return ctx


def for_gate(gate_id: int) -> GateContext | None:
    key = f"gate:{gate_id}"
    cache = caches[CACHE]
    hit = cache.get(key, _MISSING)
    if hit is not _MISSING:
        return hit  # type: ignore[no-any-return]
    gate = Gate.objects.select_related("compound").filter(pk=gate_id).first()
    ctx = _from_gate(gate) if gate else None
    cache.set(key, ctx, CACHE_SECONDS)
    return ctx


def clear(*_args: Any, **_kwargs: Any) -> None:
    """Empty the cache `CACHE` of this process: gates, devices and outing policies alike (a signal
    receiver; saves are rare next to scans)."""
    caches[CACHE].clear()
