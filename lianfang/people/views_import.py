"""Import residents from a spreadsheet (check, then commit on an explicit choice) and export them.

Imports are for community staff (and superusers) only: grid workers see the registry of their grid
but do not load files into the community's registry.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from lianfang.core import bounds
from lianfang.core.errors import DomainError
from lianfang.core.roles import IMPORT_RESIDENTS
from lianfang.core.viewtools import require_role
from lianfang.people import export, tasks
from lianfang.people.models import ImportJob, ImportStatus
from lianfang.places.models import Area, AreaLevel, Compound

ERRORS_SHOWN = 2000


def _job(request: HttpRequest, pk: int) -> ImportJob:
    require_role(request.user, IMPORT_RESIDENTS)
    return get_object_or_404(
        ImportJob.objects.visible_to(request.user).select_related("community", "user"), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    require_role(request.user, IMPORT_RESIDENTS)
    communities = Area.objects.visible_to(request.user).filter(level=AreaLevel.COMMUNITY).order_by("path")
    if request.method == "POST":
        community = get_object_or_404(communities, pk=bounds.parse_id(request.POST.get("community")) or 0)
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file to upload."))
        else:
            try:
                job = tasks.create_job(user=request.user, community=community, upload=upload, request=request)
            except DomainError as err:
                messages.error(request, err.message)
            else:
                return redirect("people:import-preview", pk=job.pk)
    jobs = ImportJob.objects.visible_to(request.user).select_related("community", "user")[:10]
    return render(
        request,
        "people/import_start.html",
        {"communities": communities, "jobs": jobs, "background_rows": settings.IMPORT_BACKGROUND_ROWS},
    )


@login_required
@require_GET
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    errors = job.report.get("errors", [])
    return render(
        request,
        "people/import_preview.html",
        {
            "job": job,
            "report": job.report,
            "errors": errors[:ERRORS_SHOWN],
            "errors_hidden": max(0, len(errors) - ERRORS_SHOWN),
            "bad_rows": len({e["row"] for e in errors}),
            "can_commit": job.status == ImportStatus.PREVIEWED,
        },
    )


@login_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if request.headers.get("HX-Request") == "true" and not job.is_busy:
        return HttpResponseClientRefresh()
    return render(request, "people/import_progress.html", {"job": job})


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        job = tasks.request_commit(job=job, mode=request.POST.get("mode", ""), request=request)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        if job.status == ImportStatus.DONE:
            messages.success(request, _("{n} residents were written.").format(n=job.report.get("written", 0)))
        elif job.status == ImportStatus.PREVIEWED and job.message:
            messages.error(request, job.message)
    return redirect("people:import-preview", pk=job.pk)


@login_required
@require_GET
def export_residents(request: HttpRequest) -> HttpResponse:
    compound_id = None
    if raw := request.GET.get("compound", "").strip():
        compound = get_object_or_404(Compound.objects.visible_to(request.user), pk=bounds.parse_id(raw) or 0)
        compound_id = compound.pk
    try:
        content, _count = export.export_residents(
            user=request.user,
            q=request.GET.get("q", ""),
            compound_id=compound_id,
            full_id=request.GET.get("full_id") == "1",
            request=request,
        )
    except DomainError as err:
        if err.status == 403:
            raise PermissionDenied(err.message) from None
        raise
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{export.export_filename()}"'
    return response
