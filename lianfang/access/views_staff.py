"""Staff pages of closed management: a compound's passes and gates, the passage log, outing rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.access import exports, services, tasks
from lianfang.access.forms import OutingPolicyForm, PassageFilterForm
from lianfang.access.models import ExportStatus, OutingPolicy, Pass, PassageExport, PassKind, PassStatus
from lianfang.access.passages import COUNT_CAP, Cursor, PassageFilter, read_page
from lianfang.access.policy import policy_for_path
from lianfang.core import bounds
from lianfang.core.errors import DomainError
from lianfang.core.natural import NaturalKey
from lianfang.core.roles import MANAGE_PASSES, READ_CLOSED_MANAGEMENT, SET_OUTING_RULES
from lianfang.core.viewtools import require_role
from lianfang.places.models import Area, Compound, Gate, Household


def _staff(request: HttpRequest) -> Any:
    return require_role(request.user, READ_CLOSED_MANAGEMENT, hide=True)


@login_required
def compound_passes(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    compound = get_object_or_404(Compound.objects.visible_to(user), pk=pk)
    households = (
        Household.objects.visible_to(user)
        .filter(compound=compound)
        .prefetch_related(
            Prefetch("passes", queryset=Pass.objects.exclude(status=PassStatus.REVOKED).order_by("id"))
        )
        .order_by(NaturalKey("label"), "pk")
    )
    page = Paginator(households, 100).get_page(request.GET.get("page"))
    kinds = dict(PassKind.choices)
    gates = list(Gate.objects.filter(compound=compound).order_by("name"))
    for g in gates:
        g.kind_labels = [str(kinds.get(k, k)) for k in g.accepted_kinds.split()]  # type: ignore[attr-defined]
    return render(
        request,
        "access/compound_passes.html",
        {
            "compound": compound,
            "page": page,
            "gates": gates,
            "can_manage": MANAGE_PASSES.allows(user),
            "policy": policy_for_path(compound.path),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def compound_issue(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    compound = get_object_or_404(Compound.objects.visible_to(user), pk=pk)
    try:
        valid_to = bounds.parse_date(request.POST.get("valid_to"), bounds.PLAN, field="valid_to")
        result = services.issue_household_passes(user=user, compound=compound, valid_to=valid_to)
        messages.success(
            request,
            _("{n} household passes issued; {m} households already had one.").format(
                n=result.created, m=result.skipped
            ),
        )
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("access:compound-passes", pk=compound.pk)


ACTIONS: dict[str, Any] = {
    "suspend": services.suspend_pass,
    "resume": services.resume_pass,
    "revoke": services.revoke_pass,
    "reissue": services.reissue_pass,
}


@login_required
@require_POST
def pass_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    p = get_object_or_404(Pass.objects.visible_to(user), pk=pk)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Unknown action."))
    else:
        try:
            action(user=user, p=p, reason=request.POST.get("reason", ""))
            messages.success(request, _("Pass {number}: done.").format(number=p.display_number))
        except DomainError as err:
            messages.error(request, err.message)
    if p.compound_id is None:
        return redirect("access:passage-log")
    return redirect("access:compound-passes", pk=p.compound_id)


@login_required
@require_POST
def gate_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    gate = get_object_or_404(Gate.objects.visible_to(user), pk=pk)
    try:
        services.set_gate_open(user=user, gate=gate, is_open=request.POST.get("open") == "1")
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("access:compound-passes", pk=gate.compound_id)


def _filter_data(request: HttpRequest) -> Any:
    """The gate log's filter as asked (the cursor apart); None when nothing was (the default view)."""
    data = request.GET.copy()
    data.pop("before", None)
    return data or None


def _filter_words(form: PassageFilterForm, f: PassageFilter) -> list[str]:
    """The filter as the audit trail says it: the days, the place, the answer, the household."""
    data = form.cleaned_data if form.is_bound else {}
    words = [_("{start} to {end}").format(start=f.start.isoformat(), end=f.end.isoformat())]
    for name in ("compound", "gate", "direction", "decision", "code"):
        value = data.get(name)
        if value:
            choices = dict(getattr(form.fields[name], "choices", []))
            words.append(str(choices.get(value, value)))
    if data.get("household"):
        words.append(_("household “{text}”").format(text=data["household"][:100]))
    return words


def _log_page(request: HttpRequest, form: PassageFilterForm, page: Any) -> HttpResponse:
    raw = _filter_data(request)
    query = form.query() if form.passage_filter() is not None else (raw.urlencode() if raw else "")
    too_long = form.has_error(NON_FIELD_ERRORS, "window_too_long")
    return render(
        request,
        "access/passage_log.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "too_long": too_long,
            "count_cap": COUNT_CAP,
            "count_cap_text": f"{COUNT_CAP:,}",
        },
    )


@login_required
def passage_log(request: HttpRequest) -> HttpResponse:
    """The gate log: the filter's days (today by default), newest first, PAGE_SIZE at a time before the
    `before` cursor (a malformed one shows the newest page)."""
    user = _staff(request)
    form = PassageFilterForm(_filter_data(request), user=user)
    f = form.passage_filter()
    before = Cursor.parse(request.GET.get("before"))
    page = read_page(user, f, before, count=before is None, scope=form.scope) if f is not None else None
    return _log_page(request, form, page)


@login_required
def passage_export(request: HttpRequest) -> HttpResponse:
    """The log's filter to Excel, any number of days: at once when small, else on the worker."""
    user = _staff(request)
    form = PassageFilterForm(_filter_data(request), user=user, max_days=None)
    f = form.passage_filter()
    if f is None:
        return _log_page(request, form, None)
    words = _filter_words(form, f)
    if exports.too_large_for_request(user, f):
        tasks.start_passage_export(user=user, f=f, words=words)
        messages.success(
            request,
            _(
                "More than {n} passages: the export is being written in the background. "
                "It will be listed here when it is ready, for one day."
            ).format(n=f"{exports.DIRECT_ROWS:,}"),
        )
        return redirect("access:passage-exports")
    response = HttpResponse(
        exports.export_now(user=user, f=f, words=words, request=request),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="passages-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@login_required
def passage_exports(request: HttpRequest) -> HttpResponse:
    """The user's own background exports of the gate log, of the last day."""
    user = _staff(request)
    since = timezone.now() - exports.KEEP
    rows = list(PassageExport.objects.visible_to(user).filter(user=user, created_at__gte=since)[:50])
    return render(
        request,
        "access/passage_log_exports.html",
        {"exports": rows, "busy": any(e.is_busy for e in rows), "max_rows": f"{exports.MAX_ROWS:,}"},
    )


@login_required
def passage_export_file(request: HttpRequest, pk: int) -> FileResponse:
    """A finished background export, to the user who asked for it (each download audited)."""
    user = _staff(request)
    export = get_object_or_404(
        PassageExport.objects.visible_to(user).filter(user=user, status=ExportStatus.DONE).exclude(file=""),
        pk=pk,
    )
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    exports.log_export(user=user, n=export.rows, words=[export.summary], request=request)
    name = f"passages-{timezone.localtime(export.created_at):%Y%m%d-%H%M}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=name)


@login_required
def policy_edit(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    require_role(user, SET_OUTING_RULES, hide=True)
    area = get_object_or_404(Area.objects.visible_to(user), code=code)
    instance = OutingPolicy.objects.filter(area=area).first()
    effective = policy_for_path(area.path)
    form = OutingPolicyForm(
        request.POST or None,
        instance=instance or OutingPolicy(area=area),
        initial={"exempt": sorted(effective.exempt_kinds)},
    )
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in OutingPolicyForm.Meta.fields}
        values["exempt_kinds"] = " ".join(form.cleaned_data["exempt"])
        try:
            services.set_outing_policy(user=user, area=area, **values)
            messages.success(request, _("The outing rule of {area} is saved.").format(area=area.name))
            return redirect("access:policy", code=area.code)
        except DomainError as err:
            form.add_error(None, err.message)
    return render(
        request,
        "access/policy_edit.html",
        {"area": area, "form": form, "own": instance, "effective": effective},
    )
