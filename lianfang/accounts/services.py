"""Logging in. The lockout (lianfang/accounts/lockout.py, django-axes) is shared with every other way in:
the admin's login page counts and refuses the same way as this one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _

from lianfang.accounts import lockout
from lianfang.accounts.models import User
from lianfang.core.errors import DomainError


def log_in(*, request: Any, username: str, password: str) -> User:
    """Check the password unless the account or the address is locked. Returns the user or raises
    DomainError: "account_locked" / "address_locked" (429, saying for how long) or "login_failed"."""
    username = (username or "").strip()
    # axes' backend refuses a locked attempt before any password is checked; a wrong password is counted.
    user = authenticate(request, username=username, password=password)
    if user is None:
        # Locked before this attempt, or by this very failure.
        raise lockout.request_lock_error(request, username) or DomainError(
            "login_failed", _("Wrong username or password."), status=400
        )
    return user


def unlock(*, user: User) -> None:
    """An administrator lifts a lock early."""
    lockout.unlock(username=user.username)
