"""Recording who touched personal data. Called explicitly from views and services."""

from __future__ import annotations

from typing import Any

from lianfang.core.models import AuditAction, AuditLog


def client_ip(request: Any) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def log(
    *,
    user: Any,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: Any = "",
    summary: str = "",
    path: str = "",
    request: Any = None,
) -> AuditLog:
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
        path = path or getattr(obj, "path", "") or ""
    real_user = user if getattr(user, "is_authenticated", False) else None
    return AuditLog.objects.create(
        user=real_user,
        username=getattr(real_user, "username", "") if real_user else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        summary=summary[:500],
        ip=client_ip(request),
        path=path,
    )


__all__ = ["AuditAction", "client_ip", "log"]
