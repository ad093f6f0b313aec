"""A household is held at the gate while ANY reason holds it (epi/holds.py): a lockdown around it, a
member's home quarantine, an open case of a member not yet isolated. Registering a case, moving a person
or ending one reason never lifts a hold another reason still imposes.

Cases and lockdowns go through the API (POST /api/v1/cases, /api/v1/lockdowns), lifting and isolation
dates through the pages, and the gate answers through the device API (POST /api/v1/gate/scans), on a
clock frozen at 2026-03-02 09:00 (Asia/Shanghai) and moved to the days after.

unit31 (conftest): 3栋1单元101 张三 alone, 102 钱一 and 钱二, 201 孙三; 3栋2单元101 周四 next door.
"""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from lianfang.access import gatecache
from lianfang.access import policy as outing_policy
from lianfang.access.models import Pass, PassKind
from lianfang.access.services import create_gate_device, ensure_link_key
from lianfang.epi.models import Case, CaseStatus, Lockdown, Quarantine, QuarantineKind, QuarantineStatus
from lianfang.epi.services import change_case_status, create_facility, start_quarantine
from lianfang.places.models import HOLD_OPEN_ENDED, Household

D0 = datetime.date(2026, 3, 2)
DAY = datetime.timedelta(days=1)


def nine(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


@pytest.fixture(autouse=True)
def clock():
    """Frozen at D0 09:00 before the world is built; `clock.move_to(nine(day))` goes to another day."""
    outing_policy.clear_cache()
    gatecache.clear()
    with time_machine.travel(nine(D0), tick=False) as traveller:
        yield traveller
    outing_policy.clear_cache()
    gatecache.clear()


@pytest.fixture
def passes(world, unit31) -> dict[int, Pass]:
    return {
        h.pk: Pass.objects.create(
            kind=PassKind.HOUSEHOLD,
            household=h,
            compound=h.compound,
            path=h.path,
            valid_from=datetime.date(2020, 1, 1),
            valid_to=datetime.date(2030, 12, 31),
        )
        for h in [*unit31.households, unit31.next_door]
    }


@pytest.fixture
def gate(client, world, passes):
    """gate(household, direction="out") -> the code the device API answers."""
    _device, raw = create_gate_device(gate=world.gate_a, name="east kiosk")

    def _scan(household: Household, direction: str = "out") -> str:
        body = {
            "client_id": str(uuid.uuid4()),
            "token": passes[household.pk].qr_text,
            "direction": direction,
            "temperature": 36.5,
        }
        response = client.post(
            "/api/v1/gate/scans",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        assert response.status_code == 200, response.content
        return response.json()["code"]

    return _scan


@pytest.fixture
def api(client, world, api_client):
    """api(path, body) -> the JSON answer of a POST as the health worker of A (asserting 201)."""
    headers = api_client(world.health_a)

    def _post(path: str, body: dict) -> dict:
        response = client.post(path, data=json.dumps(body), content_type="application/json", **headers)
        assert response.status_code == 201, response.content
        return response.json()

    return _post


def register_case(api, resident, *, isolated: bool) -> Case:
    body = {"resident_id": resident.pk, "status": "confirmed", "source": "hospital"}
    body["onset_date"] = str(D0 - 2 * DAY)
    if isolated:  # taken to hospital today
        body["isolation_date"] = str(D0)
    return Case.objects.get(pk=api("/api/v1/cases", body)["id"])


def seal(api, unit, case: Case | None = None) -> Lockdown:
    body = {"scope": "unit", "id": unit.pk, "start": str(D0), "days": 14, "reason": "确诊病例所在单元"}
    if case is not None:
        body["case_id"] = case.pk
    return Lockdown.objects.get(pk=api("/api/v1/lockdowns", body)["id"])


def held_until(household: Household) -> datetime.date | None:
    return Household.objects.get(pk=household.pk).exits_held_until


# ------------------------------------------------------------------ a sealed unit and its case
@pytest.mark.parametrize("isolated", [False, True], ids=["at_home", "isolated"])
@pytest.mark.parametrize("order", ["case_then_seal", "seal_then_case"])
def test_the_single_member_household_of_a_sealed_units_case_is_refused_as_quarantined(
    world, unit31, gate, api, clock, isolated, order
):
    alone = world.household_a1  # 张三 lives alone in 101
    if order == "case_then_seal":
        lockdown = seal(api, unit31.unit, register_case(api, world.zhang_san, isolated=isolated))
    else:
        lockdown = seal(api, unit31.unit)
        register_case(api, world.zhang_san, isolated=isolated)

    assert not Quarantine.objects.filter(resident=world.zhang_san, status=QuarantineStatus.ACTIVE).exists()
    assert gate(alone) == "quarantined"
    assert gate(alone, "in") == "entry_allowed"
    assert gate(unit31.households[1]) == "quarantined"
    assert gate(unit31.next_door) == "exit_allowed"

    clock.move_to(nine(lockdown.ends_on))
    assert gate(alone) == "quarantined"
    clock.move_to(nine(lockdown.ends_on + DAY))
    # After the lockdown only a case still at home holds the household.
    assert gate(alone) == ("exit_allowed" if isolated else "quarantined")
    assert gate(unit31.households[1]) == "exit_allowed"


@pytest.mark.parametrize("isolated", [False, True], ids=["at_home", "isolated"])
def test_registering_every_member_of_a_sealed_household_as_a_case_keeps_its_hold(
    world, unit31, gate, api, isolated
):
    h102 = unit31.households[1]
    qian1, qian2 = unit31.residents[1], unit31.residents[2]
    lockdown = seal(api, unit31.unit)

    register_case(api, qian1, isolated=isolated)
    assert gate(h102) == "quarantined"
    register_case(api, qian2, isolated=isolated)

    assert not Quarantine.objects.filter(household=h102, status=QuarantineStatus.ACTIVE).exists()
    assert gate(h102) == "quarantined"
    assert held_until(h102) == (lockdown.ends_on if isolated else HOLD_OPEN_ENDED)


def test_a_case_registered_in_a_freshly_sealed_unit_is_refused_as_quarantined_not_by_the_quota(
    world, unit31, gate, api
):
    assert gate(world.household_a1) == "exit_allowed"  # the day's exit is used before the case
    seal(api, unit31.unit, register_case(api, world.zhang_san, isolated=False))

    assert gate(world.household_a1) == "quarantined"


# ------------------------------------------------------------------ one reason ends, others remain
def test_lifting_the_lockdown_keeps_the_holds_of_a_contact_and_of_a_case_at_home(
    world, unit31, gate, api, login, clock
):
    case = register_case(api, world.zhang_san, isolated=False)
    lockdown = seal(api, unit31.unit, case)
    sun = unit31.residents[3]  # 孙三 of 201, also a close contact: 7 days of their own
    contact_q = start_quarantine(
        user=world.health_a, resident=sun, kind="home", reason="contact", case=case, days=7, today=D0
    )

    response = login(world.health_a).post(
        reverse("epi:lockdown-lift", args=[lockdown.pk]), {"reason": "全员核酸阴性"}
    )

    assert response.status_code == 302
    assert Lockdown.objects.get(pk=lockdown.pk).status == "lifted"
    assert gate(world.household_a1) == "quarantined"  # the case is still at home
    assert gate(unit31.households[2]) == "quarantined"  # the contact's own quarantine
    assert gate(unit31.households[1]) == "exit_allowed"
    assert held_until(unit31.households[2]) == contact_q.planned_end == D0 + 6 * DAY
    clock.move_to(nine(D0 + 7 * DAY))
    assert gate(unit31.households[2]) == "exit_allowed"
    assert gate(world.household_a1) == "quarantined"


def test_isolating_a_case_releases_its_household_only_when_no_other_reason_remains(
    world, unit31, gate, api, login, clock
):
    h101, h102 = world.household_a1, unit31.households[1]
    zhang = register_case(api, world.zhang_san, isolated=False)
    qian1 = register_case(api, unit31.residents[1], isolated=False)
    contact_q = start_quarantine(
        user=world.health_a, resident=unit31.residents[2], kind="home", reason="contact", days=3, today=D0
    )
    assert gate(h101) == "quarantined" and gate(h102) == "quarantined"
    assert held_until(h101) == held_until(h102) == HOLD_OPEN_ENDED
    client = login(world.health_a)

    for case in (zhang, qian1):  # taken to hospital: the case page's dates form
        client.post(reverse("epi:case-dates", args=[case.pk]), {"isolation_date": D0.isoformat()})

    assert Case.objects.get(pk=zhang.pk).isolation_date == D0
    assert gate(h101) == "exit_allowed"
    assert gate(h102) == "quarantined"  # 钱二 is a contact in home quarantine
    assert held_until(h102) == contact_q.planned_end
    clock.move_to(nine(contact_q.planned_end + DAY))
    assert gate(h102) == "exit_allowed"


def test_closing_a_case_at_home_releases_its_household_and_reopening_holds_it_again(world, unit31, gate, api):
    case = register_case(api, world.zhang_san, isolated=False)
    assert gate(world.household_a1) == "quarantined"

    change_case_status(user=world.health_a, case=case, status=CaseStatus.EXCLUDED, today=D0)
    assert held_until(world.household_a1) is None
    change_case_status(user=world.health_a, case=case, status=CaseStatus.SUSPECTED, today=D0)

    assert gate(world.household_a1) == "quarantined"


def test_moving_the_people_of_a_sealed_household_to_a_facility_keeps_it_held_until_the_lockdown_ends(
    world, unit31, gate, api, clock
):
    h102 = unit31.households[1]
    lockdown = seal(api, unit31.unit)
    facility = create_facility(
        user=world.health_a, area=world.community_a, name="淮南宾馆", rooms=[("101", 1), ("102", 1)]
    )
    for person, room in zip(unit31.residents[1:3], facility.rooms.order_by("number"), strict=True):
        start_quarantine(
            user=world.health_a, resident=person, kind="facility", reason="contact", room=room, today=D0
        )

    for person in unit31.residents[1:3]:  # the home quarantine ended: one place at a time
        active = Quarantine.objects.filter(resident=person, status=QuarantineStatus.ACTIVE)
        assert [q.kind for q in active] == [QuarantineKind.FACILITY]
        home = Quarantine.objects.get(resident=person, kind=QuarantineKind.HOME)
        assert home.status == QuarantineStatus.RELEASED and "淮南宾馆" in home.end_note
    assert gate(h102) == "quarantined"  # nobody home, and still inside the sealed unit
    assert held_until(h102) == lockdown.ends_on
    clock.move_to(nine(lockdown.ends_on + DAY))
    assert gate(h102) == "exit_allowed"


def test_a_hold_without_a_last_day_reads_until_further_notice_at_the_gate_and_on_the_pages(
    client, world, unit31, passes, api
):
    """An open case at home holds its household with no last day; nobody is shown the year 9999."""
    alone = unit31.households[0]
    register_case(api, world.zhang_san, isolated=False)
    assert held_until(alone) == HOLD_OPEN_ENDED

    _device, raw = create_gate_device(gate=world.gate_a, name="north kiosk")
    body = {
        "client_id": str(uuid.uuid4()),
        "token": passes[alone.pk].qr_text,
        "direction": "out",
        "temperature": 36.5,
    }
    answer = client.post(
        "/api/v1/gate/scans",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    ).json()
    assert answer["code"] == "quarantined"
    assert "另行通知" in answer["message"] and "9999" not in answer["message"]

    own_page = client.get(reverse("access:household-link", args=[ensure_link_key(household=alone)]))
    assert "另行通知" in own_page.content.decode() and "9999" not in own_page.content.decode()

    client.force_login(world.grid_a1_worker)
    care_page = client.get(reverse("care:household", args=[alone.pk])).content.decode()
    assert "另行通知" in care_page and "9999" not in care_page
