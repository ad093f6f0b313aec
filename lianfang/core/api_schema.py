"""The error answers of the JSON API, declared in its OpenAPI schema for every operation.

Every refusal has the same body, `{"code", "message"}` (plus `field` for a refused field and `errors` for a
422), so the statuses are declared once here instead of on each endpoint:

- 413 `body_too_large` on every operation (core.bounds.BodySizeLimitMiddleware answers before any view);
- with authentication: 401 `unauthorized`, 403 (a role that may not do this), 404 (`not_found`: missing
  or out of scope), 400 (a refusal of a service, with its code);
- with parameters or a body: 400 (`malformed_json`, `json_too_deep`, a value outside core.bounds' windows)
  and 422 (`invalid`: a parameter or field of the wrong type, or missing).

`read_body` / `documented_body`: an endpoint on a row reads its body only after the row was found in
scope, so that a row out of scope answers 404 whatever the body.
"""

from __future__ import annotations

from typing import Any

import pydantic
from ninja import Schema
from ninja.errors import ValidationError

from lianfang.core.bounds import load_json

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "A stable code, e.g. not_found, onset_too_early."},
        "message": {"type": "string", "description": "In the request's language (zh-hans or en)."},
        "field": {"type": "string", "description": "The refused field, when there is one."},
        "errors": {"type": "array", "items": {"type": "object"}, "description": "422: each invalid value."},
    },
    "required": ["code", "message"],
}
DESCRIPTIONS = {
    400: "Refused: malformed or too deeply nested JSON, a value out of bounds, or a rule of the service.",
    401: "No valid API token or session.",
    403: "Your role may not do this.",
    404: "Not found, or outside your scope.",
    413: "The request body is too large.",
    422: "A parameter or field is missing or of the wrong type.",
}


def declare_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error answers each operation can give (see the module docstring) to `schema`, in place."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            statuses = {413}
            if operation.get("security"):
                statuses |= {400, 401, 403, 404}
            if operation.get("parameters") or operation.get("requestBody"):
                statuses |= {400, 422}
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses):
                responses.setdefault(
                    str(status),
                    {
                        "description": DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return schema


def read_body(request: Any, schema: type[Schema]) -> Any:
    """The JSON body as `schema`, for an endpoint that reads it itself after finding its row in scope (so
    that a row out of scope answers 404 whatever the body): malformed JSON 400, a missing or mistyped field
    422, like ninja's own bodies."""
    try:
        return schema.model_validate(load_json(request.body or b"null"))
    except pydantic.ValidationError as err:
        errors = err.errors(include_url=False, include_context=False, include_input=False)
        raise ValidationError([{**e, "loc": ("body", "payload", *e["loc"])} for e in errors]) from None


def documented_body(schema: type[Schema]) -> dict[str, Any]:
    """The body of an endpoint that reads it with `read_body`, for the OpenAPI schema (`openapi_extra`)."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }
