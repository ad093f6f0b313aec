"""Disinfection of buildings (消杀) and kits (九个一). Public through lianfang.care.services."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.care.common import local_date, not_found, now_or, open_team, visible_household
from lianfang.care.models import DEFAULT_KIT_ITEMS, CareTeam, Disinfection, KitDelivery, KitTemplate
from lianfang.core import audit
from lianfang.core.audit import AuditAction
from lianfang.core.errors import DomainError
from lianfang.core.natural import NaturalKey
from lianfang.core.roles import EDIT_CARE
from lianfang.core.scoping import authorize_write
from lianfang.epi.models import Lockdown, LockdownScope, LockdownStatus
from lianfang.places.inherit import prefixes
from lianfang.places.models import Area, Building, Household
from lianfang.supplies.kits import issue_kit

DEFAULT_KIT_NAME = "九个一"


# ------------------------------------------------------------------ disinfection
@transaction.atomic
def record_disinfection(
    *,
    user: Any,
    building: Building,
    date: datetime.date | None = None,
    areas: str = "",
    today: datetime.date | None = None,
) -> Disinfection:
    """The public areas of a building disinfected on a day: once a day per building."""
    authorize_write(user, action=EDIT_CARE)
    today = today or timezone.localdate()
    pk = building.pk if isinstance(building, Building) else building
    found = Building.objects.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise not_found()
    date = date or today
    if date > today:
        raise DomainError(
            "date_in_future", _("The date {date} is in the future.").format(date=date), field="date"
        )
    if Disinfection.objects.filter(building=found, date=date).exists():
        raise _disinfected(found, date)
    try:
        with transaction.atomic():
            row = Disinfection.objects.create(
                building=found,
                date=date,
                areas=" ".join(str(areas or "").split())[:200],
                by=user,
                path=found.path,
            )
    except IntegrityError:
        raise _disinfected(found, date) from None
    audit.log(
        user=user,
        action=AuditAction.CREATE,
        obj=row,
        summary=_("Public areas disinfected: {areas}").format(areas=row.areas)
        if row.areas
        else _("Public areas disinfected"),
    )
    return row


def _disinfected(building: Building, date: datetime.date) -> DomainError:
    return DomainError(
        "disinfection_already_recorded",
        _("{building} was already disinfected on {date}.").format(building=building, date=date),
        field="date",
    )


@dataclass(frozen=True)
class BuildingToDisinfect:
    building: Building
    done: bool

    @property
    def red(self) -> bool:
        return not self.done


def buildings_to_disinfect(user: Any, today: datetime.date | None = None) -> list[BuildingToDisinfect]:
    """Buildings of the user's scope with a held household or under an active lockdown today, each
    with whether it was disinfected today (not: red). One query."""
    today = today or timezone.localdate()
    # From the few held households and active lockdowns to their buildings (semi-joins the planner hashes),
    # not a test of every building of the scope: on a city, EXISTS per building took 160 ms.
    held = Household.objects.filter(exits_held_until__gte=today).values("unit__building_id")
    active = Lockdown.objects.filter(status=LockdownStatus.ACTIVE, start__lte=today, ends_on__gte=today)
    rows = (
        Building.objects.visible_to(user)
        .filter(
            Q(pk__in=held)
            | Q(pk__in=active.filter(scope_kind=LockdownScope.BUILDING).values("building_id"))
            | Q(pk__in=active.filter(scope_kind=LockdownScope.UNIT).values("unit__building_id"))
            | Q(compound_id__in=active.filter(scope_kind=LockdownScope.COMPOUND).values("compound_id"))
        )
        .annotate(done=Exists(Disinfection.objects.filter(building_id=OuterRef("pk"), date=today)))
        .select_related("compound")
        .order_by("done", "compound__name", NaturalKey("number"), "pk")
    )
    return [BuildingToDisinfect(b, b.done) for b in rows]


# ------------------------------------------------------------------ kits
def default_kit(area: Area) -> KitTemplate:
    """The area's active kit, created as the article's nine items (九个一) when it has none."""
    found = KitTemplate.objects.filter(area=area, is_active=True).order_by("pk").first()
    if found is not None:
        return found
    return KitTemplate.objects.create(area=area, name=DEFAULT_KIT_NAME, items="\n".join(DEFAULT_KIT_ITEMS))


def kits_for_path(path: str) -> QuerySet:
    """Active kit templates that apply to a place: set on an area above (or at) it, nearest first."""
    return (
        KitTemplate.objects.filter(area__path__in=prefixes(path), is_active=True)
        .select_related("area")
        .order_by("-area__path", "name", "pk")
    )


@transaction.atomic
def deliver_kit(
    *,
    user: Any,
    household: Household,
    template: KitTemplate,
    items: Iterable[str] | None = None,
    now: datetime.datetime | None = None,
) -> KitDelivery:
    """A kit handed to a household in home quarantine; `items` the ones actually delivered (default:
    all of the template). The delivered items that are components of the kit's bill of materials are issued
    from the community's store in this transaction (`supplies.kits.issue_kit`): a shortage, or a kit with no
    components, refuses the delivery and nothing is recorded."""
    authorize_write(user, action=EDIT_CARE)
    household = visible_household(user, household)
    now = now_or(now)
    open_team(household, local_date(now))
    pk = template.pk if isinstance(template, KitTemplate) else template
    found = kits_for_path(household.path).filter(pk=pk).first()
    if found is None:
        raise DomainError("kit_unknown", _("This kit is not in use here."), field="template")
    if items is None:
        chosen = found.item_list()
    else:
        chosen = list(dict.fromkeys(" ".join(str(i).split()) for i in items if str(i).strip()))
    if not chosen:
        raise DomainError("kit_items_empty", _("Tick at least one item delivered."), field="items")
    delivery = KitDelivery.objects.create(
        household=household,
        template=found,
        items="\n".join(chosen),
        delivered_at=now,
        by=user,
        path=household.path,
    )
    issue_kit(
        user=user,
        household=household,
        template_id=found.pk,
        template_name=found.name,
        items=chosen,
        reference=f"kit:{delivery.pk}",
        now=now,
    )
    audit.log(
        user=user,
        action=AuditAction.CREATE,
        obj=delivery,
        summary=_("Kit delivered: {kit} ({items})").format(kit=found.name, items=audit.listed(chosen)),
    )
    return delivery


def households_waiting_for_kit(user: Any, today: datetime.date | None = None) -> QuerySet:
    """Held households of the user's scope with no kit delivered since their care started. One query."""
    today = today or timezone.localdate()
    delivered = KitDelivery.objects.filter(
        household_id=OuterRef("household_id"), delivered_at__date__gte=OuterRef("started")
    )
    waiting = (
        CareTeam.objects.visible_to(user)
        .filter(ended__isnull=True, household__exits_held_until__gte=today)
        .filter(~Exists(delivered))
        .values("household_id")
    )
    households = Household.objects.filter(pk__in=waiting).select_related("compound")
    return households.order_by(NaturalKey("label"), "pk")
