"""The open count of the alert inbox in every page's header (base.html: "预警 (N)"), for the roles that
handle alerts. Lazy and cached on the request: a page that does not show it costs nothing, a page that
shows it twice counts once (one indexed COUNT, `inbox_queries.open_count`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from lianfang.watch.inbox_queries import handles_alerts, open_count

ATTR = "_lianfang_open_alerts"


def _count(request: HttpRequest) -> int:
    if not hasattr(request, ATTR):
        setattr(request, ATTR, open_count(request.user))
    return int(getattr(request, ATTR))


def alert_inbox(request: HttpRequest) -> dict[str, Any]:
    """`handles_alerts`: whether the header shows the inbox (no query); `header_alert_count`: its count,
    counted when the page first shows it."""
    user = getattr(request, "user", None)
    if not handles_alerts(user):
        return {"handles_alerts": False}
    return {"handles_alerts": True, "header_alert_count": SimpleLazyObject(lambda: _count(request))}
