from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from lianfang.core.models import AuditAction, AuditLog
from lianfang.core.requests import AuthedRequest


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    """Community staff (and command) read the audit trail of their area."""
    if AuditLog.scope.q_for(request.user) is None:
        raise Http404
    rows = AuditLog.objects.visible_to(request.user)
    action = request.GET.get("action", "")
    if action:
        rows = rows.filter(action=action)
    page = Paginator(rows.select_related("user"), 50).get_page(request.GET.get("page"))
    return render(
        request, "core/audit_list.html", {"page": page, "action": action, "actions": AuditAction.choices}
    )
