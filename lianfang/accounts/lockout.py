"""One lockout for every way in, kept by django-axes: the login page, the admin's login page and anything
else that calls `django.contrib.auth.authenticate()` share the same failure counts.

The rule (settings: AXES_FAILURE_LIMIT, LOGIN_FAILURE_IP_LIMIT, AXES_COOLOFF_TIME):
- An account is locked once it has AXES_FAILURE_LIMIT (5) failed logins, an address (the client's IP) once
  it has LOGIN_FAILURE_IP_LIMIT (20), whatever usernames were tried. Failures count while they are recent:
  axes keeps one row per username, address and browser with its number of failures and the time of the
  latest, and a row counts while that time is less than AXES_COOLOFF_TIME (15 minutes) ago.
- A lock ends AXES_COOLOFF_TIME after the failure that completed the count (the time left is shown).
  During a lock even the right password is refused, and the refused attempt is neither checked nor counted.
- A successful login forgets the account's failures, not the address's: logging in to an account of one's
  own does not reset an address that guessed at others.
- Unknown usernames lock like real ones, so a lock message does not tell which accounts exist.

django-axes stores the counts (`axes.AccessAttempt`, shown in the admin) and stops a locked attempt in its
authentication backend; `LockoutHandler` adds the second limit (per address) to its count, and
`lockout_response` answers a locked attempt with the same message on every page (429).
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

from lianfang.core.errors import DomainError


def _cool_off() -> datetime.timedelta:
    return get_cool_off() or datetime.timedelta(minutes=15)


def _locked_until(
    attempts: QuerySet[AccessAttempt], limit: int, now: datetime.datetime
) -> datetime.datetime | None:
    """When the failures counted in `attempts` drop below `limit` again (None: not locked)."""
    if limit <= 0:
        return None
    cool_off = _cool_off()
    rows = attempts.filter(attempt_time__gt=now - cool_off).order_by("-attempt_time")
    total = 0
    for at, failures in rows.values_list("attempt_time", "failures_since_start"):
        total += failures
        if total >= limit:
            # Rows leave the count as they age: the lock lasts until this one, the oldest needed, leaves.
            until: datetime.datetime = at + cool_off
            return until
    return None


def account_locked_until(
    username: str | None, now: datetime.datetime | None = None
) -> datetime.datetime | None:
    if not username:
        return None
    return _locked_until(
        AccessAttempt.objects.filter(username=username), settings.AXES_FAILURE_LIMIT, now or timezone.now()
    )


def address_locked_until(ip: str | None, now: datetime.datetime | None = None) -> datetime.datetime | None:
    if not ip:
        return None
    return _locked_until(
        AccessAttempt.objects.filter(ip_address=ip), settings.LOGIN_FAILURE_IP_LIMIT, now or timezone.now()
    )


def _minutes_left(until: datetime.datetime, now: datetime.datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def _account_locked(minutes: int) -> DomainError:
    return DomainError(
        "account_locked",
        ngettext(
            "Too many failed logins: this account is locked. Try again in {minutes} minute.",
            "Too many failed logins: this account is locked. Try again in {minutes} minutes.",
            minutes,
        ).format(minutes=minutes),
        status=429,
    )


def lock_error(
    *, username: str | None, ip: str | None, now: datetime.datetime | None = None
) -> DomainError | None:
    """The refusal of a locked account or address, saying for how long (None: not locked)."""
    now = now or timezone.now()
    until = account_locked_until(username, now)
    if until:
        return _account_locked(_minutes_left(until, now))
    until = address_locked_until(ip, now)
    if until:
        minutes = _minutes_left(until, now)
        return DomainError(
            "address_locked",
            ngettext(
                "Too many failed logins from your network address. Try again in {minutes} minute.",
                "Too many failed logins from your network address. Try again in {minutes} minutes.",
                minutes,
            ).format(minutes=minutes),
            status=429,
        )
    return None


def request_lock_error(request: HttpRequest, username: str | None) -> DomainError | None:
    """lock_error for the address of `request` (as axes sees it)."""
    return lock_error(username=username, ip=get_client_ip_address(request))


# The longest username there is (User.username): a longer one names no account.
USERNAME_CHARS = 150


def client_username(request: Any, credentials: dict[str, Any] | None = None) -> str | None:
    """The username axes records and counts (AXES_USERNAME_CALLABLE): as axes reads it, cut to
    USERNAME_CHARS. The admin's login form hands a username of any length to authenticate(), and axes'
    column takes 255 characters: a longer one was a 500."""
    field: str = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    raw = credentials.get(field) if credentials else getattr(request, "data", request.POST).get(field)
    return str(raw)[:USERNAME_CHARS] if raw is not None else None


class LockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]  # axes ships no type hints
    """axes' backend (first in AUTHENTICATION_BACKENDS), for logins over HTTP. A call without a request
    is no login from outside (Django's test client, a management command): it is left to the next
    backend instead of being refused with AxesBackendRequestParameterRequired."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes ships no type hints
    """axes' database handler with a second limit: the address's failures, whatever the usernames."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """The account's recent failures, or the failure limit itself while the address is locked."""
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        if address_locked_until(getattr(request, "axes_ip_address", None), now):
            limit: int = settings.AXES_FAILURE_LIMIT
            return limit
        username = get_client_username(request, credentials)
        if not username:
            return 0
        recent = AccessAttempt.objects.filter(username=username, attempt_time__gt=now - _cool_off())
        return sum(recent.values_list("failures_since_start", flat=True))

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """After a successful login: the account's failures only (the address keeps its count)."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return int(count)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """What a locked attempt gets on any page (AXES_LOCKOUT_CALLABLE): 429 with the lock's message."""
    if original_response is not None and original_response.status_code == 429:
        return original_response  # the login page already said it, in its own form
    username = get_client_username(request, credentials)
    error = request_lock_error(request, username) or _account_locked(
        math.ceil(_cool_off().total_seconds() / 60)
    )
    if request.path.startswith("/api/"):
        return JsonResponse(error.as_dict(), status=429)
    return render(request, "accounts/locked.html", {"message": error.message}, status=429)


def unlock(*, username: str) -> int:
    """An administrator lifts an account's lock early (its failures are forgotten)."""
    count, _ = AccessAttempt.objects.filter(username=username).delete()
    return int(count)
