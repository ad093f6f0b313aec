"""Recording who touched personal data. Called explicitly from views and services."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext, pgettext

from lianfang.core.models import AuditAction, AuditLog


def client_ip(request: Any) -> str | None:
    """The client's address. Behind LIANFANG_TRUSTED_PROXIES proxies (settings) it is the address the
    outermost of them saw: the N-th from the right in X-Forwarded-For (what a client writes into that
    header itself stands further left and is never used). Used by the audit log, the login lockout and
    the throttles."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "LIANFANG_TRUSTED_PROXIES", 0)
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            try:
                return str(ipaddress.ip_address(hops[-proxies]))
            except ValueError:
                pass
    return remote


def because(sentence: str, reason: Any = "") -> str:
    """An audit summary and the reason a person gave for it, if any ("Pass suspended: 居家隔离")."""
    text = " ".join(str(reason or "").split())
    return gettext("{what}: {reason}").format(what=sentence, reason=text) if text else str(sentence)


def filtered(sentence: str, filters: Iterable[Any]) -> str:
    """An export's summary and the filter it was made with, in words (the gate, the period...)."""
    words = listed(filters)
    return gettext("{what}; filter: {filters}").format(what=sentence, filters=words) if words else sentence


def listed(items: Iterable[Any]) -> str:
    """Words of a summary joined as the language lists them (、 in Chinese), blanks left out."""
    return pgettext("list separator", ", ").join(str(i) for i in items if str(i or ""))


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
    """One row of the trail. `summary` says what happened, as a sentence in the words a community worker
    uses (gettext: the active language writes it), with names and labels, never ids or codes; the trail
    shows the object's own label before it, so the summary does not repeat it."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
        path = path or getattr(obj, "path", "") or ""
    real_user = user if getattr(user, "is_authenticated", False) else None
    entry: AuditLog = AuditLog.objects.create(
        user=real_user,
        username=getattr(real_user, "username", "") if real_user else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        summary=summary[:500],
        ip=client_ip(request),
        path=path,
    )
    return entry


__all__ = ["AuditAction", "because", "client_ip", "filtered", "listed", "log"]
