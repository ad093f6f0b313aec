"""Use cases on residents. Each is one transaction; views and the API call these, never .save()."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lianfang.core import audit, idnumbers
from lianfang.core.audit import AuditAction
from lianfang.core.errors import DomainError
from lianfang.core.names import normalize_name
from lianfang.core.phones import parse_phone
from lianfang.core.roles import EDIT_REGISTRY, SEE_FULL_ID, Role
from lianfang.core.scoping import authorize_write
from lianfang.people.models import Membership, Relation, Resident, Sex, Tag, TravelRecord, Visit
from lianfang.people.pinyin import pinyin_keys
from lianfang.places.models import Building, Grid, Household


@dataclass
class ResidentData:
    """What a form, the API or an import row says about a person, before validation."""

    name: str
    id_number: str = ""
    phone: str = ""
    sex: str = ""
    birth_date: datetime.date | None = None
    relation: str = Relation.OTHER
    tags: list[str] | None = None
    notes: str = ""


@dataclass
class CleanResident:
    name: str
    sex: str
    birth_date: datetime.date | None
    phone: str
    relation: str
    tags: str
    notes: str
    id_info: idnumbers.IdInfo | None


def clean_resident(data: ResidentData) -> CleanResident:
    """Validate one person; raise DomainError with the first problem (field set)."""
    name = normalize_name(data.name)  # "王  磊 " -> "王磊" (core/names.py)
    if not name:
        raise DomainError("name_missing", _("The name is missing."), field="name")
    if len(name) > 50:
        raise DomainError("name_too_long", _("The name is longer than 50 characters."), field="name")
    info = idnumbers.parse(data.id_number) if str(data.id_number or "").strip() else None
    sex = data.sex or (info.sex if info else "")
    if sex and sex not in Sex.values:
        raise DomainError("sex_bad", _("Sex must be male or female."), field="sex")
    birth = data.birth_date or (info.birth_date if info else None)
    if info:
        if data.sex and data.sex != info.sex:
            raise DomainError("id_sex_mismatch", _("The sex does not match the ID number."), field="sex")
        if data.birth_date and data.birth_date != info.birth_date:
            raise DomainError(
                "id_birth_mismatch", _("The birth date does not match the ID number."), field="birth_date"
            )
    if birth and birth > timezone.localdate():
        raise DomainError("birth_future", _("The birth date is in the future."), field="birth_date")
    phone = parse_phone(data.phone)
    relation = data.relation or Relation.OTHER
    if relation not in Relation.values:
        raise DomainError("relation_bad", _("Unknown relation to the household head."), field="relation")
    tags = data.tags or []
    bad = [t for t in tags if t not in Tag.values]
    if bad:
        raise DomainError("tag_bad", _("Unknown tag: {tag}.").format(tag=", ".join(bad)), field="tags")
    return CleanResident(
        name=name,
        sex=sex,
        birth_date=birth,
        phone=phone,
        relation=relation,
        tags=" ".join(dict.fromkeys(tags)),
        notes=str(data.notes or "").strip(),
        id_info=info,
    )


# What a change of a person's details names in the audit trail (the field, never its old or new value).
DETAIL_FIELDS = {
    "name": _("name"),
    "sex": _("sex"),
    "birth_date": _("birth date"),
    "phone": _("phone"),
    "relation": _("relation to the household head"),
    "tags": _("tags"),
    "notes": _("notes"),
    "id_hash": _("ID number"),
}


def apply_clean(resident: Resident, clean: CleanResident) -> None:
    resident.name = clean.name
    resident.sex = clean.sex
    resident.birth_date = clean.birth_date
    resident.phone = clean.phone
    resident.phone_last4 = clean.phone[-4:] if clean.phone else ""
    resident.relation = clean.relation
    resident.tags = clean.tags
    resident.notes = clean.notes
    resident.name_pinyin, resident.name_initials = pinyin_keys(clean.name)
    if clean.id_info:
        stored = idnumbers.protect(clean.id_info.number)
        resident.id_hash, resident.id_cipher = stored.hash, stored.cipher
        resident.id_prefix, resident.id_last4 = stored.prefix, stored.last4


def place_in(resident: Resident, household: Household | None) -> None:
    resident.household = household
    resident.path = household.path if household else ""
    resident.grid_id = household.grid_id if household else None


def invalid_id_number() -> DomainError:
    """Exactly what core.idnumbers.parse says of a mistyped number (a wrong check digit)."""
    return DomainError(
        "id_bad_checksum",
        _("The check digit of the ID number is wrong; please check it against the card."),
        field="id_number",
    )


def _refuse_duplicate(user: Any, id_hash: str | None, exclude: int | None = None) -> None:
    """A number already registered is refused. Inside the user's scope it says so; outside it the refusal
    is the one of an invalid number, so that nobody learns that the person is registered elsewhere."""
    if not id_hash:
        return
    qs = Resident.objects.filter(id_hash=id_hash)
    if exclude:
        qs = qs.exclude(pk=exclude)
    if not qs.exists():
        return
    if qs.filter(pk__in=Resident.objects.visible_to(user).values("pk")).exists():
        raise DomainError(
            "id_duplicate", _("A resident with this ID number is already registered."), field="id_number"
        )
    raise invalid_id_number()


@transaction.atomic
def create_resident(*, user: Any, household: Household, data: ResidentData, request: Any = None) -> Resident:
    authorize_write(user, action=EDIT_REGISTRY, obj=household)
    clean = clean_resident(data)
    resident = Resident()
    apply_clean(resident, clean)
    _refuse_duplicate(user, resident.id_hash)
    place_in(resident, household)
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError:
        # Registered at the same moment by someone else: the same answers as above.
        _refuse_duplicate(user, resident.id_hash)
        raise
    Membership.objects.create(resident=resident, household=household, relation=resident.relation)
    audit.log(
        user=user,
        action=AuditAction.CREATE,
        obj=resident,
        summary=gettext("Registered in {household}").format(household=household),
        request=request,
    )
    return resident


@transaction.atomic
def update_resident(*, user: Any, resident: Resident, data: ResidentData, request: Any = None) -> Resident:
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    authorize_write(user, action=EDIT_REGISTRY, obj=resident.household)
    clean = clean_resident(data)
    old_hash = resident.id_hash
    before = {field: getattr(resident, field) for field in DETAIL_FIELDS}
    apply_clean(resident, clean)
    if not clean.id_info:
        # An empty ID field on an edit form keeps the stored number (it is never shown in full there).
        resident.id_hash = old_hash
    _refuse_duplicate(user, resident.id_hash, exclude=resident.pk)
    resident.save()
    changed = [label for field, label in DETAIL_FIELDS.items() if getattr(resident, field) != before[field]]
    audit.log(
        user=user,
        action=AuditAction.CHANGE,
        obj=resident,
        summary=gettext("Details changed: {fields}").format(fields=audit.listed(changed))
        if changed
        else gettext("Saved, nothing changed"),
        request=request,
    )
    return resident


@transaction.atomic
def move_resident(
    *,
    user: Any,
    resident: Resident,
    household: Household | None,
    relation: str = "",
    reason: str = "",
    request: Any = None,
) -> Resident:
    """Move a resident to another household (or out of the registry's households); history is kept."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    authorize_write(user, action=EDIT_REGISTRY, obj=resident.household)
    if household is not None:
        authorize_write(user, action=EDIT_REGISTRY, obj=household)
        if household.pk == resident.household_id:
            raise DomainError(
                "move_same", _("The resident already lives in that household."), field="household"
            )
    if relation and relation not in Relation.values:
        raise DomainError("relation_bad", _("Unknown relation to the household head."), field="relation")
    today = timezone.localdate()
    moved_from = str(resident.household) if resident.household_id else "-"
    Membership.objects.filter(resident=resident, ended__isnull=True).update(ended=today, reason=reason[:200])
    place_in(resident, household)
    if relation:
        resident.relation = relation
    resident.save()
    if household is not None:
        Membership.objects.create(
            resident=resident, household=household, relation=resident.relation, started=today
        )
    audit.log(
        user=user,
        action=AuditAction.MOVE,
        obj=resident,
        summary=audit.because(
            gettext("Moved from {old} to {new}").format(old=moved_from, new=household)
            if household is not None
            else gettext("Moved out of {old}").format(old=moved_from),
            reason,
        ),
        request=request,
    )
    return resident


def reveal_id_number(*, user: Any, resident: Resident, request: Any = None) -> str:
    """The full ID number for roles that need it; every reveal is audited."""
    authorize_write(user, action=SEE_FULL_ID)  # the resident was read through visible_to
    audit.log(
        user=user, action=AuditAction.VIEW_FULL_ID, obj=resident, summary=resident.name, request=request
    )
    return resident.full_id()


@transaction.atomic
def record_travel(
    *, user: Any, resident: Resident, origin: str, arrival_date: datetime.date, source: str, notes: str = ""
) -> TravelRecord:
    authorize_write(user, action=EDIT_REGISTRY, obj=resident.household)
    origin = origin.strip()
    if not origin:
        raise DomainError("origin_missing", _("Where the person returned from is missing."), field="origin")
    if arrival_date > timezone.localdate():
        raise DomainError("arrival_future", _("The arrival date is in the future."), field="arrival_date")
    record = TravelRecord.objects.create(
        resident=resident,
        origin=origin,
        arrival_date=arrival_date,
        source=source,
        notes=notes,
        recorded_by=user,
    )
    audit.log(
        user=user,
        action=AuditAction.CREATE,
        obj=resident,
        summary=gettext("Travel recorded: back from {origin} on {date}").format(
            origin=origin, date=arrival_date.isoformat()
        ),
    )
    return record


@transaction.atomic
def record_visit(
    *, user: Any, household: Household, findings: str, visited_at: datetime.datetime | None = None
) -> Visit:
    authorize_write(user, action=EDIT_REGISTRY, obj=household)
    visited_at = visited_at or timezone.now()
    if visited_at > timezone.now() + datetime.timedelta(minutes=5):
        raise DomainError("visit_future", _("The visit time is in the future."), field="visited_at")
    return Visit.objects.create(
        household=household, visitor=user, visited_at=visited_at, findings=findings.strip()
    )


def audit_view(*, user: Any, resident: Resident, request: Any = None) -> None:
    audit.log(user=user, action=AuditAction.VIEW, obj=resident, summary=resident.name, request=request)


@transaction.atomic
def assign_building_to_grid(*, building: Building, grid: Grid | None) -> None:
    """Move a building (its households and residents) into a grid of the same community. In people, not
    places: the residents carry a copy of their grid."""
    if grid is not None and grid.community_id != building.compound.community_id:
        raise DomainError("grid_other_community", _("That grid belongs to another community."), field="grid")
    building.grid = grid
    building.save(update_fields=["grid"])
    households = Household.objects.filter(unit__building=building)
    households.update(grid=grid)
    Resident.objects.filter(household__in=households).update(grid=grid)


__all__ = [
    "Role",
    "ResidentData",
    "assign_building_to_grid",
    "audit_view",
    "clean_resident",
    "create_resident",
    "move_resident",
    "record_travel",
    "record_visit",
    "reveal_id_number",
    "update_resident",
]
