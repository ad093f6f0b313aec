"""Schemathesis over the JSON API, against the app's own schema (/api/v1/openapi.json), through the WSGI
application: no answer is a 5xx, every status is declared in the schema, and every body and content type
is the one the schema promises. Bounded (MAX_EXAMPLES per operation and phase) to stay well under a minute.

Requests carry the token of community A's health worker (the gate endpoint: a gate device's token); one
generated case in two is sent with the ids of real rows of the world (a case, a household, a resident) in
place of random ones, so that the endpoints' own code, not only their 404, meets the odd values.
"""

from __future__ import annotations

import logging
import zlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from lianfang.core.tests import fuzzing

MAX_EXAMPLES = 25
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def headers(request, world, settings, tmp_path):
    """Authorization headers by operation path, and the world's real ids by parameter name."""
    from lianfang.accounts.models import ApiToken

    settings.MEDIA_ROOT = tmp_path
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    fuzzing.seed(world, tmp_path)
    # As Django's test client does around each of its requests (after the seeding, which uses it): the WSGI
    # handler would otherwise close the test's database connection, inside its transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request.addfinalizer(lambda: request_started.connect(close_old_connections))
    request.addfinalizer(lambda: request_finished.connect(close_old_connections))
    _row, staff = ApiToken.issue(world.health_a, "schemathesis")
    return {
        "staff": {"Authorization": f"Bearer {staff}"},
        "device": {"Authorization": f"Bearer {fuzzing.device_token(world)}"},
        "ids": _real_ids(world),
    }


def _real_ids(world):
    from lianfang.epi.models import Case

    return {
        "case_id": Case.objects.order_by("pk").values_list("pk", flat=True).first(),
        "household_id": world.household_a1.pk,
        "household": world.household_a1.pk,
        "resident_id": world.zhang_san.pk,
    }


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@pytest.mark.django_db
def test_the_api_answers_as_its_schema_says_and_never_a_5xx(case, headers):
    who = "device" if case.path.endswith("/gate/scans") else "staff"
    if zlib.crc32(repr((case.path_parameters, case.body)).encode()) % 2:
        for values in (case.path_parameters, case.query, case.body):
            if isinstance(values, dict):
                for name in values:
                    if headers["ids"].get(name):
                        values[name] = headers["ids"][name]
    # Uncompressed: schemathesis' WSGI transport reads the body as sent, and gzip is tested on its own
    # (test_compressed_responses.py).
    response = case.call(headers={**headers[who], "Accept-Encoding": "identity"})
    case.validate_response(response, checks=CHECKS)
