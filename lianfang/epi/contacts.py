"""Contact candidates of a case (密切接触者), proposed from the registry and the gate log; a person decides.

Who is proposed, best first (`Candidate.score` orders the list the same way):

1. household members: the current residents of the case's household (the household at registration,
   `Case.household`, else the person's current one);
2. residents of the same unit (other households of the stairwell), when the area's policy says so
   (`EpiPolicy.same_unit_contacts`);
3. gate co-presence: every current member of a household whose passage at a gate fell within
   ±`contact_window_minutes` of a passage of the case's household at the same gate during the
   infectious period (a household pass is shared, so the whole household is proposed). More encounters
   first, then the closest in time;
4. secondary contacts (degree 2): household members of the case's CONFIRMED close contacts who are not
   close contacts themselves.

The case person is never proposed. The case's own household is never a gate reason (its members are
household contacts already).

Exact rules of the gate co-presence:
- a passage counts only when the person actually stood at the gate: decision `allowed` (went through)
  or `referred` (held at the gate for a fever check). Refused scans are left out: the holder was
  turned back at the scanner (a replaced or revoked pass, a forged or unreadable code), and what is
  proposed must be defensible to the family who will be quarantined;
- the infectious period runs from local midnight of (onset date - `infectious_days_before_onset`)
  (the report date stands in for a missing onset date) to the end of the isolation day (local
  midnight after it), or to `now` when the person is not isolated yet — whichever comes first. Start
  inclusive, end exclusive;
- the window is INCLUSIVE on both sides: with 15 minutes, a passage 15 min 0 s away is a contact,
  15 min 1 s away is not. `minutes_apart` is the whole minutes, rounded down (14 min 59 s -> 14);
- only passages with a household count (passes without one, e.g. a work pass of an outside unit,
  name nobody).

The SQL: one read of the case household's passages in the period (index access_passage_hh_time),
then one read of the other passages at those gates with one `gate_id = g AND server_time BETWEEN
t - W AND t + W` range per case passage (overlapping ranges of a gate merged) — index
access_passage_gate_time, one range scan each, never a scan of the gate's whole log — then the
current members of the households found. Both databases run the same ORM statements.
"""

from __future__ import annotations

import bisect
import datetime
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.access.models import Decision, Passage
from lianfang.core import audit
from lianfang.core.errors import DomainError
from lianfang.epi.models import Case, Contact, ContactReason, ContactStatus, QuarantineReason
from lianfang.people.models import Resident

GATE_DECISIONS = (Decision.ALLOWED.value, Decision.REFERRED.value)

# Score bands: household > unit > gate > secondary; within unit and gate, one point per encounter.
SCORE_HOUSEHOLD = 1000
SCORE_UNIT = 800
SCORE_GATE = 100
SCORE_SECONDARY = 50
MAX_ENCOUNTER_POINTS = {ContactReason.UNIT.value: 199, ContactReason.GATE.value: 699}


@dataclass
class Reason:
    kind: str  # ContactReason value: household, unit, gate, secondary
    text: str  # translated, e.g. "东门 11-20 08:14, 3 min apart"
    gate_id: int | None = None
    at: datetime.datetime | None = None  # the candidate's passage (gate reasons)
    minutes_apart: int | None = None  # whole minutes, rounded down

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.isoformat() if self.at else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reason:
        at = data.get("at")
        return cls(
            kind=data.get("kind", ""),
            text=data.get("text", ""),
            gate_id=data.get("gate_id"),
            at=datetime.datetime.fromisoformat(at) if at else None,
            minutes_apart=data.get("minutes_apart"),
        )


@dataclass
class Candidate:
    resident_id: int
    name: str
    household_label: str
    degree: int  # 1 close, 2 secondary
    score: int
    reasons: list[Reason]
    via_resident_id: int | None = None  # secondary: the confirmed contact whose household this is
    decision: str | None = None  # None | "confirmed" | "dismissed"
    contact_id: int | None = None
    household_id: int | None = None
    # Ordering helpers (closest gate encounter, in seconds); not part of what is shown.
    closest_seconds: float = field(default=float("inf"), repr=False)


def _not_found() -> DomainError:
    return DomainError("not_found", _("Not found in your area."), status=404)


def _visible_case(case: Case | int, user: Any) -> Case:
    case_id = case.pk if isinstance(case, Case) else case
    found = (
        Case.objects.visible_to(user)
        .select_related("resident", "household__compound")
        .filter(pk=case_id)
        .first()
    )
    if found is None:
        raise _not_found()
    return found


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def infectious_period(
    case: Case, rules: Any, now: datetime.datetime | None = None
) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end): from local midnight of (onset or report date) - N days to the end of the isolation
    day, or `now` when that comes first (or when there is no isolation date)."""
    now = now or timezone.now()
    first_day = (case.onset_date or case.report_date) - datetime.timedelta(
        days=rules.infectious_days_before_onset
    )
    start = _local_midnight(first_day)
    end = now
    if case.isolation_date:
        end = min(now, _local_midnight(case.isolation_date + datetime.timedelta(days=1)))
    return start, max(start, end)


def _full_label(compound: str | None, label: str | None) -> str:
    return f"{compound or ''} {label or ''}".strip()


Encounter = tuple[float, "Reason"]  # seconds to the nearest case passage, the reason shown
ResidentRow = tuple[int, str, int | None, str | None, str | None]  # id, name, household, label, compound
RESIDENT_ROW = ("id", "name", "household_id", "household__label", "household__compound__name")
MEMBER_ROW = (
    "household__residents__id",
    "household__residents__name",
    "household_id",
    "household__label",
    "household__compound__name",
)


def _gate_encounters(
    case: Case, household_id: int, start: datetime.datetime, end: datetime.datetime, window_minutes: int
) -> dict[int, tuple[ResidentRow, list[Encounter]]]:
    """The people met at a gate: resident id -> (their row, their encounters).

    A household pass names every current member of its household; a personal pass only its holder. The
    co-present passages come joined to their household's members in one statement (a few rows per
    passage), so that no list of household ids travels back to the database. One Reason per passage,
    shared by the members it names."""
    case_passages = list(
        Passage.objects.filter(
            Q(pass_obj__resident_id__isnull=True) | Q(pass_obj__resident_id=case.resident_id),
            household_id=household_id,
            server_time__gte=start,
            server_time__lt=end,
            decision__in=GATE_DECISIONS,
        )
        .order_by()
        .values_list("gate_id", "server_time", "gate__name")
    )
    if not case_passages:
        return {}
    window = datetime.timedelta(minutes=window_minutes)
    times: dict[int, list[datetime.datetime]] = {}
    names: dict[int, str] = {}
    for gate_id, at, name in case_passages:
        times.setdefault(gate_id, []).append(at)
        names[gate_id] = name
    ranges = Q()
    for gate_id, ts in times.items():
        ts.sort()
        lo, hi = ts[0] - window, ts[0] + window
        for t in ts[1:]:
            if t - window <= hi:
                hi = t + window
            else:
                ranges |= Q(gate_id=gate_id, server_time__gte=lo, server_time__lte=hi)
                lo, hi = t - window, t + window
        ranges |= Q(gate_id=gate_id, server_time__gte=lo, server_time__lte=hi)
    rows = (
        Passage.objects.filter(ranges, decision__in=GATE_DECISIONS, household_id__isnull=False)
        .exclude(household_id=household_id)
        .order_by()
        .values_list("pass_obj__resident_id", "gate_id", "server_time", *MEMBER_ROW)
    )
    template = _("{gate} {time}, {minutes} min apart")  # translated once, not once per reason
    tz = timezone.get_current_timezone()
    seen: dict[tuple[int, datetime.datetime], Encounter] = {}

    def encounter(gate_id: int, at: datetime.datetime) -> Encounter:
        hit = seen.get((gate_id, at))
        if hit is None:
            ts = times[gate_id]
            i = bisect.bisect_left(ts, at)
            seconds = min(abs((ts[j] - at).total_seconds()) for j in (i - 1, i) if 0 <= j < len(ts))
            minutes = int(seconds // 60)
            text = template.format(
                gate=names[gate_id], time=at.astimezone(tz).strftime("%m-%d %H:%M"), minutes=minutes
            )
            hit = seen[(gate_id, at)] = (
                seconds,
                Reason(ContactReason.GATE.value, text, gate_id, at, minutes),
            )
        return hit

    met: dict[int, tuple[ResidentRow, list[Encounter]]] = {}
    by_holder: dict[int, dict[tuple[int, datetime.datetime], Encounter]] = {}  # personal passes
    for person, gate_id, at, rid, *member in rows:
        if person is not None:
            by_holder.setdefault(person, {})[(gate_id, at)] = encounter(gate_id, at)
        elif rid is not None and rid != case.resident_id:
            hit = met.get(rid)
            if hit is None:
                hit = met[rid] = ((rid, *member), [])  # type: ignore[assignment]
            hit[1].append(encounter(gate_id, at))
    if by_holder:  # personal passes (rare): their holders read apart, wherever they live now
        holders = (
            Resident.objects.filter(pk__in=list(by_holder))
            .exclude(pk=case.resident_id)
            .exclude(household_id=household_id)
            .order_by()
            .values_list(*RESIDENT_ROW)
        )
        for row in holders:
            met.setdefault(row[0], (row, []))[1].extend(by_holder[row[0]].values())
    return met


def candidates(case: Case | int, *, user: Any, now: datetime.datetime | None = None) -> list[Candidate]:
    """The ranked contact candidates of a case, with their reasons and any decision taken (module doc).

    The user must see the case (else DomainError not_found, as if it did not exist). Candidates are not
    filtered by the user's scope: a contact at a gate of the case's compound is proposed to whoever
    traces the case. Queries: the case, the policy, household and unit, the case's passages, the
    co-present passages, their people, the decisions (+1 for secondary contacts once some are confirmed)."""
    from lianfang.epi.policy import epi_policy_for_path

    case = _visible_case(case, user)
    rules = epi_policy_for_path(case.path)
    start, end = infectious_period(case, rules, now=now)
    household = case.household or (case.resident.household if case.resident.household_id else None)
    found: dict[int, Candidate] = {}

    def add(row: tuple, reason: Reason, degree: int = 1) -> Candidate:
        rid, name, hh, label, compound = row
        cand = found.get(rid)
        if cand is None:
            cand = found[rid] = Candidate(
                resident_id=rid,
                name=name,
                household_label=_full_label(compound, label),
                degree=degree,
                score=0,
                reasons=[],
                household_id=hh,
            )
        cand.reasons.append(reason)
        return cand

    if household is not None:
        # 1 + 2: the household and (by policy) the rest of its unit, in one read.
        near = Q(household__unit_id=household.unit_id) if rules.same_unit_contacts else Q(household=household)
        same_household, same_unit = _("Same household"), _("Same unit: {household}")
        compound = household.compound.name  # the unit's compound: no join for it
        rows = (
            Resident.objects.filter(near)
            .exclude(pk=case.resident_id)
            .order_by()
            .values_list("id", "name", "household_id", "household__label")
        )
        for rid, name, hh, label in rows:
            if hh == household.pk:
                add((rid, name, hh, label, compound), Reason(ContactReason.HOUSEHOLD.value, same_household))
            else:
                text = same_unit.format(household=_full_label(compound, label))
                add((rid, name, hh, label, compound), Reason(ContactReason.UNIT.value, text))

        # 3: gate co-presence. A household pass names its household; a personal pass, its person.
        met = _gate_encounters(case, household.pk, start, end, rules.contact_window_minutes)
        for row, encounters in met.values():
            encounters.sort(key=lambda e: (e[0], e[1].at))
            cand = found.get(row[0])
            if cand is None:
                cand = add(row, encounters[0][1])
                rest = encounters[1:]
            else:
                rest = encounters
            cand.reasons.extend(r for _s, r in rest)
            cand.closest_seconds = encounters[0][0]

    # Decisions taken, and 4: secondary contacts, from the confirmed close contacts' households.
    decided = list(
        Contact.objects.filter(case=case)
        .order_by()
        .values_list("id", "resident_id", "status", "degree", "reasons", "via__resident_id")
    )
    confirmed = {d[1] for d in decided if d[2] == ContactStatus.CONFIRMED and d[3] == 1}
    if confirmed:
        rows = list(
            Resident.objects.filter(household__residents__id__in=confirmed)
            .exclude(pk=case.resident_id)
            .order_by()
            .values_list(*RESIDENT_ROW, "household__residents__id", "household__residents__name")
        )
        for *row, via, via_name in rows:
            # Close contacts stay close; a second confirmed contact of the same household adds nothing.
            if via not in confirmed or row[0] in confirmed or row[0] in found:
                continue
            text = _("Household of close contact {name}").format(name=via_name)
            cand = add(tuple(row), Reason(ContactReason.SECONDARY.value, text), degree=2)
            cand.via_resident_id = via

    # Decided people no longer found (e.g. their passages were purged) stay listed with their stored reasons.
    missing = {d[1]: d for d in decided if d[1] not in found}
    if missing:
        for row in Resident.objects.filter(pk__in=list(missing)).order_by().values_list(*RESIDENT_ROW):
            _cid, rid, _status, degree, reasons, via_rid = missing[row[0]]
            found[rid] = Candidate(
                resident_id=rid,
                name=row[1],
                household_label=_full_label(row[4], row[3]),
                degree=degree,
                score=0,
                reasons=[Reason.from_json(r) for r in reasons or []],
                via_resident_id=via_rid,
                household_id=row[2],
            )
    for cid, rid, status, _degree, _reasons, _via in decided:
        if rid not in found:  # the person was deleted meanwhile
            continue
        found[rid].decision = status
        found[rid].contact_id = cid

    for cand in found.values():
        cand.score = _score(cand)
    return sorted(
        found.values(), key=lambda c: (-c.score, c.closest_seconds, c.household_label, c.resident_id)
    )


def _score(cand: Candidate) -> int:
    kinds = {r.kind for r in cand.reasons}
    gates = sum(1 for r in cand.reasons if r.kind == ContactReason.GATE)
    if ContactReason.HOUSEHOLD in kinds:
        return SCORE_HOUSEHOLD
    if ContactReason.UNIT in kinds:
        return SCORE_UNIT + min(gates, MAX_ENCOUNTER_POINTS[ContactReason.UNIT.value])
    if ContactReason.GATE in kinds:
        return SCORE_GATE + min(gates, MAX_ENCOUNTER_POINTS[ContactReason.GATE.value])
    if ContactReason.SECONDARY in kinds:
        return SCORE_SECONDARY
    return 0


# ------------------------------------------------------------------ decisions
def _resident_id(resident: Resident | int) -> int:
    return resident.pk if isinstance(resident, Resident) else int(resident)


def _decide(
    *, user: Any, case: Case | int, resident: Resident | int, now: datetime.datetime | None
) -> tuple[Case, Candidate]:
    """Shared checks of confirm/dismiss: the case is visible and editable, the person is a candidate
    not decided yet. Locks the case row so that two people deciding at once are serialized."""
    from lianfang.epi.policy import require_epi_editor

    found = _visible_case(case, user)
    require_epi_editor(user, found.path)
    Case.objects.select_for_update().filter(pk=found.pk).first()
    rid = _resident_id(resident)
    existing = Contact.objects.filter(case=found, resident_id=rid).first()
    if existing is not None:
        raise DomainError(
            "contact_already_decided",
            _("This person was already {decision} as a contact of this case.").format(
                decision=existing.get_status_display().lower()
            ),
        )
    match = next((c for c in candidates(found, user=user, now=now) if c.resident_id == rid), None)
    if match is None:
        raise DomainError(
            "not_a_candidate", _("This person is not among the contact candidates of this case.")
        )
    return found, match


def _create_contact(*, user: Any, case: Case, cand: Candidate, status: str, note: str) -> Contact:
    via = None
    if cand.via_resident_id:
        via = Contact.objects.filter(case=case, resident_id=cand.via_resident_id).first()
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                case=case,
                resident_id=cand.resident_id,
                degree=cand.degree,
                reasons=[r.as_json() for r in cand.reasons],
                via=via,
                status=status,
                note=note,
                path=case.path,
                decided_by=user if getattr(user, "is_authenticated", False) else None,
            )
    except IntegrityError:
        raise DomainError(
            "contact_already_decided", _("This person was already decided on as a contact of this case.")
        ) from None
    return contact


def _clean_note(note: str | None) -> str:
    note = (note or "").strip()
    if len(note) > 200:
        raise DomainError("note_too_long", _("The note is too long (200 characters at most)."), field="note")
    return note


@transaction.atomic
def confirm_contact(
    *,
    user: Any,
    case: Case | int,
    resident: Resident | int,
    quarantine_kind: str = "home",
    room: Any = None,
    note: str = "",
    now: datetime.datetime | None = None,
    today: datetime.date | None = None,
) -> Contact:
    """Confirm a candidate as a contact and start their quarantine (home, or a facility room)."""
    from lianfang.epi.services import start_quarantine

    note = _clean_note(note)
    found, cand = _decide(user=user, case=case, resident=resident, now=now)
    contact = _create_contact(user=user, case=found, cand=cand, status=ContactStatus.CONFIRMED, note=note)
    reason = QuarantineReason.CONTACT if cand.degree == 1 else QuarantineReason.SECONDARY
    start_quarantine(
        user=user,
        resident=Resident.objects.get(pk=cand.resident_id),
        kind=quarantine_kind,
        reason=reason,
        room=room,
        contact=contact,
        case=found,
        today=today,
    )
    audit.log(
        user=user,
        action=audit.AuditAction.CREATE,
        obj=contact,
        summary=f"contact confirmed: case #{found.pk}, resident #{cand.resident_id}, degree {cand.degree}",
    )
    return contact


@transaction.atomic
def dismiss_contact(
    *,
    user: Any,
    case: Case | int,
    resident: Resident | int,
    note: str,
    now: datetime.datetime | None = None,
) -> Contact:
    """Dismiss a candidate (not a contact), with the reason why (required)."""
    note = _clean_note(note)
    if not note:
        raise DomainError("note_required", _("Say why this person is not a contact."), field="note")
    found, cand = _decide(user=user, case=case, resident=resident, now=now)
    contact = _create_contact(user=user, case=found, cand=cand, status=ContactStatus.DISMISSED, note=note)
    audit.log(
        user=user,
        action=audit.AuditAction.CREATE,
        obj=contact,
        summary=f"contact dismissed: case #{found.pk}, resident #{cand.resident_id}",
    )
    return contact
