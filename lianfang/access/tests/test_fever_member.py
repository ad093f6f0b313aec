"""After a fever at the gate, the checkpoint asks which member of the household it was: by number in the
household's list, with sex and age band only (never a name on the guard's screen); the answer puts the
member's name on the day's fever alert for the staff and the health worker."""

import datetime
import json
import uuid

import pytest
import time_machine
from django.utils import translation

from lianfang.access.fever import age_band
from lianfang.access.models import Passage
from lianfang.access.tests.conftest import at
from lianfang.conftest import add_resident
from lianfang.core.models import Alert, AlertEventKind

URL = "/access/checkpoint/fever-member"
SCANS = "/access/checkpoint/scans"
D = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def family(world):
    """household_a1: 张三 (no. 1, born 1980), then his wife and their son."""
    add_resident("赵敏", world.household_a1, datetime.date(1983, 7, 9), 21, "F", relation="spouse")
    add_resident("张小明", world.household_a1, datetime.date(2019, 2, 1), 33, "M", relation="child")
    return world.household_a1


@pytest.fixture
def guard(login, world):
    return login(world.guard_a)


def fever_scan(client, p, temperature=38.2):
    body = {
        "client_id": str(uuid.uuid4()),
        "token": p.qr_text,
        "direction": "out",
        "temperature": temperature,
    }
    with time_machine.travel(at(D, 9), tick=False):
        answer = client.post(SCANS, data=json.dumps(body), content_type="application/json").json()
    return answer


def point(client, client_id, position):
    with time_machine.travel(at(D, 9, 5), tick=False):
        return client.post(
            URL,
            data=json.dumps({"client_id": client_id, "position": position}),
            content_type="application/json",
        )


def test_a_fever_answer_lists_the_members_by_number_sex_and_age_without_names(guard, family, passes):
    answer = fever_scan(guard, passes["household_a1"])
    assert answer["code"] == "fever"
    assert [m["position"] for m in answer["members"]] == [1, 2, 3]
    assert [m["age"] for m in answer["members"]] == ["40s", "40s", "under 10"]
    text = json.dumps(answer, ensure_ascii=False)
    assert "张三" not in text and "赵敏" not in text and "张小明" not in text


def test_an_allowed_exit_lists_no_members(guard, family, passes):
    assert fever_scan(guard, passes["household_a1"], temperature=36.4)["members"] is None


def test_pointing_at_member_two_names_her_on_the_alert_and_not_on_the_guards_screen(
    guard, world, family, passes
):
    answer = fever_scan(guard, passes["household_a1"])
    reply = point(guard, answer["client_id"], 2)
    assert reply.status_code == 200
    assert "赵敏" not in reply.content.decode("utf-8")
    alert = Alert.objects.get(household=world.household_a1)
    assert "赵敏" in alert.title
    note = alert.events.filter(kind=AlertEventKind.NOTE).get()
    assert "赵敏" in note.note and note.by == world.guard_a
    # Pointed again (a second tap): the name is on the title once.
    point(guard, answer["client_id"], 2)
    assert Alert.objects.get(pk=alert.pk).title.count("赵敏") == 1


def test_none_of_them_is_a_note_and_leaves_the_title(guard, world, family, passes):
    answer = fever_scan(guard, passes["household_a1"])
    title = Alert.objects.get().title
    assert point(guard, answer["client_id"], 0).status_code == 200
    alert = Alert.objects.get()
    assert alert.title == title
    assert "none of the household" in alert.events.get(kind=AlertEventKind.NOTE).note


@pytest.mark.parametrize(
    ("position", "status", "code"),
    [(4, 400, "fever_member_unknown"), (-1, 400, None), ("二", 400, None), (10**30, 400, None)],
)
def test_a_position_outside_the_list_is_refused_and_changes_nothing(
    guard, family, passes, position, status, code
):
    answer = fever_scan(guard, passes["household_a1"])
    title = Alert.objects.get().title
    reply = point(guard, answer["client_id"], position)
    assert reply.status_code == status
    assert reply.json()["message"]
    if code:
        assert reply.json()["code"] == code
    assert Alert.objects.get().title == title
    assert not Alert.objects.get().events.filter(kind=AlertEventKind.NOTE).exists()


def test_a_scan_that_was_not_a_fever_or_not_at_this_gate_is_not_found(login, guard, world, family, passes):
    allowed = fever_scan(guard, passes["household_a1"], temperature=36.4)
    assert point(guard, allowed["client_id"], 1).status_code == 404
    assert point(guard, "not-a-uuid", 1).status_code == 404
    assert point(guard, str(uuid.uuid4()), 1).status_code == 404
    fever = fever_scan(guard, passes["household_a1"])
    assert Passage.objects.filter(client_id=fever["client_id"]).exists()
    # Staff have no checkpoint: the page does not exist for them.
    assert point(login(world.staff_a), fever["client_id"], 1).status_code == 404


def test_the_health_workers_referral_shows_the_member_named_by_the_gate(login, guard, world, family, passes):
    answer = fever_scan(guard, passes["household_a1"])
    point(guard, answer["client_id"], 3)
    with time_machine.travel(at(D, 10), tick=False):
        home = login(world.health_a).get("/").content.decode()
    assert "张小明" in home


def test_the_household_page_numbers_its_members_as_the_gate_asks(login, world, family):
    page = login(world.staff_a).get(f"/places/households/{world.household_a1.pk}/").content.decode()
    assert page.index("张三") < page.index("赵敏") < page.index("张小明")
    assert '<td class="num">3</td>' in page


def test_age_bands():
    today = datetime.date(2026, 3, 2)
    assert age_band(None, today) == ""
    assert age_band(datetime.date(2016, 3, 3), today) == "under 10"
    assert age_band(datetime.date(2016, 3, 2), today) == "10s"
    assert age_band(datetime.date(1926, 3, 2), today) == "100s"
