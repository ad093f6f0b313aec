import datetime
import uuid

import pytest
import time_machine
from django.utils import timezone

from lianfang.access import gatecache, policy
from lianfang.access.models import Pass, PassKind
from lianfang.access.scan import ScanInput, record_scan


@pytest.fixture(autouse=True)
def _fresh_caches():
    policy.clear_cache()
    gatecache.clear()
    yield
    policy.clear_cache()
    gatecache.clear()


def at(day: datetime.date | str, hh: int = 9, mm: int = 0) -> datetime.datetime:
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hh, mm)))


@pytest.fixture
def passes(world):
    """A household pass for each household of the world, valid around the test dates."""
    made = {}
    for key in ("household_a1", "household_a2", "household_b"):
        h = getattr(world, key)
        made[key] = Pass.objects.create(
            kind=PassKind.HOUSEHOLD,
            household=h,
            compound=h.compound,
            path=h.path,
            valid_from=datetime.date(2020, 1, 1),
            valid_to=datetime.date(2030, 12, 31),
        )
    return made


@pytest.fixture
def scan(world):
    """scan(pass_or_token, direction, when=..., temperature=36.5, gate=world.gate_a) -> ScanResult."""

    def _scan(p, direction="out", when=None, temperature=36.5, gate=None, client_id=None):
        ctx = gatecache.for_gate((gate or world.gate_a).pk)
        token = p.qr_text if isinstance(p, Pass) else p
        scan = ScanInput(
            client_id=client_id or uuid.uuid4(), token=token, direction=direction, temperature=temperature
        )
        with time_machine.travel(when or timezone.now(), tick=False):
            return record_scan(gate=ctx, scan=scan)

    return _scan
