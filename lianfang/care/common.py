"""Shared pieces of the care services: time, errors, the held-household read, money."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.care.models import CareTeam
from lianfang.core.errors import DomainError
from lianfang.core.scoping import not_found
from lianfang.places.models import Household

MAX_MONEY = Decimal("999999.99")


def now_or(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def local_date(now: datetime.datetime) -> datetime.date:
    return timezone.localtime(now).date()


def not_in_quarantine() -> DomainError:
    return DomainError("not_in_quarantine", _("This household is not in home quarantine."))


def visible_household(user: Any, household: Household | int) -> Household:
    pk = household.pk if isinstance(household, Household) else household
    found = Household.objects.visible_to(user).filter(pk=pk).select_related("compound").first()
    if found is None:
        raise not_found()
    return found


def is_held(household: Household, today: datetime.date) -> bool:
    return household.exits_held_until is not None and household.exits_held_until >= today


def open_team(household: Household, today: datetime.date) -> CareTeam:
    """The open care team of a held household, or not_in_quarantine."""
    if not is_held(household, today):
        raise not_in_quarantine()
    team = CareTeam.objects.filter(household=household, ended__isnull=True).first()
    if team is None:
        raise not_in_quarantine()
    return team


def money(raw: Any, field: str) -> Decimal:
    """A sum of yuan: blank is zero; negative, malformed or absurd sums are refused."""
    if raw is None or raw == "":
        return Decimal("0.00")
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError, TypeError):
        value = None
    if value is None or not value.is_finite():
        raise DomainError("money_bad", _("Enter a sum of money in yuan, e.g. 35.50."), field=field)
    if value < 0:
        raise DomainError("money_negative", _("A sum of money cannot be negative."), field=field)
    if value > MAX_MONEY:
        raise DomainError("money_bad", _("That sum of money is too large."), field=field)
    return value.quantize(Decimal("0.01"))
