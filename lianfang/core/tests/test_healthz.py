"""GET /healthz: liveness and the database's state, without logging in."""

import re


def test_healthz_answers_ok_with_the_database_state_without_login(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert re.fullmatch(r"\d+(\.\d+)*", body["database"]["server_version"])  # PostgreSQL's, e.g. "15.10"
    assert "time" in body


def test_healthz_is_never_cached(client, db):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_refuses_writes(client, db):
    assert client.post("/healthz").status_code == 405
