"""GET /api/v1/alerts (scoped, filters, keyset pages), GET /api/v1/alerts/{id}, and POST .../acknowledge,
.../assign {user}, .../resolve {outcome, note}, .../notes {note}: the answers' shape, the scope (404 out of
it, whatever the body), refusals as {"code", "message"} that change nothing."""

from __future__ import annotations

import pytest

from lianfang.core.models import Alert, AlertKind, AlertStatus
from lianfang.watch.tests.inbox_helpers import raise_in

URL = "/api/v1/alerts"


@pytest.fixture
def call(client, api_client, world):
    """call(user, method, path, body=None) -> response, with the user's bearer token."""

    def _call(user, method: str, path: str = "", body=None):
        headers = api_client(user)
        if method == "get":
            return client.get(URL + path, **headers)
        if body is None:
            return client.post(URL + path, **headers)
        return client.post(URL + path, body, content_type="application/json", **headers)  # str: sent as is

    return _call


def test_the_list_has_each_alerts_fields_newest_first(world, call):
    older, newer = raise_in(world), raise_in(world, kind=AlertKind.UNREACHABLE, severity="warning")
    body = call(world.health_a, "get").json()
    assert [a["id"] for a in body["alerts"]] == [newer.pk, older.pk] and body["next_before"] is None
    first = body["alerts"][1]
    assert first["kind"] == "fever" and first["severity"] == "urgent" and first["status"] == "open"
    assert first["path"] == first["handler_path"] == world.community_a.path
    assert first["household_id"] == world.household_a1.pk and first["grid_id"] == world.grid_a1.pk
    assert first["respond_by"] and first["overdue"] is False and first["escalations"] == 0
    for key in ("acknowledged_by", "assigned_to", "resolved_by", "resolved_at"):
        assert first[key] is None
    assert first["outcome"] == "" and first["resolution"] == ""


def test_each_role_lists_its_own_scope(world, call):
    a1, a2, b = (
        raise_in(world, household=h) for h in (world.household_a1, world.household_a2, world.household_b)
    )

    def ids(user):
        return [a["id"] for a in call(user, "get").json()["alerts"]]

    assert ids(world.staff_a) == [a2.pk, a1.pk]
    assert ids(world.grid_a1_worker) == [a1.pk]
    assert ids(world.staff_b) == [b.pk]
    assert ids(world.commander) == [b.pk, a2.pk, a1.pk]
    assert ids(world.guard_a) == [] and ids(world.resident_a) == []


def test_filters_by_status_and_kind_and_pages_by_id(world, call):
    made = [raise_in(world).pk for _ in range(5)]
    unreached = raise_in(world, kind=AlertKind.UNREACHABLE)
    call(world.staff_a, "post", f"/{made[0]}/acknowledge")

    def ids(query):
        response = call(world.staff_a, "get", query)
        assert response.status_code == 200, response.content
        return [a["id"] for a in response.json()["alerts"]], response.json()["next_before"]

    assert ids("?status=acknowledged") == ([made[0]], None)
    assert ids("?status=open&kind=unreachable") == ([unreached.pk], None)
    assert ids("?status=unresolved&kind=fever")[0] == made[::-1]
    assert ids("?status=resolved") == ([], None)
    page, after = ids("?kind=fever&limit=2")
    assert page == made[:2:-1][:2] and after == page[-1]
    assert ids(f"?kind=fever&limit=2&before={after}") == (made[2:0:-1], made[1])
    assert ids(f"?kind=fever&limit=2&before={made[1]}") == ([made[0]], None)


@pytest.mark.parametrize(
    "query",
    ["?limit=0", "?limit=101", "?before=0", "?before=99999999999999999999", "?status=late", "?kind=x"],
)
def test_bad_parameters_are_refused_with_422(world, call, query):
    response = call(world.staff_a, "get", query)
    assert response.status_code == 422 and response.json()["code"] == "invalid"


def test_acknowledge_assign_resolve_answer_the_alert_with_its_history(world, call):
    alert = raise_in(world)
    body = call(world.staff_a, "post", f"/{alert.pk}/acknowledge").json()
    assert body["status"] == "acknowledged" and body["acknowledged_by"]["id"] == world.staff_a.pk
    body = call(world.staff_a, "post", f"/{alert.pk}/assign", {"user": world.health_a.pk}).json()
    assert body["status"] == "assigned" and body["assigned_to"] == {
        "id": world.health_a.pk,
        "name": "health_a",
    }
    body = call(
        world.health_a, "post", f"/{alert.pk}/resolve", {"outcome": "false_alarm", "note": "复测正常"}
    ).json()
    assert (body["status"], body["outcome"], body["resolution"]) == ("resolved", "false_alarm", "复测正常")
    assert [s["kind"] for s in body["events"]] == ["raised", "acknowledged", "assigned", "resolved"]
    assert body["events"][2]["assignee"]["id"] == world.health_a.pk
    assert call(world.grid_a1_worker, "get", f"/{alert.pk}").json() == body


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("acknowledge", None, 400, "already_acknowledged"),
        ("assign", {"user": 987654321}, 400, "assignee_not_allowed"),
        ("assign", {}, 422, "invalid"),
        ("assign", {"user": "张三"}, 422, "invalid"),
        ("assign", "{not json", 400, "malformed_json"),
        ("resolve", {"outcome": "false_alarm", "note": ""}, 400, "note_required"),
        ("resolve", {"outcome": "maybe"}, 400, "bad_outcome"),
        ("resolve", {"outcome": "real", "note": "x" * 501}, 422, "invalid"),
        ("notes", {"note": "  "}, 400, "note_required"),
        ("notes", {"note": "x" * 501}, 422, "invalid"),
        ("notes", {}, 422, "invalid"),
        ("notes", "{not json", 400, "malformed_json"),
    ],
)
def test_refusals_are_named_and_change_nothing(world, call, path, body, status, code):
    alert = raise_in(world)
    call(world.staff_a, "post", f"/{alert.pk}/acknowledge")
    response = call(world.staff_a, "post", f"/{alert.pk}/{path}", body)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code and response.json()["message"]
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.events.count() == 2


def test_resolving_twice_is_refused_by_name(world, call):
    alert = raise_in(world)
    assert call(world.staff_a, "post", f"/{alert.pk}/resolve", {"outcome": "real"}).status_code == 200
    response = call(world.staff_a, "post", f"/{alert.pk}/resolve", {"outcome": "duplicate"})
    assert (response.status_code, response.json()["code"]) == (400, "already_resolved")
    assert Alert.objects.get(pk=alert.pk).outcome == "real"


def test_an_alert_out_of_scope_is_404_whatever_the_body(world, call):
    theirs = raise_in(world, household=world.household_b)
    for user in (world.staff_a, world.grid_a1_worker, world.guard_a):
        assert call(user, "get", f"/{theirs.pk}").status_code == 404
        for path, body in (
            ("acknowledge", None),
            ("assign", {"user": world.staff_b.pk}),
            ("resolve", {"outcome": "real"}),
            ("resolve", "{not json"),
            ("notes", {"note": "已电话联系"}),
        ):
            response = call(user, "post", f"/{theirs.pk}/{path}", body)
            assert (response.status_code, response.json()["code"]) == (404, "not_found"), (user, path)
    assert Alert.objects.get(pk=theirs.pk).status == AlertStatus.OPEN


def test_a_note_joins_the_alerts_history_in_any_state(world, call):
    alert = raise_in(world)
    body = call(world.health_a, "post", f"/{alert.pk}/notes", {"note": "已电话联系户主，复测中"}).json()
    assert [s["kind"] for s in body["events"]] == ["raised", "note"] and body["status"] == "open"
    call(world.staff_a, "post", f"/{alert.pk}/resolve", {"outcome": "real"})
    body = call(world.staff_a, "post", f"/{alert.pk}/notes", {"note": "已转送定点医院"}).json()
    assert [s["kind"] for s in body["events"]][-2:] == ["resolved", "note"]
    assert body["events"][-1]["note"] == "已转送定点医院"
