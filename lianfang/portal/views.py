"""The household's own page behind a secret link (no login), and the staff page that shows or renews it.

The secret link is the household's credential: the page shows the pass QR, so it is never cached,
never indexed and never sent on as a Referer. It carries no names and no ID numbers.

The link follows the household through its quarantine. Once the household is released (no active
quarantine and no hold left, and at least one quarantine ended by release or by the end of a lockdown),
the page shows only "released on ... — thank you": no pass QR, no self-report, no errands, and posts do
nothing. LINK_DAYS_AFTER_RELEASE days (settings, default 7) after the release the link is gone (410).

Guessing links is throttled per client address: LINK_GUESS_LIMIT wrong keys within LINK_GUESS_MINUTES
(counted in Django's cache from the first one) and the address gets 429 for every link, right or wrong,
until that window ends — so the answer never tells a right key from a wrong one.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.cache import cache
from django.db.models import Max, Min, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from lianfang.access.models import Pass, PassKind, PassStatus
from lianfang.access.pdf import PRINTABLE
from lianfang.access.policy import policy_for_path
from lianfang.access.services import ensure_link_key, outing_status
from lianfang.care.calls import next_call_window
from lianfang.care.forms import ConfirmForm, ErrandForm
from lianfang.care.models import CareTeamMember, Errand, ErrandStatus, TeamRole
from lianfang.care.services import confirm_errand, raise_errand
from lianfang.core import audit
from lianfang.core.audit import AuditAction, client_ip
from lianfang.core.bounds import parse_id
from lianfang.core.errors import DomainError
from lianfang.core.masking import mask_name
from lianfang.core.roles import SEE_OWN_HOUSEHOLD, SHARE_HOUSEHOLD_LINK
from lianfang.core.viewtools import require_role
from lianfang.epi.forms import SelfReportForm
from lianfang.epi.models import HealthCheck, Quarantine, QuarantineStatus
from lianfang.epi.services import record_health_check
from lianfang.notices.queries import household_notices
from lianfang.notices.services import acknowledge, mark_read
from lianfang.people.models import Resident
from lianfang.places.models import Household
from lianfang.watch.risk import level_for_household

KIND_ORDER = {PassKind.HOUSEHOLD: 0, PassKind.PERSON: 1, PassKind.VEHICLE: 2, PassKind.WORK: 3}
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


def _qr_svg(text: str) -> str:
    """An inline SVG QR (error correction M, white quiet zone) that scales with its container."""
    qr = segno.make_qr(text, error="m", boost_error=False)
    return mark_safe(qr.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True))


# No CSRF check: the page is authorised by the secret key in its URL, not by a cookie a forged request
# could ride on; and with "Referrer-Policy: no-referrer" browsers send "Origin: null" on its own form
# posts, which Django's origin check refuses (the household's self-report and errands never went through).
# No login either: the key is the household's credential.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def household_link(request: HttpRequest, key: str) -> HttpResponse:
    """The household's own page: its pass QR, exits used and left, the next allowed exit, its quarantine
    (day N of M) and a self-report of each member's temperature and symptoms (POST). No login."""
    guesses_key = "link-guesses:{}".format(client_ip(request) or "-")
    if cache.get(guesses_key, 0) >= settings.LINK_GUESS_LIMIT:
        return _private(_throttled(request, guesses_key))
    household = None
    if key and len(key) <= 32:
        household = Household.objects.select_related("compound").filter(link_key=key).first()
    if household is None:
        _count_guess(guesses_key)
        raise Http404
    return _private(household_page(request, household, here=reverse("access:household-link", args=[key])))


def household_page(request: HttpRequest, household: Household, *, here: str) -> HttpResponse:
    """The household's page (GET) and its forms (POST: self-report, errand, confirm a delivery), answered
    at `here`: the secret link, or the resident's own login (my_household)."""
    today = timezone.localdate()
    released_on = _released_on(household, today)
    if released_on is not None:
        last_day = released_on + datetime.timedelta(days=settings.LINK_DAYS_AFTER_RELEASE)
        if today > last_day:
            response = render(request, "access/household_link_gone.html", status=410)
        elif request.method == "POST":
            response = redirect(here)  # nothing to report or ask for any more
        else:
            response = render(
                request,
                "access/household_link_released.html",
                {
                    "household": household,
                    "released_on": released_on,
                    "last_day": last_day,
                },
            )
        return response
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "errand":
            _raise_errand(request, household)
        elif action == "confirm":
            _confirm_errand(request, household)
        elif action == "ack":
            _acknowledge_notice(request, household)
        else:
            _self_report(request, household)
        return redirect(here)
    passes = sorted(
        Pass.objects.filter(household=household, status__in=PRINTABLE),
        key=lambda p: (KIND_ORDER.get(p.kind, 9), -p.pk),
    )
    cards = [
        {
            "pass": p,
            "svg": _qr_svg(p.qr_text),
            "suspended": p.status == PassStatus.SUSPENDED,
            "expired": p.valid_to < today,
            "not_yet": p.valid_from > today,
        }
        for p in passes
    ]
    status = outing_status(household)
    policy = policy_for_path(household.path)
    held = household.exits_held_until is not None and household.exits_held_until >= today
    context = {
        "household": household,
        "cards": cards,
        "status": status,
        "today": today,
        "now": timezone.now(),
        "policy_text": _("{n} exit(s) per {days} day(s)").format(
            n=status.exits_per_period, days=status.period_days
        ),
        "closed_from": policy.closed_from,
        "closed_until": policy.closed_until,
        "may_go_out_today": status.left > 0 and not status.suspended and not held,
        "held": held,
        "held_until": household.exits_held_until if held else None,
        "held_open_ended": held and household.held_open_ended,
        "held_day": _held_day(household, today) if held else None,
        "risk": level_for_household(household, day=today),
        **_quarantine_context(household, today),
        **_care_context(household, held),
        **_notices_context(household, here),
    }
    return render(request, "access/household_link.html", context)


# No login: the key is the household's credential.
@login_not_required
@require_http_methods(["GET"])
def household_link_attachment(request: HttpRequest, key: str, pk: int) -> Any:
    """The attachment of a notice the household received (its secret link; wrong keys count as guesses)."""
    guesses_key = "link-guesses:{}".format(client_ip(request) or "-")
    if cache.get(guesses_key, 0) >= settings.LINK_GUESS_LIMIT:
        return _private(_throttled(request, guesses_key))
    household = Household.objects.filter(link_key=key).first() if key and len(key) <= 32 else None
    if household is None:
        _count_guess(guesses_key)
        raise Http404
    return _attachment(household.pk, pk)


@require_http_methods(["GET"])
def my_household_attachment(request: HttpRequest, pk: int) -> Any:
    user = require_role(request.user, SEE_OWN_HOUSEHOLD, hide=True)
    household = get_object_or_404(Household.objects.visible_to(user))
    return _attachment(household.pk, pk)


def _attachment(household_id: int, notice_id: int) -> Any:
    notice = next((i["notice"] for i in household_notices(household_id) if i["notice"].pk == notice_id), None)
    if notice is None or not notice.attachment:
        raise Http404
    response = FileResponse(notice.attachment.open("rb"), as_attachment=False)
    for header, value in PRIVATE_HEADERS.items():
        response[header] = value
    return response


def _notices_context(household: Household, here: str) -> dict[str, Any]:
    """The household's live notices (shown here, so marked read) with their acknowledge buttons."""
    items = household_notices(household.pk)
    mark_read(recipient_ids=[i["row"].pk for i in items if i["row"].read_at is None])
    return {"notices_list": items, "ack_url": here}


def _acknowledge_notice(request: HttpRequest, household: Household) -> None:
    """The household acknowledges a notice from its own page (the link or the login is the credential)."""
    rid = parse_id(request.POST.get("recipient"))
    try:
        acknowledge(recipient_id=rid or 0, household_id=household.pk)
    except DomainError as err:
        if err.status == 404:
            raise Http404 from None
        messages.error(request, err.message)
        return
    messages.success(request, _("Thank you: acknowledged."))


@require_http_methods(["GET", "POST"])
def my_household(request: HttpRequest) -> HttpResponse:
    """A resident's own login: their household's page, the same as the secret link shows."""
    user = request.user
    require_role(user, SEE_OWN_HOUSEHOLD, hide=True)
    household = get_object_or_404(Household.objects.visible_to(user).select_related("compound"))
    response = household_page(request, household, here=reverse("access:my-household"))
    response["Cache-Control"] = "no-store"
    return response


def _private(response: HttpResponse) -> HttpResponse:
    for header, value in PRIVATE_HEADERS.items():
        response[header] = value
    return response


def _count_guess(guesses_key: str) -> None:
    """One more wrong key from this address, counted from its first one (the window does not slide)."""
    seconds = settings.LINK_GUESS_MINUTES * 60
    cache.add(guesses_key + ":since", timezone.now(), timeout=seconds)
    if not cache.add(guesses_key, 1, timeout=seconds):
        try:
            cache.incr(guesses_key)
        except ValueError:  # the window ended between the two calls
            cache.add(guesses_key, 1, timeout=seconds)


def _throttled(request: HttpRequest, guesses_key: str) -> HttpResponse:
    """429 for an address that guessed too many links, saying when it may try again."""
    window = datetime.timedelta(minutes=settings.LINK_GUESS_MINUTES)
    first = cache.get(guesses_key + ":since") or timezone.now()
    seconds = max(60, math.ceil((first + window - timezone.now()).total_seconds()))
    minutes = math.ceil(seconds / 60)
    response = render(request, "access/household_link_throttled.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def _released_on(household: Household, today: datetime.date) -> datetime.date | None:
    """The day the household was released: the last end of a quarantine of it or of its members by release
    or by a lockdown's end, once none is active and the household is not held (None: not released)."""
    if household.exits_held_until is not None and household.exits_held_until >= today:
        return None
    theirs = Quarantine.objects.filter(Q(household=household) | Q(resident__household=household))
    if theirs.filter(status=QuarantineStatus.ACTIVE).exists():
        return None
    ended = theirs.filter(status__in=(QuarantineStatus.RELEASED, QuarantineStatus.LIFTED))
    return ended.aggregate(last=Max("ended_on"))["last"]


def _held_day(household: Household, today: datetime.date) -> dict[str, int] | None:
    """The household's day of home quarantine: day N since its members' earliest active quarantine began,
    of M days up to the hold's last day (M is None while the hold has no last day)."""
    first = Quarantine.objects.filter(
        Q(household=household) | Q(resident__household=household), status=QuarantineStatus.ACTIVE
    ).aggregate(first=Min("start"))["first"]
    if first is None or first > today:
        return None
    until = household.exits_held_until
    days = None if until is None or household.held_open_ended else (until - first).days + 1
    return {"day": (today - first).days + 1, "days": days}


def _quarantine_context(household: Household, today: Any) -> dict[str, Any]:
    """The members' active quarantines (day N of M, last day) and today's self-reports, names masked."""
    members = list(Resident.objects.filter(household=household).order_by("id"))
    quarantines = Quarantine.objects.filter(household=household, status=QuarantineStatus.ACTIVE).order_by(
        "planned_end", "id"
    )
    reported: dict[int, Any] = {}
    for check in HealthCheck.objects.filter(household=household, date=today).order_by("recorded_at", "id"):
        reported[check.resident_id] = check
    return {
        "quarantines": [
            {
                "name": mask_name(q.resident.name),
                "relation": q.resident.get_relation_display(),
                "kind": q.get_kind_display(),
                "day": q.day_number(today),
                "days": q.days,
                "last_day": q.planned_end,
                "start": q.start,
            }
            for q in quarantines.select_related("resident")
        ],
        "members": [
            {
                "pk": m.pk,
                "name": mask_name(m.name),
                "relation": m.get_relation_display(),
                "today": reported.get(m.pk),
            }
            for m in members
        ],
        "symptom_choices": SelfReportForm.base_fields["symptoms"].choices,  # type: ignore[attr-defined]
    }


def _care_context(household: Household, held: bool) -> dict[str, Any]:
    """Care of a household in home quarantine: the next call window, its care team (names and phones),
    its errands (raise one, confirm a delivered one). Names of residents never appear here."""
    errands = list(Errand.objects.filter(household=household).order_by("-created_at", "-id")[:10])
    if not held:
        return {"care_errands": [e for e in errands if e.status == ErrandStatus.DELIVERED]}
    members = (
        CareTeamMember.objects.filter(team__household=household, team__ended__isnull=True)
        .select_related("user")
        .order_by("id")
    )
    order = list(TeamRole.values)
    team = [
        {"role": m.get_role_display(), "name": m.user.name or m.user.username, "phone": m.user.phone}
        for m in sorted(members, key=lambda m: order.index(m.role) if m.role in order else len(order))
    ]
    window = next_call_window(household)
    return {
        "care": True,
        "next_call": {"starts": window[0], "ends": window[1]} if window else None,
        "care_team": team,
        "care_errands": errands,
        "errand_form": ErrandForm(),
    }


def _raise_errand(request: HttpRequest, household: Household) -> None:
    """The household asks for an errand from its own page (user None: the link is the credential)."""
    form = ErrandForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what kind of errand and say what is needed."))
        return
    try:
        raise_errand(
            user=None,
            household=household,
            category=form.cleaned_data["category"],
            details=form.cleaned_data["details"],
        )
    except DomainError as err:
        messages.error(request, err.message)
        return
    messages.success(request, _("Sent. Your care team will take care of it; follow it below."))


def _confirm_errand(request: HttpRequest, household: Household) -> None:
    """The household confirms that a delivered errand arrived (and what it paid back)."""
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the money paid back in yuan, e.g. 35.50, or leave it empty."))
        return
    try:
        confirm_errand(
            errand=form.cleaned_data["errand"],
            household=household,
            money_repaid=form.cleaned_data["money_repaid"],
        )
    except DomainError as err:
        if err.status == 404:
            raise Http404 from None
        messages.error(request, err.message)
        return
    messages.success(request, _("Thank you: confirmed."))


def _self_report(request: HttpRequest, household: Household) -> None:
    """One member's reading from the household's own page: recorded with user=None (source self)."""
    form = SelfReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the temperature, e.g. 36.5, and tick any symptoms."))
        return
    member = Resident.objects.filter(household=household, pk=form.cleaned_data["member"]).first()
    if member is None:
        messages.error(request, _("This person is not a member of the household."))
        return
    try:
        check = record_health_check(
            user=None,
            resident=member,
            household=household,
            temperature=form.cleaned_data["temperature"],
            symptoms=form.cleaned_data["symptoms"],
            source="self",
        )
    except DomainError as err:
        messages.error(request, err.message)
        return
    if check.abnormal:
        messages.warning(request, _("Recorded. Your reading is not normal: the health worker has been told."))
    else:
        messages.success(request, _("Recorded, thank you."))


@login_required
@require_http_methods(["GET", "POST"])
def household_link_renew(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff show a household its secret link (GET), create it or replace it (POST renew=1)."""
    user = request.user
    require_role(user, SHARE_HOUSEHOLD_LINK, hide=True)
    household = get_object_or_404(Household.objects.visible_to(user).select_related("compound"), pk=pk)
    if request.method == "POST":
        renew = request.POST.get("renew") == "1"
        had_key = bool(household.link_key)
        key = ensure_link_key(household=household, renew=renew)
        if renew or not had_key:
            audit.log(
                user=user,
                action=AuditAction.CHANGE,
                obj=household,
                summary=_("Household link renewed: the old link no longer works")
                if had_key
                else _("Household link created"),
                request=request,
            )
        new_url = request.build_absolute_uri(reverse("access:household-link", args=[key]))
        if renew and had_key:
            messages.success(
                request, _("New household link: {url} — the old link no longer works.").format(url=new_url)
            )
        else:
            messages.success(request, _("Household link: {url}").format(url=new_url))
        return redirect("places:household-detail", pk=household.pk)
    url: str | None = None
    svg: str | None = None
    if household.link_key:
        url = request.build_absolute_uri(reverse("access:household-link", args=[household.link_key]))
        svg = _qr_svg(url)  # the resident scans it with their phone to open the page
        audit.log(
            user=user,
            action=AuditAction.VIEW,
            obj=household,
            summary=_("Household link and its QR code shown"),
            request=request,
        )
    response = render(
        request, "access/household_link_manage.html", {"household": household, "url": url, "svg": svg}
    )
    for header, value in PRIVATE_HEADERS.items():
        response[header] = value
    return response
