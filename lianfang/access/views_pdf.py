"""Pass sheets for printing: a compound's (or one building's) pass cards as an A4 PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from lianfang.access.models import Pass
from lianfang.access.pdf import printable_passes, printed_summary, render_pass_sheets
from lianfang.core import audit
from lianfang.core.audit import AuditAction
from lianfang.core.roles import MANAGE_PASSES
from lianfang.core.viewtools import require_role
from lianfang.places.models import Building, Compound


@login_required
def compound_passes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The compound's (or one building's, ?building=3) pass cards as an A4 PDF. Audited as an export."""
    user = request.user
    require_role(user, MANAGE_PASSES, hide=True)  # other roles: the answer of out of scope
    compound = get_object_or_404(Compound.objects.visible_to(user), pk=pk)
    building = None
    number = request.GET.get("building", "").strip()
    if number:
        building = get_object_or_404(Building.objects.visible_to(user), compound=compound, number=number)
    passes = printable_passes(Pass.objects.visible_to(user), compound=compound, building=building)
    if not passes:
        messages.error(request, _("There are no active passes to print here. Issue the passes first."))
        return redirect("places:compound-detail", pk=compound.pk)
    title = f"{compound.name} {building.number}栋" if building else compound.name
    pdf = render_pass_sheets(passes, title=title)
    audit.log(
        user=user,
        action=AuditAction.EXPORT,
        obj=compound,
        summary=printed_summary(len(passes), building),
        request=request,
    )
    # A name that says what the file holds: 山水园西区-1栋-出入证-2026-12-06.pdf.
    name = "-".join(
        [
            compound.name,
            *([f"{building.number}栋"] if building else []),
            _("passes"),
            str(timezone.localdate()),
        ]
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.pdf")
    response["Cache-Control"] = "no-store"  # the QR codes open the gate
    return response
