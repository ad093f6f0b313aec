"""API authentication: staff bearer tokens, or the browser session."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from lianfang.accounts.models import ApiToken


class StaffToken(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: Any, token: str) -> Any:
        row = (
            ApiToken.objects.select_related(
                "user", "user__area", "user__grid", "user__gate", "user__household"
            )
            .filter(digest=ApiToken.hash(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        now = timezone.now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


STAFF_AUTH = [StaffToken(), django_auth]
