"""No input gives a 5xx: every URL pattern of the project (pages, the JSON API, the admin), GET and POST, as
every persona, with odd values in every parameter the code reads (see fuzzing.py for what is sent).

Per URL: the first persona (in the order of REACH) whose plain GET or POST is not refused (login, 403,
404) sends every odd value to every parameter — a rotation over the parameters, so that each gets each
value beside different values of the others — by the methods the view takes, plus JSON bodies of typed
odd values, nested past the depth limit, and 100,000 deep. Every other persona sends one request of odd
values. Afterwards every page is read again: a value that was stored but cannot be shown (a case with an
onset in year 1 did that) fails this second pass. URLs of missing objects and of the admin (no persona is
staff) get a few requests only: they are refused before any parameter is read.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.signals import got_request_exception
from django.test import Client

from lianfang.api import api
from lianfang.core.tests import fuzzing

PERSONAS = [
    "anonymous",
    "device",
    "commander",
    "staff_a",
    "grid_a1_worker",
    "staff_b",
    "guard_a",
    "health_a",
    "resident_a",
]
REACH = [
    "staff_a",
    "health_a",
    "guard_a",
    "device",
    "commander",
    "grid_a1_worker",
    "resident_a",
    "staff_b",
    "anonymous",
]
# The personas that each send one request of odd values to every URL (the reacher sends the rest).
OTHERS = ["anonymous", "staff_b", "resident_a", "guard_a", "grid_a1_worker"]
GROUPS = ["/api/", "/epi/", "/people/", "/care/", "/access/", "/admin/", "/"]
TYPED_ODD: list[Any] = [
    -1,
    0,
    2**70,
    -(2**70),
    1e308,
    True,
    None,
    [],
    {},
    ["²"],
    "0001-01-01",
    "9999-12-31T23:59:59-14:00",
]


class Sweep:
    def __init__(self, clients: dict[str, Client]) -> None:
        self.clients = clients
        self.failures: list[str] = []
        self.sent = 0
        self._errors: list[str] = []
        got_request_exception.connect(self._record)

    def close(self) -> None:
        got_request_exception.disconnect(self._record)

    def _record(self, sender: Any, **kwargs: Any) -> None:
        exc = sys.exc_info()[1]
        self._errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")

    def send(self, persona: str, method: str, url: str, data: Any = None, **kw: Any) -> Any:
        client = self.clients[persona]
        self._errors.clear()
        if method == "get":
            response = client.get(url, data or {})
        elif method == "json":
            response = client.post(url, data, content_type="application/json")
        else:
            response = client.post(url, data or {})
        self.sent += 1
        if response.status_code >= 500:
            shown = str(data) if len(str(data)) < 200 else str(data)[:200] + "…"
            errors = "; ".join(self._errors)[:300]
            status = response.status_code
            self.failures.append(f"{persona} {method.upper()} {url} {shown} -> {status} {errors}")
        if url.startswith(("/accounts/", "/admin/")) and persona in self.clients:
            self._relogin(persona)
        return response

    def _relogin(self, persona: str) -> None:
        user = getattr(self, "users", {}).get(persona)
        if user is not None:
            self.clients[persona].force_login(user)


def reaches(response: Any) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return False
    return not (response.status_code == 302 and "/login/" in response.get("Location", ""))


@pytest.fixture
def world_seeded(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # Every 4xx and 5xx is logged by django.request; the sweep reports the 5xx itself.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    logging.getLogger("django.security").setLevel(logging.CRITICAL)
    extra = fuzzing.seed(world, tmp_path)
    return world, extra


def _clients(world: Any) -> tuple[dict[str, Client], dict[str, Any]]:
    clients: dict[str, Client] = {}
    users: dict[str, Any] = {}
    for persona in PERSONAS:
        if persona == "device":
            clients[persona] = Client(
                raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {fuzzing.device_token(world)}"
            )
            continue
        client = Client(raise_request_exception=False)
        if persona != "anonymous":
            users[persona] = getattr(world, persona)
            client.force_login(users[persona])
        clients[persona] = client
    return clients, users


def _in_group(url: str, group: str) -> bool:
    if group == "/":
        return not any(url.startswith(g) for g in GROUPS if g != "/")
    return url.startswith(group)


def _sweep_url(sweep: Sweep, url: str, names: list[str], forms: dict[Any, tuple[str, Any]]) -> None:
    n = len(fuzzing.ODD)
    reacher, takes_get, takes_post = None, False, False
    for persona in REACH:
        got = sweep.send(persona, "get", url)
        if reaches(got) or got.status_code == 405:
            posted = sweep.send(persona, "post", url)
            reacher, takes_get, takes_post = persona, got.status_code != 405, posted.status_code != 405
            if got.status_code == 200 and got["Content-Type"].startswith("text/html"):
                for form in fuzzing.page_forms(url, got.content.decode()):
                    forms.setdefault(form.key, (persona, form))
            break
    for i, persona in enumerate(OTHERS):
        if persona != reacher:
            sweep.send(persona, "get" if i % 2 else "post", url, fuzzing.rotated(names, i))
    if reacher is None:
        return
    for k in range(n):
        if takes_get:
            sweep.send(reacher, "get", url, fuzzing.rotated(names, k))
        if takes_post:
            sweep.send(reacher, "post", url, fuzzing.rotated(names, k))
    if takes_post:
        sweep.send(reacher, "json", url, json.dumps(fuzzing.rotated(names, 0, TYPED_ODD)))
        sweep.send(reacher, "json", url, json.dumps([fuzzing.rotated(names, 1, fuzzing.ODD)]))
        sweep.send(reacher, "json", url, fuzzing.NESTED_JSON)
        sweep.send(reacher, "json", url, fuzzing.DEEP_JSON)


def _sweep_forms(sweep: Sweep, forms: dict[Any, tuple[str, Any]]) -> None:
    """Each form of the pages, filled in as the page fills it, with one field at a time odd: the odd value
    gets past the other fields' checks (a valid call slot, then a temperature of NaN)."""
    for persona, form in forms.values():
        path = urlsplit(form.action).path + (
            "?" + urlsplit(form.action).query if urlsplit(form.action).query else ""
        )
        for round_ in (0, 1):
            for data in fuzzing.one_field_odd(form, round_):
                sweep.send(persona, "post", path, data)


@pytest.mark.parametrize("group", GROUPS)
def test_no_url_answers_a_server_error_to_odd_input(world_seeded, group):
    world, extra = world_seeded
    clients, users = _clients(world)
    sweep = Sweep(clients)
    sweep.users = users  # type: ignore[attr-defined]
    names, prefixes = fuzzing.parameter_names(api.get_openapi_schema())
    resident_pks = [str(pk) for pk in (world.zhang_san.pk, world.li_si.pk)]
    names += [f"{p}{pk}" for p in prefixes for pk in resident_pks]
    forms: dict[Any, tuple[str, Any]] = {}
    try:
        targets = [(url, real) for _route, url, real in fuzzing.urls(world, extra) if _in_group(url, group)]
        assert targets, f"no URL pattern under {group}"
        for url, real in targets:
            if real and (not url.startswith("/admin/") or url == "/admin/login/"):
                _sweep_url(sweep, url, names, forms)
            else:  # a missing id, or the admin: refused before any parameter is read
                sweep.send("anonymous", "get", url, fuzzing.rotated(names, 0))
                sweep.send("staff_a", "post", url, fuzzing.rotated(names, 1))
        _sweep_forms(sweep, forms)
        # Second pass: whatever the first stored must still be shown (new rows are among the last pks).
        for _route, url, real in fuzzing.urls(world, extra):
            if real and _in_group(url, group) and not url.startswith("/admin/"):
                for persona in ("staff_a", "health_a", "guard_a"):
                    sweep.send(persona, "get", url)
    finally:
        sweep.close()
    assert not sweep.failures, f"{len(sweep.failures)} of {sweep.sent} requests failed:\n" + "\n".join(
        sweep.failures[:60]
    )
