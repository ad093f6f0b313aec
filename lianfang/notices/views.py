"""The staff's pages of notices: the list, a draft with the audience builder and its live count, a notice's
page (approve, publish, withdraw, its counts per grid), the board of one grid (who has not read, who has not
acknowledged; remind the rest; record a slip brought back), the printed letters of a grid. And the
acknowledge button of an account's own notices (every role's home)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lianfang.core.errors import DomainError
from lianfang.core.roles import (
    APPROVE_NOTICES,
    READ_NOTICE_BOARDS,
    RECORD_SLIPS,
    REMIND_NOTICES,
    WRITE_NOTICES,
)
from lianfang.core.viewtools import form_error, message_error, next_or, require_role
from lianfang.notices import queries, services, tasks
from lianfang.notices.audience import AudienceSpec, count_audience
from lianfang.notices.forms import NoticeForm, SlipForm
from lianfang.notices.models import AckUnit, AckVia, NoticeStatus, Recipient
from lianfang.notices.pdf import render_letters
from lianfang.notices.text import render_body
from lianfang.places.models import Grid

PAGE = 50


def _reader(request: HttpRequest) -> Any:
    return require_role(request.user, READ_NOTICE_BOARDS, hide=True)


def _notice(user: Any, pk: int) -> Any:
    notice = queries.notice_for(user, pk)
    if notice is None:
        raise Http404
    return notice


@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    notices = list(queries.notices_for(user).order_by("-created_at", "-id")[:PAGE])
    return render(request, "notices/list.html", {"notices": notices, "can_write": WRITE_NOTICES.allows(user)})


@require_http_methods(["GET", "POST"])
def notice_create(request: HttpRequest) -> HttpResponse:
    user = require_role(_reader(request), WRITE_NOTICES)
    form = NoticeForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            notice = services.create_draft(
                user=user,
                kind=d["kind"],
                title=d["title"],
                body=d["body"],
                area=d["area"],
                compound=d.get("compound"),
                audiences=d["audiences"],
                tags=d["tags"],
                ack_unit=d["ack_unit"],
                expires_at=d["expires_at"],
                attachment=d["attachment"],
            )
        except DomainError as err:
            form_error(form, err)
        else:
            messages.success(request, _("Draft saved. Another person approves it before it is published."))
            return redirect("notices:detail", pk=notice.pk)
    return render(request, "notices/create.html", {"form": form})


@require_GET
def audience_count(request: HttpRequest) -> HttpResponse:
    """The live count of the draft form (htmx): what publishing would reach now."""
    user = require_role(_reader(request), WRITE_NOTICES)
    form = NoticeForm(request.GET, user=user)
    form.is_valid()
    d = form.cleaned_data
    count = None
    if d.get("area") is not None:
        spec = AudienceSpec(
            area=d["area"],
            compound=d.get("compound"),
            audiences=tuple(d.get("audiences") or ()),
            tags=tuple(d.get("tags") or ()),
        )
        count = count_audience(
            spec, today=timezone.localdate(), per_person=d.get("ack_unit") == AckUnit.PERSON
        )
    return render(request, "notices/_count.html", {"count": count})


@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    notice = _notice(user, pk)
    published = notice.status in (NoticeStatus.PUBLISHED, NoticeStatus.WITHDRAWN, NoticeStatus.EXPIRED)
    own = notice.path.startswith(user.scope_path) if user.scope_path else user.is_superuser
    return render(
        request,
        "notices/detail.html",
        {
            "notice": notice,
            "body": render_body(notice.body),
            "grids": queries.counts_per_grid(user, notice) if published else [],
            "can_approve": own
            and APPROVE_NOTICES.allows(user)
            and notice.status == NoticeStatus.DRAFT
            and (notice.author_id != user.pk or user.is_superuser),
            "can_publish": own and APPROVE_NOTICES.allows(user) and notice.status == NoticeStatus.APPROVED,
            "can_withdraw": own
            and APPROVE_NOTICES.allows(user)
            and notice.status in (NoticeStatus.DRAFT, NoticeStatus.APPROVED, NoticeStatus.PUBLISHED),
            # The whole audience is reminded by the staff of the notice's area; the others remind per grid.
            "can_remind": own and REMIND_NOTICES.allows(user) and notice.status == NoticeStatus.PUBLISHED,
        },
    )


def _step(request: HttpRequest, pk: int, step: Any, done: str) -> HttpResponse:
    user = require_role(_reader(request), APPROVE_NOTICES)
    notice = _notice(user, pk)
    try:
        step(user=user, notice=notice)
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, done)
    return redirect("notices:detail", pk=pk)


@require_POST
def notice_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.approve_notice, _("Approved."))


@require_POST
def notice_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.withdraw_notice, _("Withdrawn."))


@require_POST
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Small audiences are published in the request; large ones on the background worker."""
    user = require_role(_reader(request), APPROVE_NOTICES)
    notice = _notice(user, pk)
    try:
        services.check_publishable(user=user, notice=notice)
        size = count_audience(
            AudienceSpec.of(notice), today=timezone.localdate(), per_person=notice.ack_unit == AckUnit.PERSON
        )["total"]
        if size > settings.NOTICE_BACKGROUND_RECIPIENTS:
            tasks.publish_in_background.enqueue(notice.pk, user.pk)
            messages.success(request, _("Publishing to {n} recipients in the background.").format(n=size))
        else:
            notice = services.publish_notice(user=user, notice=notice)
            messages.success(request, _("Published to {n} recipients.").format(n=notice.recipient_count))
    except DomainError as err:
        message_error(request, err)
    return redirect("notices:detail", pk=pk)


def _grid(user: Any, grid_id: int) -> Grid:
    return get_object_or_404(Grid.objects.visible_to(user), pk=grid_id)


@require_GET
def grid_board(request: HttpRequest, pk: int, grid_id: int) -> HttpResponse:
    user = _reader(request)
    notice = _notice(user, pk)
    grid = _grid(user, grid_id)
    rows = queries.grid_board(user, notice, grid)
    return render(
        request,
        "notices/board.html",
        {
            "notice": notice,
            "grid": grid,
            "rows": rows,
            "not_read": sum(1 for r in rows if r.read_at is None),
            "not_acknowledged": sum(1 for r in rows if r.acknowledged_at is None),
            "can_remind": REMIND_NOTICES.allows(user) and notice.status == NoticeStatus.PUBLISHED,
            "can_record": RECORD_SLIPS.allows(user) and notice.status == NoticeStatus.PUBLISHED,
            # Per row: one form for the whole table, each button its own action (a grid has ~1,000 rows).
            "slips": reverse("notices:slip", args=[0]).removesuffix("0/slip/"),
            "slip_label": _("Slip brought back"),
            "not_read_label": _("not read"),
            "not_acknowledged_label": _("not acknowledged"),
        },
    )


@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_role(_reader(request), REMIND_NOTICES)
    notice = _notice(user, pk)
    grid_id = request.POST.get("grid", "")
    grid = _grid(user, int(grid_id)) if grid_id.isdecimal() and len(grid_id) < 12 else None
    try:
        reminder = services.remind_rest(user=user, notice=notice, grid=grid)
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("Reminded {n} who have not acknowledged.").format(n=reminder.reached))
    if grid is not None:
        return redirect("notices:board", pk=pk, grid_id=grid.pk)
    return redirect("notices:detail", pk=pk)


@require_POST
def record_slip(request: HttpRequest, rid: int) -> HttpResponse:
    user = require_role(_reader(request), RECORD_SLIPS)
    recipient = get_object_or_404(Recipient.objects.visible_to(user).select_related("notice"), pk=rid)
    form = SlipForm(request.POST)
    try:
        services.record_slip(
            user=user, recipient=recipient, note=form.cleaned_data["note"] if form.is_valid() else ""
        )
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("Slip recorded: the household has acknowledged."))
    if recipient.grid_id:
        return redirect("notices:board", pk=recipient.notice_id, grid_id=recipient.grid_id)
    return redirect("notices:detail", pk=recipient.notice_id)


@require_GET
def letters_pdf(request: HttpRequest, pk: int, grid_id: int) -> HttpResponse:
    """The printed letters with tear-off slips of a grid's households that have not acknowledged."""
    user = _reader(request)
    notice = _notice(user, pk)
    grid = _grid(user, grid_id)
    rows = [r for r in queries.grid_board(user, notice, grid) if r.household_id and r.acknowledged_at is None]
    response = HttpResponse(render_letters(notice, rows), content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(False, f"notice-{notice.pk}-{grid.code}.pdf") or ""
    )
    return response


@require_GET
def attachment(request: HttpRequest, pk: int) -> Any:
    user = _reader(request)
    notice = _notice(user, pk)
    if not notice.attachment:
        raise Http404
    return FileResponse(notice.attachment.open("rb"), as_attachment=False)


@require_POST
def acknowledge_own(request: HttpRequest, rid: int) -> HttpResponse:
    """An account acknowledges a notice addressed to it (the button on its home page)."""
    user = request.user
    try:
        if getattr(user, "role", "") == "resident" and user.household_id:
            services.acknowledge(recipient_id=rid, household_id=user.household_id)
        else:
            services.acknowledge(recipient_id=rid, user=user, via=AckVia.STAFF)
    except DomainError as err:
        message_error(request, err)
    else:
        messages.success(request, _("Thank you: acknowledged."))
    return redirect(next_or(request, "home"))
