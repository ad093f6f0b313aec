"""Logging in with a lockout: too many failed logins lock the account (or the address) for a while.

Counting is a sliding window of LOGIN_LOCK_MINUTES. An account is locked for LOGIN_LOCK_MINUTES
from its LOGIN_FAILURE_LIMIT-th failure (stored in `User.locked_until`, so an administrator can see
and clear it); an address is locked while it has LOGIN_FAILURE_IP_LIMIT failures inside the window.
During a lock even the right password is refused, and the refused attempt is not checked at all.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lianfang.accounts.models import LoginFailure, User
from lianfang.core.audit import client_ip
from lianfang.core.errors import DomainError


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)


def _minutes_left(until: datetime.datetime, now: datetime.datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def _window_lock(failures: Any, limit: int, now: datetime.datetime) -> datetime.datetime | None:
    """When a sliding-window count of `failures` drops below `limit` again (None: not locked)."""
    recent = list(
        failures.filter(at__gt=now - _window()).order_by("-at").values_list("at", flat=True)[:limit]
    )
    if limit <= 0 or len(recent) < limit:
        return None
    # The lock ends when the oldest of the newest `limit` failures leaves the window.
    return recent[-1] + _window()


def account_locked_until(username: str, now: datetime.datetime | None = None) -> datetime.datetime | None:
    now = now or timezone.now()
    candidates = []
    stored = User.objects.filter(username=username).values_list("locked_until", flat=True).first()
    if stored and stored > now:
        candidates.append(stored)
    # Unknown usernames lock like real ones, so a lock message does not tell which accounts exist.
    derived = _window_lock(LoginFailure.objects.filter(username=username), settings.LOGIN_FAILURE_LIMIT, now)
    if derived and derived > now:
        candidates.append(derived)
    return max(candidates) if candidates else None


def address_locked_until(ip: str | None, now: datetime.datetime | None = None) -> datetime.datetime | None:
    if not ip:
        return None
    now = now or timezone.now()
    derived = _window_lock(LoginFailure.objects.filter(ip=ip), settings.LOGIN_FAILURE_IP_LIMIT, now)
    return derived if derived and derived > now else None


def check_lockout(*, username: str, ip: str | None) -> None:
    """Raise DomainError("account_locked" / "address_locked") saying for how long; else return."""
    now = timezone.now()
    until = account_locked_until(username, now)
    if until:
        minutes = _minutes_left(until, now)
        raise DomainError(
            "account_locked",
            ngettext(
                "Too many failed logins: this account is locked. Try again in {minutes} minute.",
                "Too many failed logins: this account is locked. Try again in {minutes} minutes.",
                minutes,
            ).format(minutes=minutes),
            status=429,
        )
    until = address_locked_until(ip, now)
    if until:
        minutes = _minutes_left(until, now)
        raise DomainError(
            "address_locked",
            ngettext(
                "Too many failed logins from your network address. Try again in {minutes} minute.",
                "Too many failed logins from your network address. Try again in {minutes} minutes.",
                minutes,
            ).format(minutes=minutes),
            status=429,
        )


@transaction.atomic
def record_failure(*, username: str, ip: str | None) -> None:
    """Count one failed login; the LOGIN_FAILURE_LIMIT-th inside the window locks the account."""
    now = timezone.now()
    LoginFailure.objects.create(username=username[:150], ip=ip or None, at=now)
    recent = LoginFailure.objects.filter(username=username, at__gt=now - _window()).count()
    if recent >= settings.LOGIN_FAILURE_LIMIT:
        User.objects.filter(username=username).update(locked_until=now + _window())


@transaction.atomic
def clear_failures(*, username: str, ip: str | None = None) -> None:
    """After a successful login: forget the account's failures and lock. The address keeps its count,
    so an attacker cannot reset it by logging in to an account of their own."""
    LoginFailure.objects.filter(username=username).delete()
    User.objects.filter(username=username, locked_until__isnull=False).update(locked_until=None)


def unlock(*, user: User) -> None:
    """An administrator lifts a lock early."""
    clear_failures(username=user.username)


def log_in(*, request: Any, username: str, password: str) -> User:
    """Check the lock, then the password. Returns the user or raises DomainError."""
    username = (username or "").strip()
    ip = client_ip(request)
    check_lockout(username=username, ip=ip)
    user = authenticate(request, username=username, password=password)
    if user is None:
        record_failure(username=username, ip=ip)
        check_lockout(username=username, ip=ip)  # this failure may have been the one that locks
        raise DomainError("login_failed", _("Wrong username or password."), status=400)
    clear_failures(username=username, ip=ip)
    return user
