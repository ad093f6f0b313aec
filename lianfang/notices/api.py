"""The JSON API of notices (added to /api/v1/ by lianfang/api.py): write a draft, approve it, publish it, and
read who has acknowledged (`GET /notices/{id}/acknowledgements`: counts per community and the recipients of
the caller's scope, a page at a time). Staff tokens or the session; out of scope answers 404; refusals are the
DomainErrors of notices/services.py."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from lianfang.core.bounds import BIGINT_MAX
from lianfang.core.scoping import not_found
from lianfang.notices import queries, services
from lianfang.notices.models import Notice, Recipient
from lianfang.places.models import Area, Compound

router = Router(tags=["notices"])

Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
MAX_PAGE = 500


AudienceName = Literal["households", "staff", "grid", "volunteers"]


def _households() -> list[AudienceName]:
    return ["households"]


class NoticeIn(Schema):
    kind: Literal["notice", "letter", "reminder"] = "notice"
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=20_000, description="Plain text; **bold**; blank lines.")
    area: str = Field(..., max_length=12, description="The area's code (GB/T 2260 or 12-digit).")
    compound_id: Id | None = None
    audiences: list[AudienceName] = Field(default_factory=_households, max_length=4)
    tags: list[Literal["quarantined", "vulnerable", "returnees"]] = Field(default_factory=list, max_length=3)
    ack_unit: Literal["household", "person"] = "household"


class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    area: str = Field(..., description="The audience's area path.")
    audiences: list[str]
    tags: list[str]
    ack_unit: str
    recipient_count: int
    published_at: datetime.datetime | None


class AreaCountOut(Schema):
    path: str
    area: str
    total: int
    read: int
    acknowledged: int


class RecipientOut(Schema):
    id: int
    household_id: int | None
    household: str
    user_id: int | None
    grid_id: int | None
    delivered_at: datetime.datetime | None
    read_at: datetime.datetime | None
    acknowledged_at: datetime.datetime | None
    ack_via: str


class AcknowledgementsOut(Schema):
    notice: NoticeOut
    areas: list[AreaCountOut]
    recipients: list[RecipientOut]
    next_after: int | None = Field(..., description="Pass as `after` for the next page; null: last.")


def _out(n: Notice) -> NoticeOut:
    return NoticeOut(
        id=n.pk,
        kind=n.kind,
        title=n.title,
        status=n.status,
        area=n.path,
        audiences=n.audience_list,
        tags=n.tag_list,
        ack_unit=n.ack_unit,
        recipient_count=n.recipient_count,
        published_at=n.published_at,
    )


def _visible(request: Any, notice_id: int) -> Notice:
    notice = queries.notice_for(request.user, notice_id)
    if notice is None:
        raise not_found()
    return notice


@router.post("/notices", response={201: NoticeOut}, summary="Write a draft notice for an area of your scope")
def create_notice(request: Any, payload: NoticeIn) -> Status[Any]:
    area = Area.objects.filter(code=payload.area).first()
    if area is None:
        raise not_found()
    compound = (
        get_object_or_404(Compound.objects.visible_to(request.user), pk=payload.compound_id)
        if payload.compound_id
        else None
    )
    notice = services.create_draft(
        user=request.user,
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        area=area,
        compound=compound,
        audiences=payload.audiences,
        tags=payload.tags,
        ack_unit=payload.ack_unit,
    )
    return Status(201, _out(notice))


@router.post("/notices/{notice_id}/approve", response=NoticeOut, summary="Approve a draft (not your own)")
def approve_notice(request: Any, notice_id: Id) -> NoticeOut:
    return _out(services.approve_notice(user=request.user, notice=_visible(request, notice_id)))


@router.post("/notices/{notice_id}/publish", response=NoticeOut, summary="Publish an approved notice")
def publish_notice(request: Any, notice_id: Id) -> NoticeOut:
    return _out(services.publish_notice(user=request.user, notice=_visible(request, notice_id)))


@router.get(
    "/notices/{notice_id}/acknowledgements",
    response=AcknowledgementsOut,
    summary="Who has read and acknowledged: counts per community and the recipients of your scope",
)
def acknowledgements(
    request: Any,
    notice_id: Id,
    after: Annotated[int, Query(ge=0, le=BIGINT_MAX)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    pending: Annotated[bool, Query(description="Only those who have not acknowledged.")] = False,
) -> AcknowledgementsOut:
    notice = _visible(request, notice_id)
    rows = Recipient.objects.visible_to(request.user).filter(notice=notice, pk__gt=after)
    if pending:
        rows = rows.filter(acknowledged_at__isnull=True)
    page = list(rows.select_related("household", "household__compound").order_by("pk")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return AcknowledgementsOut(
        notice=_out(notice),
        areas=[AreaCountOut(**r) for r in queries.counts_per_area(request.user, notice)],
        recipients=[
            RecipientOut(
                id=r.pk,
                household_id=r.household_id,
                household=f"{r.household.compound.name} {r.household.label}" if r.household_id else "",
                user_id=r.user_id,
                grid_id=r.grid_id,
                delivered_at=r.delivered_at,
                read_at=r.read_at,
                acknowledged_at=r.acknowledged_at,
                ack_via=r.ack_via,
            )
            for r in page
        ],
        next_after=page[-1].pk if more and page else None,
    )
