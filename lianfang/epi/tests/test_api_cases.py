"""POST /api/v1/cases and GET /api/v1/cases/{id}: register a case for a resident or a non-resident, read
it back; scoped (out of scope is 404), ID numbers masked, bad input refused with a code, nothing written."""

import datetime

from django.utils import timezone

from lianfang.conftest import id_for
from lianfang.core.models import Alert
from lianfang.epi.models import Case, CaseStatusChange
from lianfang.people.models import Resident

URL = "/api/v1/cases"
ZHANG_SAN_ID = id_for(datetime.date(1980, 5, 17), 12, "M")
VISITOR_ID = id_for(datetime.date(1975, 3, 9), 41, "F", region="340102")


def post(client, headers, body):
    return client.post(URL, body, content_type="application/json", **headers)


def counts() -> tuple[int, int, int, int]:
    return (
        Case.objects.count(),
        CaseStatusChange.objects.count(),
        Resident.objects.count(),
        Alert.objects.count(),
    )


def test_anonymous_callers_get_401_on_both_endpoints(client, world):
    assert post(client, {}, {"resident_id": world.zhang_san.id, "status": "confirmed"}).status_code == 401
    response = client.get(f"{URL}/1")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_a_health_worker_registers_a_confirmed_case_for_a_resident_of_their_community(
    client, world, api_client
):
    today = timezone.localdate()
    body = {
        "resident_id": world.zhang_san.id,
        "status": "confirmed",
        "source": "hospital",
        "onset_date": str(today - datetime.timedelta(days=3)),
        "report_date": str(today - datetime.timedelta(days=1)),
        "isolation_date": str(today - datetime.timedelta(days=1)),
    }

    response = post(client, api_client(world.health_a), body)

    assert response.status_code == 201
    data = response.json()
    case = Case.objects.get()
    assert data["id"] == case.id
    assert data["person"]["id"] == world.zhang_san.id
    assert data["person"]["name"] == "张三"
    assert data["household_id"] == world.household_a1.id
    assert data["household"] == "阳光小区 3栋1单元101"
    assert (data["status"], data["source"]) == ("confirmed", "hospital")
    assert data["onset_date"] == body["onset_date"]
    assert [(c["from_status"], c["to_status"]) for c in data["changes"]] == [("", "confirmed")]
    assert data["created_by"] == "health_a"


def test_the_answer_carries_the_masked_id_number_only(client, world, api_client):
    response = post(
        client, api_client(world.health_a), {"resident_id": world.zhang_san.id, "status": "suspected"}
    )

    assert response.status_code == 201
    assert ZHANG_SAN_ID not in response.content.decode()
    assert response.json()["person"]["id_number"] == f"340403********{ZHANG_SAN_ID[-4:]}"


def test_a_non_resident_is_registered_by_name_id_number_phone_and_community(client, world, api_client):
    body = {
        "person": {
            "name": "赵六",
            "id_number": VISITOR_ID,
            "phone": "13912345678",
            "community": world.community_a.code,
        },
        "status": "suspected",
        "source": "gate_fever",
    }

    response = post(client, api_client(world.staff_a), body)

    assert response.status_code == 201
    person = response.json()["person"]
    assert person["name"] == "赵六"
    assert person["household_id"] is None
    assert VISITOR_ID not in response.content.decode()
    resident = Resident.objects.get(pk=person["id"])
    assert resident.household_id is None
    assert resident.path == world.community_a.path


def test_the_case_reads_back_in_scope_and_is_404_outside_it(client, world, api_client):
    created = post(
        client, api_client(world.health_a), {"resident_id": world.zhang_san.id, "status": "confirmed"}
    )
    url = f"{URL}/{created.json()['id']}"

    inside = client.get(url, **api_client(world.commander))
    outside = client.get(url, **api_client(world.staff_b))
    missing = client.get(f"{URL}/999999", **api_client(world.staff_b))

    assert inside.status_code == 200
    assert inside.json()["person"]["name"] == "张三"
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()


def test_a_grid_worker_reads_the_cases_of_their_grid_and_no_other(client, world, api_client):
    headers = api_client(world.health_a)
    mine = post(client, headers, {"resident_id": world.zhang_san.id, "status": "confirmed"}).json()["id"]
    other = post(client, headers, {"resident_id": world.li_si.id, "status": "confirmed"}).json()["id"]
    grid = api_client(world.grid_a1_worker)

    assert client.get(f"{URL}/{mine}", **grid).status_code == 200
    assert client.get(f"{URL}/{other}", **grid).status_code == 404


def test_a_resident_outside_the_scope_answers_404_and_nothing_is_written(client, world, api_client):
    before = counts()

    response = post(
        client, api_client(world.staff_b), {"resident_id": world.zhang_san.id, "status": "confirmed"}
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert counts() == before


def test_a_role_that_reads_cases_may_not_register_one(client, world, api_client):
    before = counts()

    response = post(
        client, api_client(world.grid_a1_worker), {"resident_id": world.zhang_san.id, "status": "confirmed"}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert counts() == before


def test_a_second_open_case_for_the_same_person_is_refused_and_names_the_first(client, world, api_client):
    headers = api_client(world.health_a)
    first = post(client, headers, {"resident_id": world.zhang_san.id, "status": "suspected"}).json()["id"]
    before = counts()

    response = post(client, headers, {"resident_id": world.zhang_san.id, "status": "confirmed"})

    assert response.status_code == 400
    assert response.json()["code"] == "case_open_exists"
    assert f"#{first}" in response.json()["message"]
    assert counts() == before


def test_an_onset_date_in_the_future_is_refused(client, world, api_client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    before = counts()

    response = post(
        client,
        api_client(world.health_a),
        {"resident_id": world.zhang_san.id, "status": "confirmed", "onset_date": str(tomorrow)},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "date_in_future"
    assert response.json()["field"] == "onset_date"
    assert counts() == before


def test_a_report_date_before_the_onset_is_refused(client, world, api_client):
    today = timezone.localdate()
    before = counts()

    response = post(
        client,
        api_client(world.health_a),
        {
            "resident_id": world.zhang_san.id,
            "status": "confirmed",
            "onset_date": str(today - datetime.timedelta(days=1)),
            "report_date": str(today - datetime.timedelta(days=2)),
        },
    )

    assert response.status_code == 400
    assert response.json()["code"] == "date_before_onset"
    assert counts() == before


def test_a_case_cannot_be_registered_as_already_recovered(client, world, api_client):
    before = counts()

    response = post(
        client, api_client(world.health_a), {"resident_id": world.zhang_san.id, "status": "recovered"}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad_status"
    assert counts() == before


def test_both_a_resident_and_a_person_at_once_is_refused(client, world, api_client):
    before = counts()
    body = {
        "resident_id": world.zhang_san.id,
        "person": {"name": "赵六", "id_number": VISITOR_ID, "community": world.community_a.code},
        "status": "confirmed",
    }

    response = post(client, api_client(world.health_a), body)

    assert response.status_code == 400
    assert response.json()["code"] == "person_required"
    assert counts() == before


def test_a_bad_id_number_for_a_non_resident_is_refused_with_its_own_code(client, world, api_client):
    before = counts()
    body = {
        "person": {"name": "赵六", "id_number": VISITOR_ID[:-1] + "0", "community": world.community_a.code},
        "status": "suspected",
    }

    response = post(client, api_client(world.health_a), body)

    assert response.status_code == 400
    assert response.json()["code"].startswith("id_")
    assert counts() == before


def test_a_community_outside_the_scope_answers_404_for_a_non_resident(client, world, api_client):
    before = counts()
    body = {
        "person": {"name": "赵六", "id_number": VISITOR_ID, "community": world.community_b.code},
        "status": "suspected",
    }

    response = post(client, api_client(world.health_a), body)

    assert response.status_code == 404
    assert counts() == before


def test_malformed_json_is_refused_with_a_code(client, world, api_client):
    before = counts()

    response = client.post(URL, "{not json", content_type="application/json", **api_client(world.health_a))

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert counts() == before


def test_an_unknown_status_is_invalid_with_the_field_named(client, world, api_client):
    before = counts()

    response = post(client, api_client(world.health_a), {"resident_id": world.zhang_san.id, "status": "sick"})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["message"]
    assert any("status" in e["loc"] for e in body["errors"])
    assert counts() == before


def test_reading_a_case_takes_a_fixed_number_of_queries(
    client, world, api_client, django_assert_max_num_queries
):
    created = post(
        client, api_client(world.health_a), {"resident_id": world.zhang_san.id, "status": "confirmed"}
    )
    headers = api_client(world.staff_a)

    with django_assert_max_num_queries(5):
        response = client.get(f"{URL}/{created.json()['id']}", **headers)

    assert response.status_code == 200
