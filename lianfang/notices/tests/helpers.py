"""Shared steps of the notices tests: a notice written by community A's staff, approved by the commander."""

from __future__ import annotations

from typing import Any

from lianfang.notices.models import Audience, NoticeKind
from lianfang.notices.services import approve_notice, create_draft, publish_notice


def draft(world: Any, **kw: Any) -> Any:
    args: dict[str, Any] = {
        "user": world.staff_a,
        "kind": NoticeKind.LETTER,
        "title": "致居民的一封信",
        "body": "请居家，少外出。",
        "area": world.community_a,
        "audiences": [Audience.HOUSEHOLDS],
    }
    args.update(kw)
    return create_draft(**args)


def published(world: Any, approver: Any = None, **kw: Any) -> Any:
    approver = approver or world.commander
    notice = approve_notice(user=approver, notice=draft(world, **kw))
    return publish_notice(user=approver, notice=notice)
