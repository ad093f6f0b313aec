"""Every status the API can answer is in its OpenAPI schema (core.api_schema), with the error body
{"code", "message"}; a parameter the endpoint cannot do without is marked required."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get("/api/v1/openapi.json").json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_declares_413_with_the_error_body(schema):
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "message"]
    for name, operation in operations(schema):
        error = operation["responses"]["413"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/Error"}, name


def test_operations_with_a_login_declare_400_401_403_and_404(schema):
    guarded = [(name, op) for name, op in operations(schema) if op.get("security")]
    assert len(guarded) >= 10
    for name, operation in guarded:
        assert {"400", "401", "403", "404"} <= set(operation["responses"]), name


def test_operations_with_input_declare_400_and_422(schema):
    for name, operation in operations(schema):
        if operation.get("parameters") or operation.get("requestBody"):
            assert {"400", "422"} <= set(operation["responses"]), name


def test_the_reachability_check_answers_only_200_or_413(schema):
    assert set(schema["paths"]["/api/v1/ping"]["get"]["responses"]) == {"200", "413"}


def test_the_resident_search_marks_q_required(schema, client, world, api_client):
    params = {p["name"]: p for p in schema["paths"]["/api/v1/residents"]["get"]["parameters"]}

    assert params["q"]["required"] is True
    response = client.get("/api/v1/residents", **api_client(world.staff_a))
    assert response.status_code == 422 and response.json()["code"] == "invalid"


def test_the_answer_to_a_bad_body_is_the_declared_one(client, world, api_client):
    headers = api_client(world.health_a)
    response = client.post("/api/v1/cases", "{", content_type="application/json", **headers)

    assert response.status_code == 400 and set(response.json()) == {"code", "message"}
