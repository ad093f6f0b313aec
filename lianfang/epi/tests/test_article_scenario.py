"""The article's scenario end to end, the gate answering through the real device API
(POST /api/v1/gate/scans with a gate device token): a confirmed case in unit 3栋1单元 -> preview ->
seal -> every household of the unit in home quarantine -> their exits refused, coming home allowed,
another unit untouched -> after the last day exits are allowed again by date; lifting early restores
exits unless another reason (a contact's home quarantine) still holds.

The device API decides on the server's clock, frozen at 2026-03-02 09:00 (Asia/Shanghai) and moved to
the days after the lockdown.
"""

import datetime
import json
import uuid

import pytest
import time_machine
from django.utils import timezone

from lianfang.access import gatecache
from lianfang.access import policy as outing_policy
from lianfang.access.models import Pass, Passage, PassKind
from lianfang.access.services import create_gate_device
from lianfang.epi.models import CaseSource, CaseStatus, Lockdown, Quarantine, QuarantineStatus
from lianfang.epi.services import (
    apply_lockdown,
    create_case,
    lift_lockdown,
    preview_lockdown,
    start_quarantine,
)
from lianfang.places.models import Household

URL = "/api/v1/gate/scans"
D = datetime.timedelta
D0 = datetime.date(2026, 3, 2)


def nine(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=timezone.get_current_timezone())


@pytest.fixture(autouse=True)
def clock():
    """Frozen at D0 09:00 before the world is built (so `today` is D0); `clock.move_to(nine(day))` goes to
    another day."""
    outing_policy.clear_cache()
    gatecache.clear()
    with time_machine.travel(nine(D0), tick=False) as traveller:
        yield traveller
    outing_policy.clear_cache()
    gatecache.clear()


@pytest.fixture
def device(world):
    _device, raw = create_gate_device(gate=world.gate_a, name="east kiosk")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def passes(world, unit31):
    made = {}
    for h in [*unit31.households, unit31.next_door]:
        made[h.label] = Pass.objects.create(
            kind=PassKind.HOUSEHOLD,
            household=h,
            compound=h.compound,
            path=h.path,
            valid_from=datetime.date(2020, 1, 1),
            valid_to=datetime.date(2030, 12, 31),
        )
    return made


@pytest.fixture
def gate(client, device):
    """gate(pass, direction) -> the device API's answer (a dict)."""

    def _scan(p: Pass, direction: str = "out") -> dict:
        body = {
            "client_id": str(uuid.uuid4()),
            "token": p.qr_text,
            "direction": direction,
            "temperature": 36.5,
        }
        response = client.post(URL, data=json.dumps(body), content_type="application/json", **device)
        assert response.status_code == 200, response.content
        return response.json()

    return _scan


def held() -> dict[str, datetime.date | None]:
    return dict(Household.objects.values_list("label", "exits_held_until"))


@pytest.fixture
def confirmed_case(world, unit31, today):
    """钱一 of 3栋1单元102 is confirmed and taken to hospital today (钱二 lives with them)."""
    return create_case(
        user=world.health_a,
        resident=unit31.residents[1],
        status=CaseStatus.CONFIRMED,
        source=CaseSource.HOSPITAL,
        onset_date=today - D(2),
        isolation_date=today,
        today=today,
    )


def test_a_confirmed_case_seals_its_unit_and_the_gate_holds_its_households_until_the_last_day(
    world, unit31, passes, gate, confirmed_case, today, clock
):
    assert today == D0
    unit = unit31.unit
    before = (Lockdown.objects.count(), Quarantine.objects.count(), held())

    preview = preview_lockdown(user=world.health_a, scope="unit", target_id=unit.id, start=today, days=None)

    assert (preview.units, preview.households, preview.residents) == (1, 3, 3)  # the case is isolated apart
    assert preview.ends_on == today + D(13) and preview.overlaps is None
    assert (Lockdown.objects.count(), Quarantine.objects.count(), held()) == before

    lockdown = apply_lockdown(
        user=world.health_a,
        scope="unit",
        target_id=unit.id,
        start=today,
        case=confirmed_case,
        reason="确诊病例",
    )

    assert (lockdown.households, lockdown.residents) == (3, 3)
    assert Quarantine.objects.filter(lockdown=lockdown, kind="home", status="active").count() == 3
    for h in unit31.households:
        out = gate(passes[h.label], "out")
        assert (out["decision"], out["code"]) == ("refused", "quarantined"), h.label
        assert gate(passes[h.label], "in")["code"] == "entry_allowed"
    assert gate(passes[unit31.next_door.label], "out")["code"] == "exit_allowed"
    assert not Passage.objects.filter(code="quarantined", counted=True).exists()

    last_day = lockdown.ends_on
    first_free = last_day + D(1)  # day 15 of a 14-day lockdown
    clock.move_to(nine(last_day))
    assert gate(passes["3栋1单元101"])["code"] == "quarantined"
    clock.move_to(nine(first_free))
    assert [gate(passes[h.label])["code"] for h in unit31.households] == ["exit_allowed"] * 3
    assert gate(passes["3栋1单元101"], "in")["code"] == "entry_allowed"


def test_lifting_early_restores_exits_unless_a_contacts_home_quarantine_still_holds(
    world, unit31, passes, gate, confirmed_case, today, clock
):
    lockdown = apply_lockdown(user=world.health_a, scope="unit", target_id=unit31.unit.id, start=today)
    sun = unit31.residents[3]  # 孙三 of 201 is also a close contact: 7 days of their own
    contact_q = start_quarantine(
        user=world.health_a,
        resident=sun,
        kind="home",
        reason="contact",
        case=confirmed_case,
        days=7,
        today=today,
    )
    assert gate(passes["3栋1单元201"])["code"] == "quarantined"

    lift_lockdown(user=world.health_a, lockdown=lockdown, reason="全员核酸阴性", today=today)

    assert gate(passes["3栋1单元101"])["code"] == "exit_allowed"
    assert gate(passes["3栋1单元102"])["code"] == "exit_allowed"
    assert gate(passes["3栋1单元201"])["code"] == "quarantined"
    assert held()["3栋1单元201"] == contact_q.planned_end == today + D(6)
    assert Quarantine.objects.get(pk=contact_q.pk).status == QuarantineStatus.ACTIVE
    clock.move_to(nine(today + D(6)))
    assert gate(passes["3栋1单元201"])["code"] == "quarantined"
    clock.move_to(nine(today + D(7)))
    assert gate(passes["3栋1单元201"])["code"] == "exit_allowed"
