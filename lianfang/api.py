"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json): the root, outside the layers, adds each
app's router."""

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from lianfang.access.api import router as access_router
from lianfang.accounts.api_auth import STAFF_AUTH
from lianfang.core.api_schema import declare_error_responses
from lianfang.core.bounds import BoundedParser
from lianfang.core.errors import DomainError
from lianfang.epi.api import router as epi_router
from lianfang.mobilize.api import router as mobilize_router
from lianfang.notices.api import router as notices_router
from lianfang.people.api import router as people_router
from lianfang.places.api import router as places_router
from lianfang.supplies.api import router as supplies_router
from lianfang.supplies.api_setup import router as supplies_setup_router
from lianfang.watch.api_inbox import router as watch_inbox_router
from lianfang.watch.api_report import router as watch_report_router
from lianfang.watch.api_risk import router as watch_risk_router
from lianfang.watch.api_stats import router as watch_stats_router


class LianfangAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """The schema with the error answers of every operation (core.api_schema)."""
        return declare_error_responses(super().get_openapi_schema(**kwargs))


api = LianfangAPI(
    title="Lianfang API",
    version="1",
    description='Community epidemic prevention and control. Errors answer {"code", "message"}.',
    auth=STAFF_AUTH,
    urls_namespace="api",
    parser=BoundedParser(),
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"code": "not_found", "message": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    return api.create_response(
        request, {"code": "unauthorized", "message": _("Log in or send a valid API token.")}, status=401
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, DomainError):  # the body parser's refusal (core.bounds.load_json)
        return domain_error(request, exc.__cause__)
    if exc.status_code == 400:  # django-ninja raises this when the body does not parse
        body = {"code": "malformed_json", "message": _("The request body is not valid JSON.")}
    else:
        body = {"code": "error", "message": str(exc)}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    return api.create_response(
        request,
        {"code": "invalid", "message": _("The request is not valid."), "errors": exc.errors},
        status=422,
    )


@api.get("/ping", auth=None, summary="Reachability check for gate devices (no database, no login)")
def ping(request):
    return {"ok": True}


api.add_router("", places_router)
api.add_router("", people_router)
api.add_router("", access_router)
api.add_router("", epi_router)
api.add_router("", supplies_router)
api.add_router("", supplies_setup_router)
api.add_router("", mobilize_router)
api.add_router("", watch_inbox_router)
api.add_router("", watch_risk_router)
api.add_router("", watch_report_router)
api.add_router("", watch_stats_router)
api.add_router("", notices_router)
