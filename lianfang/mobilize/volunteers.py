"""Report-in (报到): a person reports to a community; staff accept (an account with the volunteer role
scoped to the community is made, or the reporter's own volunteer account is kept) or decline; active <->
paused; a report-in lapses `lapse_months` after its acceptance or renewal (LimitPolicy) unless renewed.

The ID number is validated and protected exactly as residents' are (core.idnumbers); the same person reports
to a community once (a declined report-in may be made again). A resident's address is filled from the
registry by the ID number's hash."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.accounts.models import User
from lianfang.core import audit, idnumbers
from lianfang.core.audit import AuditAction
from lianfang.core.errors import DomainError
from lianfang.core.phones import parse_phone
from lianfang.core.roles import ACCEPT_VOLUNTEERS, Role
from lianfang.core.scoping import authorize_write, not_found
from lianfang.mobilize.limits import policy_for_path
from lianfang.mobilize.models import Skill, Volunteer, VolunteerKind, VolunteerStatus
from lianfang.people.models import Resident
from lianfang.places.models import Area, AreaLevel

MAX_TEXT = 200


def _text(raw: Any, field: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = " ".join(str(raw or "").split())
    if required and not text:
        raise DomainError(f"{field}_required", _("This field is required."), field=field)
    if len(text) > limit:
        raise DomainError("too_long", _("At most {n} characters, please.").format(n=limit), field=field)
    return text


def parse_skills(raw: Any) -> str:
    values = raw.split() if isinstance(raw, str) else list(raw or [])
    bad = [v for v in values if v not in Skill.values]
    if bad:
        raise DomainError("bad_skill", _("Choose skills from the list."), field="skills")
    return " ".join(dict.fromkeys(values))


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def community_by_code(code: Any) -> Area:
    area = Area.objects.filter(code=str(code or "").strip()[:20], level=AreaLevel.COMMUNITY).first()
    if area is None:
        raise DomainError("no_community", _("There is no community with this code."), field="community")
    return area


@dataclass(frozen=True)
class ReportIn:
    community: str  # the community's code
    name: str
    phone: str
    id_number: str
    kind: str
    employer: str = ""
    skills: Any = ""
    availability: str = ""


@transaction.atomic
def report_in(*, user: Any, data: ReportIn, now: datetime.datetime | None = None) -> Volunteer:
    """A person reports in to a community (from the public form, the API, or staff on their behalf).
    `user` is the logged-in reporter or None; a volunteer account reporting in is linked to the report."""
    now = now or timezone.now()
    if any("\x00" in str(value) for value in vars(data).values()):  # a multipart form is not checked upstream
        raise DomainError("nul_character", _("The request contains a NUL character."))
    community = community_by_code(data.community)
    name = _text(data.name, "name", required=True, limit=50)
    phone = parse_phone(data.phone)
    if not phone:
        raise DomainError("phone_required", _("A phone number is needed to reach you."), field="phone")
    info = idnumbers.parse(data.id_number)
    if data.kind not in VolunteerKind.values:
        raise DomainError("bad_kind", _("Choose how you report in."), field="kind")
    employer = _text(data.employer, "employer", limit=100)
    if data.kind == VolunteerKind.PARTY_MEMBER and not employer:
        raise DomainError(
            "employer_required",
            _("A party member in post names their employer (the service card goes there)."),
            field="employer",
        )
    stored = idnumbers.protect(info.number)
    taken = Volunteer.objects.select_for_update().filter(community=community, id_hash=stored.hash)
    if taken.exclude(status=VolunteerStatus.DECLINED).exists():
        raise DomainError(
            "already_reported", _("This person has already reported in to this community."), field="id_number"
        )
    resident = Resident.objects.filter(id_hash=stored.hash).select_related("household__compound").first()
    address = ""
    if resident is not None and resident.household is not None:
        address = f"{resident.household.compound.name} {resident.household.label}"
    own = user if getattr(user, "is_authenticated", False) and user.role == Role.VOLUNTEER else None
    volunteer = Volunteer.objects.create(
        community=community,
        path=community.path,
        user=own,
        name=name,
        phone=phone,
        id_hash=stored.hash,
        id_cipher=stored.cipher,
        id_prefix=stored.prefix,
        id_last4=stored.last4,
        kind=data.kind,
        employer=employer,
        skills=parse_skills(data.skills),
        availability=_text(data.availability, "availability"),
        resident=resident,
        address=address,
        reported_at=now,
    )
    return volunteer


def _visible(user: Any, pk: int | Volunteer, *, lock: bool = True) -> Volunteer:
    pk = pk.pk if isinstance(pk, Volunteer) else pk
    qs = Volunteer.objects.visible_to(user).select_related("community", "user")
    found = (qs.select_for_update(of=("self",)) if lock else qs).filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def _username_for(volunteer: Volunteer) -> str:
    base = f"v{volunteer.phone}"
    if not User.objects.filter(username=base).exists():
        return base
    return f"{base}-{volunteer.pk}"


@dataclass
class Acceptance:
    volunteer: Volunteer
    username: str
    password: str  # "" when the volunteer already had an account


@transaction.atomic
def accept_volunteer(
    *, user: Any, volunteer: int | Volunteer, now: datetime.datetime | None = None
) -> Acceptance:
    """Accept a pending (or renew a lapsed or paused) report-in: active until the policy's lapse date. A
    volunteer without an account gets one (role volunteer, scoped to the community) with a one-time password
    that staff hand over; an existing account is moved to the community."""
    authorize_write(user, action=ACCEPT_VOLUNTEERS)
    v = _visible(user, volunteer)
    authorize_write(user, action=ACCEPT_VOLUNTEERS, obj=v)
    if v.status == VolunteerStatus.DECLINED:
        raise DomainError(
            "volunteer_declined", _("This report-in was declined; the person may report in again.")
        )
    if v.status == VolunteerStatus.ACTIVE:
        raise DomainError("already_active", _("This volunteer is already active."))
    now = now or timezone.now()
    password = ""
    account = v.user
    if account is None:
        password = secrets.token_urlsafe(9)
        account = User.objects.create_user(
            username=_username_for(v),
            password=password,
            role=Role.VOLUNTEER,
            area=v.community,
            name=v.name,
            phone=v.phone,
        )
    elif account.role == Role.VOLUNTEER and account.area_id != v.community_id:
        account.area = v.community
        account.save()
    v.user = account
    v.status = VolunteerStatus.ACTIVE
    v.decided_at, v.decided_by, v.decline_reason = now, user, ""
    v.lapses_on = add_months(timezone.localtime(now).date(), policy_for_path(v.path).lapse_months)
    v.save()
    audit.log(
        user=user, action=AuditAction.CHANGE, obj=v, summary=str(_("Accepted the report-in")), path=v.path
    )
    return Acceptance(volunteer=v, username=account.username, password=password)


@transaction.atomic
def decline_volunteer(
    *, user: Any, volunteer: int | Volunteer, reason: str, now: datetime.datetime | None = None
) -> Volunteer:
    authorize_write(user, action=ACCEPT_VOLUNTEERS)
    v = _visible(user, volunteer)
    authorize_write(user, action=ACCEPT_VOLUNTEERS, obj=v)
    if v.status != VolunteerStatus.PENDING:
        raise DomainError("not_pending", _("Only a report-in waiting for acceptance can be declined."))
    v.status = VolunteerStatus.DECLINED
    v.decided_at, v.decided_by = now or timezone.now(), user
    v.decline_reason = _text(reason, "reason", required=True)
    v.save()
    return v


@transaction.atomic
def pause_volunteer(*, user: Any, volunteer: int | Volunteer, paused: bool) -> Volunteer:
    """Pause an active volunteer (no invitations, no claims) or resume a paused one."""
    authorize_write(user, action=ACCEPT_VOLUNTEERS)
    v = _visible(user, volunteer)
    authorize_write(user, action=ACCEPT_VOLUNTEERS, obj=v)
    before, after = (VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED)[:: 1 if paused else -1]
    if v.status != before:
        raise DomainError("bad_status", _("This volunteer is not {status}.").format(status=before.label))
    v.status = after
    v.save(update_fields=["status"])
    return v


def lapse_volunteers(*, today: datetime.date | None = None) -> int:
    """Active and paused report-ins past their lapse date become lapsed (the nightly task)."""
    today = today or timezone.localdate()
    return Volunteer.objects.filter(
        status__in=(VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED), lapses_on__lt=today
    ).update(status=VolunteerStatus.LAPSED)


def volunteer_of(user: Any) -> Volunteer | None:
    """The active (or paused) volunteer record of a logged-in volunteer account, in its community."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.VOLUNTEER:
        return None
    return (
        Volunteer.objects.filter(user=user, community_id=user.area_id)
        .exclude(status=VolunteerStatus.DECLINED)
        .order_by("-reported_at")
        .first()
    )


def require_active(v: Volunteer | None) -> Volunteer:
    """The volunteer, or a refusal saying why they may not serve."""
    if v is None:
        raise DomainError("not_a_volunteer", _("Report in to a community first."), status=403)
    if v.status == VolunteerStatus.LAPSED:
        raise DomainError("volunteer_lapsed", _("Your report-in has lapsed; ask your community to renew it."))
    if v.status == VolunteerStatus.DECLINED:
        raise DomainError("volunteer_declined", _("This report-in was declined."))
    if v.status == VolunteerStatus.PENDING:
        raise DomainError("volunteer_pending", _("Your report-in has not been accepted yet."))
    if v.status == VolunteerStatus.PAUSED:
        raise DomainError("volunteer_paused", _("This volunteer is paused."))
    return v
