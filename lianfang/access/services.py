"""Use cases of closed management. Each is one transaction; views, the API and commands call these."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lianfang.access.models import (
    Decision,
    Delivery,
    GateDevice,
    OutingPolicy,
    Pass,
    Passage,
    PassKind,
    PassStatus,
    Visitor,
    VisitorRule,
    new_pass_number,
)
from lianfang.access.policy import policy_for_path
from lianfang.access.scan import MAX_TEMP, MIN_TEMP, _local_midnight, _next_allowed, _parse_temperature
from lianfang.accounts.models import ApiToken
from lianfang.core import audit
from lianfang.core.audit import AuditAction
from lianfang.core.errors import DomainError
from lianfang.core.phones import parse_phone
from lianfang.core.roles import KEEP_GATE, MANAGE_PASSES, SET_OUTING_RULES
from lianfang.core.scoping import authorize_write
from lianfang.places.models import Area, Building, Compound, Gate, Household

DEFAULT_VALID_DAYS = 60


def _validity(
    valid_from: datetime.date | None, valid_to: datetime.date | None
) -> tuple[datetime.date, datetime.date]:
    start = valid_from or timezone.localdate()
    end = valid_to or start + datetime.timedelta(days=DEFAULT_VALID_DAYS)
    if end < start:
        raise DomainError("validity_bad", _("A pass cannot end before it starts."), field="valid_to")
    if (end - start).days > 366:
        raise DomainError("validity_too_long", _("A pass is valid for a year at most."), field="valid_to")
    return start, end


@transaction.atomic
def issue_pass(
    *,
    user: Any,
    kind: str,
    household: Household | None = None,
    resident: Any = None,
    compound: Compound | None = None,
    area: Area | None = None,
    plate: str = "",
    holder: str = "",
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> Pass:
    if kind not in PassKind.values:
        raise DomainError("kind_bad", _("Unknown pass kind."), field="kind")
    if resident is not None:
        household = resident.household
    if kind in (PassKind.HOUSEHOLD, PassKind.PERSON, PassKind.VEHICLE) and household is None:
        raise DomainError(
            "household_missing", _("This kind of pass belongs to a household."), field="household"
        )
    if kind == PassKind.PERSON and resident is None:
        raise DomainError("resident_missing", _("A personal pass needs the resident."), field="resident")
    plate = "".join(plate.split()).upper()
    if kind == PassKind.VEHICLE and not plate:
        raise DomainError("plate_missing", _("A vehicle pass needs the plate number."), field="plate")
    if kind == PassKind.WORK and not holder.strip():
        raise DomainError(
            "holder_missing", _("A work pass needs the unit and duty of its holder."), field="holder"
        )
    place: Household | Compound | Area
    if household is not None:
        compound = household.compound
        place = household
    elif compound is not None:
        place = compound
    elif area is not None:
        place = area
    else:
        raise DomainError(
            "place_missing", _("Choose the compound or area the pass is valid in."), field="compound"
        )
    authorize_write(user, action=MANAGE_PASSES, obj=place)  # passes: community staff of the area
    path = place.path
    start, end = _validity(valid_from, valid_to)
    p = Pass.objects.create(
        kind=kind,
        household=household,
        resident=resident,
        compound=compound,
        plate=plate,
        holder=holder.strip(),
        valid_from=start,
        valid_to=end,
        path=path,
        issued_by=user,
    )
    audit.log(
        user=user,
        action=AuditAction.CREATE,
        obj=p,
        summary=gettext("Pass issued, valid {start} to {end}").format(
            start=start.isoformat(), end=end.isoformat()
        ),
    )
    return p


@dataclass
class BulkResult:
    created: int
    skipped: int


@transaction.atomic
def issue_household_passes(
    *,
    user: Any,
    compound: Compound,
    building: Building | None = None,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> BulkResult:
    """One household pass for every household of a compound (or building) that has no active one."""
    authorize_write(user, action=MANAGE_PASSES, obj=compound)
    if building is not None and building.compound_id != compound.pk:
        raise DomainError(
            "building_other_compound", _("That building is in another compound."), field="building"
        )
    start, end = _validity(valid_from, valid_to)
    households = Household.objects.filter(compound=compound)
    if building is not None:
        households = households.filter(unit__building=building)
    have = set(
        Pass.objects.filter(
            household__in=households,
            kind=PassKind.HOUSEHOLD,
            status__in=[PassStatus.ACTIVE, PassStatus.SUSPENDED],
        ).values_list("household_id", flat=True)
    )
    todo = [h for h in households.only("id", "path") if h.id not in have]
    numbers = _fresh_numbers(len(todo))
    Pass.objects.bulk_create(
        [
            Pass(
                kind=PassKind.HOUSEHOLD,
                household_id=h.id,
                compound=compound,
                number=n,
                valid_from=start,
                valid_to=end,
                path=h.path,
                issued_by=user,
            )
            for h, n in zip(todo, numbers, strict=True)
        ],
        batch_size=1000,
    )
    summary = (
        gettext("{created} household passes issued, {skipped} households already had one")
        if building is None
        else gettext("{building}: {created} household passes issued, {skipped} households already had one")
    ).format(building=building, created=len(todo), skipped=len(have))
    audit.log(user=user, action=AuditAction.CREATE, obj=compound, summary=summary)
    return BulkResult(created=len(todo), skipped=len(have))


def _fresh_numbers(n: int) -> list[str]:
    out: set[str] = set()
    while len(out) < n:
        batch = {new_pass_number() for _ in range(n - len(out))}
        batch -= set(Pass.objects.filter(number__in=batch).values_list("number", flat=True))
        out |= batch
    return list(out)


def _change_status(
    *, user: Any, p: Pass, status: str, reason: str, allowed_from: set[str], code: str, msg: Any, done: str
) -> Pass:
    """`done` is the audit trail's sentence for the change ("Pass suspended"), followed by the reason."""
    p = Pass.objects.select_for_update().get(pk=p.pk)
    authorize_write(user, action=MANAGE_PASSES, obj=p)
    if p.status not in allowed_from:
        raise DomainError(code, msg)
    p.status = status
    p.status_reason = reason.strip()[:200]
    p.save(update_fields=["status", "status_reason", "updated_at"])
    audit.log(user=user, action=AuditAction.CHANGE, obj=p, summary=audit.because(done, p.status_reason))
    return p


@transaction.atomic
def suspend_pass(*, user: Any, p: Pass, reason: str = "") -> Pass:
    return _change_status(
        user=user,
        p=p,
        status=PassStatus.SUSPENDED,
        reason=reason,
        allowed_from={PassStatus.ACTIVE},
        code="pass_not_active",
        msg=_("Only an active pass can be suspended."),
        done=gettext("Pass suspended"),
    )


@transaction.atomic
def resume_pass(*, user: Any, p: Pass, reason: str = "") -> Pass:
    return _change_status(
        user=user,
        p=p,
        status=PassStatus.ACTIVE,
        reason=reason,
        allowed_from={PassStatus.SUSPENDED},
        code="pass_not_suspended",
        msg=_("Only a suspended pass can be resumed."),
        done=gettext("Pass resumed"),
    )


@transaction.atomic
def revoke_pass(*, user: Any, p: Pass, reason: str) -> Pass:
    if not reason.strip():
        raise DomainError("reason_missing", _("Say why the pass is revoked."), field="reason")
    return _change_status(
        user=user,
        p=p,
        status=PassStatus.REVOKED,
        reason=reason,
        allowed_from={PassStatus.ACTIVE, PassStatus.SUSPENDED},
        code="pass_revoked",
        msg=_("This pass is already revoked."),
        done=gettext("Pass revoked"),
    )


@transaction.atomic
def reissue_pass(*, user: Any, p: Pass, reason: str = "") -> Pass:
    """A new card for a lost one: the version goes up, so every earlier QR is void."""
    p = Pass.objects.select_for_update().get(pk=p.pk)
    authorize_write(user, action=MANAGE_PASSES, obj=p)
    if p.status == PassStatus.REVOKED:
        raise DomainError("pass_revoked", _("A revoked pass cannot be reissued; issue a new one."))
    p.version += 1
    p.status_reason = reason.strip()[:200]
    p.save(update_fields=["version", "status_reason", "updated_at"])
    audit.log(
        user=user,
        action=AuditAction.CHANGE,
        obj=p,
        summary=audit.because(
            gettext("Pass reissued (card version {version})").format(version=p.version),
            p.status_reason,
        ),
    )
    return p


@transaction.atomic
def set_gate_open(*, user: Any, gate: Gate, is_open: bool) -> Gate:
    authorize_write(user, action=MANAGE_PASSES, obj=gate)
    gate.is_open = is_open
    gate.save(update_fields=["is_open"])
    audit.log(
        user=user,
        action=AuditAction.CHANGE,
        obj=gate,
        summary=gettext("Gate opened") if is_open else gettext("Gate closed"),
    )
    return gate


@transaction.atomic
def set_outing_policy(*, user: Any, area: Area, **values: Any) -> OutingPolicy:
    authorize_write(user, action=SET_OUTING_RULES, obj=area)
    if int(values.get("exits_per_period", 1)) < 1 or int(values.get("period_days", 2)) < 1:
        raise DomainError("policy_bad", _("Exits and days must both be at least 1."))
    policy, _created = OutingPolicy.objects.update_or_create(
        area=area, defaults={**values, "updated_by": user}
    )
    return policy


@transaction.atomic
def create_gate_device(*, gate: Gate, name: str = "", user: Any = None) -> tuple[GateDevice, str]:
    """A device token for one gate; the raw token is shown once."""
    raw = "lfg_" + secrets.token_urlsafe(32)
    device = GateDevice.objects.create(gate=gate, name=name, digest=ApiToken.hash(raw))
    if user is not None:
        audit.log(
            user=user,
            action=AuditAction.CREATE,
            obj=gate,
            summary=gettext("Gate device added: {name}").format(name=name)
            if name
            else gettext("Gate device added"),
        )
    return device, raw


@transaction.atomic
def revoke_gate_device(*, device: GateDevice) -> None:
    device.revoked_at = timezone.now()
    device.save(update_fields=["revoked_at"])


@transaction.atomic
def register_visitor(
    *, guard: Any, gate: Gate, name: str, phone: str, purpose: str, host: Household | None, temperature: Any
) -> Visitor:
    authorize_write(guard, action=KEEP_GATE, obj=gate)
    name = " ".join(name.split())
    if not name:
        raise DomainError("name_missing", _("The visitor's name is missing."), field="name")
    phone = parse_phone(phone)
    if not phone:
        raise DomainError("phone_missing", _("The visitor's phone number is missing."), field="phone")
    if not purpose.strip():
        raise DomainError("purpose_missing", _("Say why the visitor comes."), field="purpose")
    try:
        temp = _parse_temperature(temperature)
    except ValueError:
        raise DomainError(
            "temperature_impossible", _("A temperature must be between 34 and 43 °C."), field="temperature"
        ) from None
    if temp is None:
        raise DomainError("temperature_missing", _("Take the temperature first."), field="temperature")
    if not (MIN_TEMP <= temp <= MAX_TEMP):
        raise DomainError(
            "temperature_impossible", _("A temperature must be between 34 and 43 °C."), field="temperature"
        )
    if host is not None and host.compound_id != gate.compound_id:
        raise DomainError(
            "host_other_compound", _("The host household lives in another compound."), field="host"
        )
    policy = policy_for_path(gate.path)
    if temp >= policy.fever_line:
        decision, code = Decision.REFERRED, "fever"
    elif policy.visitors == VisitorRule.REFUSE:
        decision, code = Decision.REFUSED, "visitors_refused"
    elif host is None:
        decision, code = Decision.REFUSED, "host_missing"
    else:
        decision, code = Decision.ALLOWED, "visitor_registered"
    return Visitor.objects.create(
        gate=gate,
        name=name,
        phone=phone,
        purpose=purpose.strip()[:200],
        host=host,
        temperature=temp,
        decision=decision,
        code=code,
        guard=guard,
        path=gate.path,
    )


@transaction.atomic
def log_delivery(
    *, guard: Any, gate: Gate, household: Household, carrier: str = "", note: str = ""
) -> Delivery:
    authorize_write(guard, action=KEEP_GATE, obj=gate)
    if household.compound_id != gate.compound_id:
        raise DomainError(
            "household_other_compound", _("That household lives in another compound."), field="household"
        )
    return Delivery.objects.create(
        gate=gate,
        household=household,
        carrier=carrier.strip()[:50],
        note=note.strip()[:200],
        guard=guard,
        path=gate.path,
    )


@transaction.atomic
def mark_picked_up(*, guard: Any, delivery: Delivery) -> Delivery:
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    authorize_write(guard, action=KEEP_GATE, obj=delivery)
    if delivery.picked_up_at:
        raise DomainError("already_picked_up", _("This delivery was already picked up."))
    delivery.picked_up_at = timezone.now()
    delivery.save(update_fields=["picked_up_at"])
    return delivery


def purge_passages() -> int:
    """Delete gate records older than the retention days of the policy that applies to their gate."""
    now = timezone.now()
    deleted = 0
    for gate_id, path in Gate.objects.values_list("id", "path"):
        days = policy_for_path(path).retention_days
        cutoff = now - datetime.timedelta(days=days)
        n, _detail = Passage.objects.filter(gate_id=gate_id, server_time__lt=cutoff).delete()
        deleted += n
    return deleted


@dataclass
class OutingStatus:
    exits_per_period: int
    period_days: int
    used: int
    left: int
    next_allowed: datetime.date | None
    suspended: bool


def outing_status(household: Household) -> OutingStatus:
    """What the household's own page says today: exits used and left, and the next allowed exit."""
    now = timezone.now()
    policy = policy_for_path(household.path)
    since = _local_midnight(policy.window_start(timezone.localdate(now)))
    used = Passage.objects.filter(household=household, counted=True, server_time__gte=since).count()
    left = max(policy.exits_per_period - used, 0)
    suspended = Pass.objects.filter(household=household, status=PassStatus.SUSPENDED).exists()
    return OutingStatus(
        exits_per_period=policy.exits_per_period,
        period_days=policy.period_days,
        used=used,
        left=left,
        next_allowed=_next_allowed(household.pk, policy, since) if left == 0 else timezone.localdate(now),
        suspended=suspended,
    )


@transaction.atomic
def ensure_link_key(*, household: Household, renew: bool = False) -> str:
    """The household's secret link key; `renew` replaces it (the old link stops working)."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.link_key and not renew:
        return household.link_key
    household.link_key = secrets.token_urlsafe(18)[:24]
    household.save(update_fields=["link_key"])
    return household.link_key
