"""GET /api/v1/quarantines?household=ID: a household's quarantines with day N of M, the last day, kind and
status; out of scope is 404; without `household`, the active quarantines of the caller's scope."""

import datetime

from django.utils import timezone

from lianfang.epi import services

URL = "/api/v1/quarantines"


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def quarantine_zhang_san(world, *, start: datetime.date, days: int = 14):
    return services.start_quarantine(
        user=world.health_a, resident=world.zhang_san, kind="home", reason="travel", start=start, days=days
    )


def test_anonymous_caller_gets_401(client, world):
    response = client.get(URL, {"household": world.household_a1.id})

    assert response.status_code == 401


def test_a_household_quarantine_reads_as_day_n_of_m_with_its_last_day(client, world, api_client):
    q = quarantine_zhang_san(world, start=days_ago(2), days=14)

    response = client.get(URL, {"household": world.household_a1.id}, **api_client(world.health_a))

    assert response.status_code == 200
    [item] = response.json()
    assert item["id"] == q.id
    assert item["person"]["name"] == "张三"
    assert "*" in item["person"]["id_number"]
    assert (item["kind"], item["reason"], item["status"]) == ("home", "travel", "active")
    assert (item["day"], item["days"]) == (3, 14)
    assert item["start"] == str(days_ago(2))
    assert item["last_day"] == str(days_ago(2) + datetime.timedelta(days=13))
    assert item["overdue"] is False
    assert item["room"] is None


def test_a_quarantine_past_its_last_day_and_not_released_is_overdue(client, world, api_client):
    quarantine_zhang_san(world, start=days_ago(15), days=14)

    [item] = client.get(URL, {"household": world.household_a1.id}, **api_client(world.staff_a)).json()

    assert (item["day"], item["days"], item["overdue"]) == (16, 14, True)


def test_a_household_outside_the_scope_answers_404_like_a_missing_one(client, world, api_client):
    quarantine_zhang_san(world, start=days_ago(1))
    headers = api_client(world.staff_b)

    outside = client.get(URL, {"household": world.household_a1.id}, **headers)
    missing = client.get(URL, {"household": 999999}, **headers)

    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()


def test_a_grid_worker_reads_the_quarantines_of_their_grid_only(client, world, api_client):
    quarantine_zhang_san(world, start=days_ago(1))
    headers = api_client(world.grid_a1_worker)

    assert len(client.get(URL, {"household": world.household_a1.id}, **headers).json()) == 1
    assert client.get(URL, {"household": world.household_a2.id}, **headers).status_code == 404


def test_a_resident_reads_their_own_household_s_quarantine(login, world):
    quarantine_zhang_san(world, start=days_ago(1))
    client = login(world.resident_a)

    assert len(client.get(URL, {"household": world.household_a1.id}).json()) == 1
    assert client.get(URL, {"household": world.household_a2.id}).status_code == 404


def test_without_a_household_the_active_quarantines_of_the_scope_are_listed(client, world, api_client):
    quarantine_zhang_san(world, start=days_ago(1))

    mine = client.get(URL, **api_client(world.health_a)).json()
    theirs = client.get(URL, **api_client(world.staff_b)).json()

    assert [q["person"]["name"] for q in mine] == ["张三"]
    assert theirs == []


def test_a_household_id_that_is_not_a_number_is_invalid(client, world, api_client):
    response = client.get(URL, {"household": "abc"}, **api_client(world.health_a))

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_listing_takes_a_fixed_number_of_queries(client, world, api_client, django_assert_max_num_queries):
    from lianfang.people.services import ResidentData, create_resident

    for i in range(5):
        create_resident(user=world.staff_a, household=world.household_a1, data=ResidentData(name=f"张{i}"))
    services.apply_lockdown(
        user=world.health_a, scope="unit", target_id=world.household_a1.unit_id, start=days_ago(1), days=14
    )
    headers = api_client(world.health_a)

    with django_assert_max_num_queries(4):
        response = client.get(URL, {"household": world.household_a1.id}, **headers)

    assert len(response.json()) == 6
