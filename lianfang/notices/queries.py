"""Reads of notices: the staff's list, the counts of a notice per grid and per area, the board of one grid,
and the notices a household or an account has received. Every read goes through `visible_to(user)`."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from lianfang.core.roles import Role
from lianfang.notices.models import Notice, NoticeStatus, Recipient
from lianfang.notices.text import render_body
from lianfang.places.models import Area, Grid

BOARD_ROWS = 1000


def notices_for(user: Any) -> QuerySet[Notice]:
    """The notices a staff member works with: written for their area, or reaching someone in their scope."""
    mine = Recipient.objects.visible_to(user).filter(notice=OuterRef("pk"))
    own = Notice.objects.visible_to(user).values("pk")
    return Notice.objects.filter(Q(pk__in=own) | Q(Exists(mine))).select_related("area", "author")


def notice_for(user: Any, pk: int) -> Notice | None:
    return notices_for(user).filter(pk=pk).first()


def _tally(qs: QuerySet[Recipient], key: Any) -> QuerySet[Any]:
    return qs.values(key).annotate(
        total=Count("id"),
        read=Count("id", filter=Q(read_at__isnull=False)),
        acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
    )


def counts_per_grid(user: Any, notice: Notice) -> list[dict[str, Any]]:
    """Per grid of the user's scope: recipients, read, acknowledged (rows without a grid last)."""
    rows = list(
        _tally(Recipient.objects.visible_to(user).filter(notice=notice), "grid_id").order_by("grid_id")
    )
    grids = Grid.objects.in_bulk([r["grid_id"] for r in rows if r["grid_id"]])
    for r in rows:
        r["grid"] = grids.get(r["grid_id"])
    return rows


def counts_per_area(user: Any, notice: Notice) -> list[dict[str, Any]]:
    """Per community (the path of each household's community) of the user's scope."""
    rows = list(
        _tally(Recipient.objects.visible_to(user).filter(notice=notice).exclude(path=""), "path").order_by(
            "path"
        )
    )
    areas = {a.path: a for a in Area.objects.filter(path__in=[r["path"] for r in rows])}
    return [
        {
            "path": r["path"],
            "area": areas[r["path"]].name if r["path"] in areas else r["path"],
            "total": r["total"],
            "read": r["read"],
            "acknowledged": r["acknowledged"],
        }
        for r in rows
    ]


def grid_board(user: Any, notice: Notice, grid: Grid) -> list[Recipient]:
    """The households (and accounts) of one grid: who has not acknowledged first, then who has not read."""
    return list(
        Recipient.objects.visible_to(user)
        .filter(notice=notice, grid=grid)
        .select_related("household", "household__compound", "resident", "user")
        .order_by(
            F("acknowledged_at").asc(nulls_first=True),
            F("read_at").asc(nulls_first=True),
            "household__label",
            "id",
        )[:BOARD_ROWS]
    )


def _live_rows(qs: QuerySet[Recipient], *, people: bool = False) -> list[dict[str, Any]]:
    now = timezone.now()
    rows = (
        qs.filter(notice__status=NoticeStatus.PUBLISHED)
        .exclude(notice__expires_at__lte=now)
        .select_related("notice", *(["resident"] if people else []))
        .order_by("-notice__published_at", "id")[:50]
    )
    return [{"row": r, "notice": r.notice, "body": render_body(r.notice.body)} for r in rows]


def household_notices(household_id: int) -> list[dict[str, Any]]:
    """The live notices of a household's page (the secret link and the resident's login)."""
    return _live_rows(Recipient.objects.filter(household_id=household_id), people=True)


def account_notices(user: Any) -> list[dict[str, Any]]:
    """The live notices addressed to an account (every role's home)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.role == Role.RESIDENT and user.household_id:
        return household_notices(user.household_id)
    return _live_rows(Recipient.objects.filter(user_id=user.pk))
