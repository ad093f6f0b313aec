"""The epidemic endpoints are in the OpenAPI schema, with their request bodies and bearer auth."""


def test_the_openapi_schema_lists_the_epidemic_endpoints(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]

    assert "post" in paths["/api/v1/cases"]
    assert "get" in paths["/api/v1/cases/{case_id}"]
    assert "get" in paths["/api/v1/cases/{case_id}/contacts"]
    assert "post" in paths["/api/v1/lockdowns"]
    assert "get" in paths["/api/v1/quarantines"]


def test_the_lockdown_body_documents_its_scope_choices_and_the_preview_flag(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["components"]["schemas"]["LockdownIn"]

    assert set(body["required"]) >= {"scope", "id", "start"}
    assert "preview" in body["properties"]
    scope = schema["components"]["schemas"]["LockdownScope"]
    assert scope["enum"] == ["unit", "building", "compound"]


def test_the_epidemic_endpoints_require_a_token(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    for path, method in [
        ("/api/v1/cases", "post"),
        ("/api/v1/lockdowns", "post"),
        ("/api/v1/quarantines", "get"),
    ]:
        assert paths[path][method].get("security"), path
