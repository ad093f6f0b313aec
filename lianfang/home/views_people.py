"""The staff page of one resident: the registry's record (people) with the resident's active quarantines
(epi). It lives in home because it gathers both; people's other pages stay in people. Its URL and name
(`people:resident-detail`) did not change: lianfang/urls.py joins it into people's namespace."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lianfang.core.roles import EDIT_EPI, EDIT_REGISTRY, SEE_FULL_ID
from lianfang.epi.models import Quarantine, QuarantineStatus
from lianfang.people import services
from lianfang.people.models import Membership, TravelRecord
from lianfang.people.views import _resident


@login_required
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    resident = _resident(user, pk)
    services.audit_view(user=user, resident=resident, request=request)
    memberships = list(
        Membership.objects.visible_to(user)
        .filter(resident=resident)
        .select_related("household", "household__compound")
        .order_by("-started", "-id")
    )
    travels = list(
        TravelRecord.objects.visible_to(user).filter(resident=resident).select_related("recorded_by")
    )
    quarantines = list(
        Quarantine.objects.visible_to(user).filter(resident=resident, status=QuarantineStatus.ACTIVE)
    )
    return render(
        request,
        "people/resident_detail.html",
        {
            "resident": resident,
            "memberships": memberships,
            "travels": travels,
            "quarantines": quarantines,
            "can_epi": EDIT_EPI.allows(user),
            "can_edit": EDIT_REGISTRY.allows(user),
            "can_see_full_id": SEE_FULL_ID.allows(user),
        },
    )
