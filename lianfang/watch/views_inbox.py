"""The alert inbox's pages: the inbox (tabs for me / all open / resolved, filters by kind and severity, keyset
pages), one alert with its history and its buttons (acknowledge, assign, resolve, a note), and the response
times of an area. Thin: parse, look up through `visible_to`, call watch/inbox.py, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianfang.core.errors import DomainError
from lianfang.core.models import Alert, AlertStatus
from lianfang.core.roles import HANDLE_ALERTS, SET_ALERT_POLICY
from lianfang.core.viewtools import form_message, message_error, require_role
from lianfang.places.models import Area
from lianfang.watch.forms_inbox import AssignForm, FilterForm, NoteForm, PolicyForm, ResolveForm
from lianfang.watch.inbox import (
    acknowledge_alert,
    add_alert_note,
    assign_alert,
    assignee_candidates,
    resolve_alert,
    set_alert_policies,
)
from lianfang.watch.inbox_queries import Tab, alerts_for, inbox_page, policy_rows, timing, with_timing

TAB_LABELS = (
    (Tab.MINE, gettext_lazy("For me")),
    (Tab.OPEN, gettext_lazy("All open")),
    (Tab.RESOLVED, gettext_lazy("Resolved")),
)


def handler(request: HttpRequest) -> Any:
    """The user, if their role handles alerts (others: 404, as if the inbox were not there)."""
    return require_role(request.user, HANDLE_ALERTS, hide=True)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = handler(request)
    values = FilterForm(request.GET or None).values()
    page = inbox_page(user, **values)
    with_timing(page.rows)
    keep = {k: values[k] for k in ("tab", "kind", "severity") if values[k]}
    return render(
        request,
        "watch/inbox.html",
        {
            "page": page,
            **values,
            "tabs": [(value, str(label), urlencode({"tab": value})) for value, label in TAB_LABELS],
            "filter_form": FilterForm(initial=values),
            "next_query": urlencode({**keep, "before": page.next_before}) if page.next_before else "",
            "first_query": urlencode(keep) if values["before"] else "",
            "policy_area": user.area if SET_ALERT_POLICY.allows(user) and user.area_id else None,
        },
    )


def _alert(user: Any, pk: int) -> Alert:
    return get_object_or_404(
        alerts_for(user).select_related(
            "household", "household__compound", "grid", "acknowledged_by", "assigned_to", "handled_by"
        ),
        pk=pk,
    )


@login_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = handler(request)
    alert = _alert(user, pk)
    unresolved = alert.status != AlertStatus.RESOLVED
    handler_area = Area.objects.filter(path=alert.handler_path).values_list("name", flat=True).first()
    return render(
        request,
        "watch/alert_detail.html",
        {
            "alert": alert,
            "timing": timing(alert, timezone.now()),
            "handler_area": handler_area or alert.handler_path,
            "events": alert.events.select_related("by", "assignee"),
            "can_acknowledge": alert.status == AlertStatus.OPEN,
            "assign_form": AssignForm(people=assignee_candidates(alert)[:200]) if unresolved else None,
            "resolve_form": ResolveForm() if unresolved else None,
            "note_form": NoteForm(),
        },
    )


def _done(request: HttpRequest, pk: int) -> HttpResponse:
    return redirect("watch:alert-detail", pk=pk)


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user = handler(request)
    alert = _alert(user, pk)
    try:
        acknowledge_alert(user=user, alert=alert)
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("Acknowledged: it no longer goes up the tree."))
    return _done(request, pk)


@login_required
@require_POST
def alert_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = handler(request)
    alert = _alert(user, pk)
    form = AssignForm(request.POST, people=assignee_candidates(alert))
    if not form.is_valid():
        form_message(request, form)
        return _done(request, pk)
    assignee = form.cleaned_data["assignee"]
    try:
        assign_alert(user=user, alert=alert, assignee=assignee)
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("Assigned to {name}.").format(name=assignee.name or assignee.username))
    return _done(request, pk)


@login_required
@require_POST
def alert_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    user = handler(request)
    alert = _alert(user, pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
        return _done(request, pk)
    try:
        resolve_alert(user=user, alert=alert, **form.cleaned_data)
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("Resolved."))
    return _done(request, pk)


@login_required
@require_POST
def alert_note(request: HttpRequest, pk: int) -> HttpResponse:
    user = handler(request)
    alert = _alert(user, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        form_message(request, form)
        return _done(request, pk)
    try:
        add_alert_note(user=user, alert=alert, note=form.cleaned_data["note"])
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("Note added."))
    return _done(request, pk)


@login_required
def alert_policy(request: HttpRequest, code: str) -> HttpResponse:
    """The response times of an area in scope, per kind: its own, or inherited from the area above."""
    user = require_role(request.user, SET_ALERT_POLICY, hide=True)
    area = get_object_or_404(Area.objects.visible_to(user), code=code)
    rows = policy_rows(area)
    form = PolicyForm(
        request.POST or None,
        inherited={r.kind: (r.inherited, r.source) for r in rows},
        initial={r.kind: r.own for r in rows},
    )
    if request.method == "POST" and form.is_valid():
        try:
            set_alert_policies(
                user=user,
                area=area,
                minutes={
                    r.kind: form.cleaned_data[r.kind] for r in rows if form.cleaned_data[r.kind] != r.own
                },
            )
        except DomainError as err:
            message_error(request, err)
        else:
            messages.success(request, _("The response times of {area} are saved.").format(area=area.name))
            return redirect("watch:alert-policy", code=area.code)
    return render(request, "watch/alert_policy.html", {"area": area, "form": form, "rows": rows})
