from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and the database's state (reachable, and PostgreSQL's version: "15.10"), for load
    balancers and operators."""
    db: dict[str, object]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version')")
            (version,) = cursor.fetchone()
        db = {"ok": True, "server_version": version.split()[0]}  # without the packager's " (Debian …)"
    except Exception as exc:  # the point of a health check is to report, not to raise
        db = {"ok": False, "error": exc.__class__.__name__}
    status = 200 if db["ok"] else 503
    return JsonResponse(
        {"status": "ok" if db["ok"] else "error", "database": db, "time": timezone.now()}, status=status
    )
