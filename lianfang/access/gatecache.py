"""What the gate decision needs to know about a gate (and the device scanning at it), cached per process.

Read on every scan; changes (a gate closed, a device revoked) reach this process at once through
signals.py and other processes within CACHE_SECONDS.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from lianfang.access.models import GateDevice
from lianfang.accounts.models import ApiToken
from lianfang.places.models import Gate

CACHE_SECONDS = 5.0


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


_by_digest: dict[str, tuple[float, GateContext | None]] = {}
_by_gate: dict[int, tuple[float, GateContext | None]] = {}


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
    now = time.monotonic()
    hit = _by_digest.get(digest)
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    device = (
        GateDevice.objects.select_related("gate", "gate__compound")
        .filter(digest=digest, revoked_at__isnull=True)
        .first()
    )
    ctx = _from_gate(device.gate, device.id) if device else None
    _by_digest[digest] = (now, ctx)
    return ctx


def for_gate(gate_id: int) -> GateContext | None:
    now = time.monotonic()
    hit = _by_gate.get(gate_id)
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    gate = Gate.objects.select_related("compound").filter(pk=gate_id).first()
    ctx = _from_gate(gate) if gate else None
    _by_gate[gate_id] = (now, ctx)
    return ctx


def clear(*_args: Any, **_kwargs: Any) -> None:
    _by_digest.clear()
    _by_gate.clear()
