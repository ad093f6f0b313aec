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

How it is read: ONE statement (`CANDIDATES_SQL`, one round trip), the only implementation: the case in
the user's scope with its policy and infectious period, the case household's passages in the period (index
access_passage_hh_time), the other passages at the same gate within ±W of each (index
access_passage_gate_time, one range scan per case passage, never a scan of a gate's whole log), the people
they name grouped per person, household and unit, decisions and secondary contacts — about one row per
person, plus one per co-present passage (its Reason is built once and shared by the people it names).
Its oracle, the same steps with the ORM in a few queries, is lianfang/epi/tests/contacts_oracle.py:
test_contacts_paths_agree builds random gate logs and checks that both give the same answer, field by
field. The benchmark (bench/bench_contacts.py) compares the statement with a hand-written one.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.access.models import Decision
from lianfang.core import audit
from lianfang.core.errors import DomainError
from lianfang.core.roles import EDIT_EPI
from lianfang.core.scoping import authorize_write
from lianfang.core.scoping import not_found as _not_found
from lianfang.epi.models import Case, Contact, ContactReason, ContactStatus, QuarantineReason
from lianfang.epi.policy import DEFAULT_RULES
from lianfang.epi.quarantines import start_quarantine
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


def candidates(case: Case | int, *, user: Any, now: datetime.datetime | None = None) -> list[Candidate]:
    """The ranked contact candidates of a case, with their reasons and any decision taken (module doc).

    The user must see the case (else DomainError not_found, as if it did not exist). Candidates are not
    filtered by the user's scope: a contact at a gate of the case's compound is proposed to whoever
    traces the case.

    One statement (`CANDIDATES_SQL`): the case in the user's scope, its rules and infectious period,
    household, unit, the gate co-presence grouped per person, the decisions and the secondary contacts.
    test_contacts_paths_agree compares it with its ORM oracle (epi/tests/contacts_oracle.py)."""
    found = _found(case, user, now)  # scored
    return sorted(
        found.values(), key=lambda c: (-c.score, c.closest_seconds, c.household_label, c.resident_id)
    )


# The case, its rules and its candidates in one statement.
# Parameters: case, now, tz (the current time zone's name), the default rules (window, days, same_unit),
# and those of {visible} — the user's scope (Case.objects.visible_to(user)), compiled by the ORM.
# k: the case as the user may see it (no row: not found), its household and unit, its rules (the EpiPolicy
# of the deepest area whose path starts the case's path, as epi_policy_for_path) and its infectious
# period (as infectious_period()); c: the case household's passages in the period
# (access_passage_hh_time); e: the other households' passages at the same gate within ±window of one of
# them, each once with the nearest distance (access_passage_gate_time, one range scan per case passage);
# met: the people each names (a household pass: its household's members; a personal pass: its holder);
# g: per person, the passages met, nearest first; d: the decisions; s: the secondary contacts (members of
# confirmed close contacts' households, named through the first confirmed member); ids: everyone
# proposed or decided.
# The answer: a 'p' row per co-present passage (its gate's name, time and distance: one Reason each,
# shared by the people it names), then a 'c' row per person. k leads the 'c' rows, so a visible case
# always gives at least one row.
GATE_DECISIONS_SQL = ", ".join(f"'{d}'" for d in GATE_DECISIONS)
CANDIDATES_SQL = f"""
WITH k AS MATERIALIZED (
    SELECT c.id AS case_id, c.resident_id AS person, h.id AS household, h.unit_id AS unit,
           coalesce(p.same_unit_contacts, %(same_unit)s) AS same_unit,
           make_interval(mins => coalesce(p.contact_window_minutes, %(window)s)) AS win,
           b.start,
           greatest(b.start, least(%(now)s, ((c.isolation_date + 1)::timestamp AT TIME ZONE %(tz)s))) AS stop
    FROM epi_case c
    JOIN people_resident r ON r.id = c.resident_id
    LEFT JOIN places_household h ON h.id = coalesce(c.household_id, r.household_id)
    LEFT JOIN LATERAL (
        SELECT p.* FROM (
            SELECT p.*, (SELECT a.path FROM places_area a WHERE a.id = p.area_id) AS area_path
            FROM epi_epipolicy p
        ) p
        WHERE substr(c.path, 1, length(p.area_path)) = p.area_path
        ORDER BY length(p.area_path) DESC LIMIT 1
    ) p ON c.path <> ''
    CROSS JOIN LATERAL (
        SELECT (coalesce(c.onset_date, c.report_date)
                - coalesce(p.infectious_days_before_onset, %(days)s))::timestamp AT TIME ZONE %(tz)s AS start
    ) b
    WHERE c.id = %(case)s AND c.id IN ({{visible}})
), c AS MATERIALIZED (
    SELECT p.gate_id, p.server_time
    FROM access_passage p
    LEFT JOIN access_pass cp ON cp.id = p.pass_id
    WHERE p.household_id = (SELECT household FROM k)
      AND p.server_time >= (SELECT start FROM k) AND p.server_time < (SELECT stop FROM k)
      AND p.decision IN ({GATE_DECISIONS_SQL})
      AND (cp.resident_id IS NULL OR cp.resident_id = (SELECT person FROM k))
), e AS (
    SELECT o.id, o.household_id, op.resident_id AS holder, o.gate_id, o.server_time,
           MIN(ABS(EXTRACT(EPOCH FROM o.server_time - c.server_time)))::float8 AS seconds
    FROM c
    JOIN access_passage o
      ON o.gate_id = c.gate_id
     AND o.server_time BETWEEN c.server_time - (SELECT win FROM k) AND c.server_time + (SELECT win FROM k)
    LEFT JOIN access_pass op ON op.id = o.pass_id
    WHERE o.decision IN ({GATE_DECISIONS_SQL})
      AND o.household_id IS NOT NULL AND o.household_id <> (SELECT household FROM k)
    GROUP BY o.id, op.resident_id
), met AS (
    SELECT r.id AS rid, e.id AS pid, e.gate_id, e.server_time, e.seconds
    FROM e JOIN people_resident r ON r.household_id = e.household_id
    WHERE e.holder IS NULL AND r.id <> (SELECT person FROM k)
    UNION ALL
    SELECT r.id, e.id, e.gate_id, e.server_time, e.seconds
    FROM e JOIN people_resident r ON r.id = e.holder
    WHERE r.id <> (SELECT person FROM k) AND r.household_id IS DISTINCT FROM (SELECT household FROM k)
), g AS (
    SELECT rid, array_agg(pid ORDER BY seconds, server_time, gate_id) AS pids
    FROM met
    GROUP BY rid
), d AS (
    SELECT d.id, d.resident_id, d.status, d.degree, d.reasons, v.resident_id AS via
    FROM epi_contact d
    LEFT JOIN epi_contact v ON v.id = d.via_id
    WHERE d.case_id = (SELECT case_id FROM k)
), s AS (
    SELECT DISTINCT ON (r.id) r.id AS rid, vr.id AS via, vr.name AS via_name
    FROM d
    JOIN people_resident vr ON vr.id = d.resident_id
    JOIN people_resident r ON r.household_id = vr.household_id
    WHERE d.status = '{ContactStatus.CONFIRMED.value}' AND d.degree = 1 AND r.id <> (SELECT person FROM k)
    ORDER BY r.id, vr.id
), ids AS (
    SELECT r.id AS rid
    FROM people_resident r
    WHERE r.household_id IN (
        SELECT h.id FROM places_household h
        WHERE h.id = (SELECT household FROM k)
           OR ((SELECT same_unit FROM k) AND h.unit_id = (SELECT unit FROM k))
    ) AND r.id <> (SELECT person FROM k)
    UNION SELECT rid FROM g
    UNION SELECT resident_id FROM d
    UNION SELECT rid FROM s
)
SELECT 'p', e.id, gt.name, e.gate_id, NULL, NULL, NULL, NULL::bigint[], NULL::json, NULL::json,
       e.server_time, e.seconds
FROM e JOIN (SELECT id, name FROM places_gate WHERE id IN (SELECT gate_id FROM c)) gt ON gt.id = e.gate_id
UNION ALL
SELECT 'c', r.id, r.name, r.household_id, h.label, co.name,
       CASE WHEN r.id = k.person THEN NULL
            WHEN r.household_id = k.household THEN '{ContactReason.HOUSEHOLD.value}'
            WHEN k.same_unit AND h.unit_id = k.unit THEN '{ContactReason.UNIT.value}' END,
       g.pids,
       (SELECT json_build_array(d.id, d.status, d.degree, d.reasons, d.via)
        FROM d WHERE d.resident_id = r.id),
       (SELECT json_build_array(s.via, s.via_name) FROM s WHERE s.rid = r.id),
       NULL, NULL
FROM k
LEFT JOIN (
    ids
    JOIN people_resident r ON r.id = ids.rid
    LEFT JOIN places_household h ON h.id = r.household_id
    LEFT JOIN places_compound co ON co.id = h.compound_id
    LEFT JOIN g ON g.rid = r.id
) ON true
"""


# The statement for each scope seen (the Case scope rule's filter for a user: the same for every user of
# the same role and area), with Case.objects.visible_to's filter compiled in; a few hundred at most.
_statements: dict[Q, tuple[str, dict[str, Any]]] = {}


def _statement_for(user: Any) -> tuple[str, dict[str, Any]] | None:
    """CANDIDATES_SQL with {visible} = the cases `Case.objects.visible_to(user)` reads (ScopeRule.q_for
    is what visible_to filters on), and that filter's parameters; None when the user sees no case."""
    q = Case.scope.q_for(user)  # type: ignore[attr-defined]
    if q is None:
        return None
    hit = _statements.get(q)
    if hit is None:
        visible, vparams = Case.objects.filter(q).values("pk").order_by().query.sql_with_params()
        pieces = re.split(r"(?<!%)%s", visible)  # its positional parameters, named
        visible = pieces[0] + "".join(f"%(v{i})s{piece}" for i, piece in enumerate(pieces[1:]))
        if len(_statements) >= 512:
            _statements.clear()
        hit = _statements[q] = (
            CANDIDATES_SQL.replace("{visible}", visible),
            {f"v{i}": v for i, v in enumerate(vparams)},
        )
    return hit


def _found(case: Case | int, user: Any, now: datetime.datetime | None) -> dict[int, Candidate]:
    """The candidates, scored and unranked, from CANDIDATES_SQL, in one round trip."""
    statement = _statement_for(user)
    if statement is None:
        raise _not_found()
    sql, scope_params = statement
    params = scope_params | {
        "case": case.pk if isinstance(case, Case) else case,
        "now": now or timezone.now(),
        "tz": timezone.get_current_timezone_name(),
        "window": DEFAULT_RULES.contact_window_minutes,
        "days": DEFAULT_RULES.infectious_days_before_onset,
        "same_unit": DEFAULT_RULES.same_unit_contacts,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        raise _not_found()
    return _candidates_of_rows(rows)


def _candidates_of_rows(rows: list[tuple[Any, ...]]) -> dict[int, Candidate]:
    """The Candidates of CANDIDATES_SQL's rows, scored as _score() scores them: household > unit +
    encounters > gate + encounters > secondary."""
    same_household, same_unit = _("Same household"), _("Same unit: {household}")
    template = _("{gate} {time}, {minutes} min apart")
    secondary = _("Household of close contact {name}")
    tz = timezone.get_current_timezone()
    household_kind, unit_kind = ContactReason.HOUSEHOLD.value, ContactReason.UNIT.value
    gate_kind = ContactReason.GATE.value
    unit_cap = MAX_ENCOUNTER_POINTS[ContactReason.UNIT.value]
    gate_cap = MAX_ENCOUNTER_POINTS[ContactReason.GATE.value]
    passages: dict[int, tuple[Reason, float]] = {}  # one Reason per passage, shared by the people it names
    people = []
    for kind, pid, gate_name, gate_id, *rest, at, seconds in rows:
        if kind == "p":
            minutes = int(seconds // 60)
            text = template.format(gate=gate_name, time=_local_text(at, tz), minutes=minutes)
            passages[pid] = (Reason(gate_kind, text, gate_id, at, minutes), seconds)
        else:
            people.append((pid, gate_name, gate_id, *rest))
    found: dict[int, Candidate] = {}
    for rid, name, hh, label, compound, near, pids, decided, named in people:
        if rid is None:  # the case's row alone: no candidates
            continue
        full = f"{compound or ''} {label or ''}".strip()
        reasons: list[Reason] = []
        if near == household_kind:
            reasons.append(Reason(household_kind, same_household))
            score = SCORE_HOUSEHOLD
        elif near == unit_kind:
            reasons.append(Reason(unit_kind, same_unit.format(household=full)))
            score = SCORE_UNIT + min(len(pids) if pids else 0, unit_cap)
        elif pids:
            score = SCORE_GATE + min(len(pids), gate_cap)
        else:
            score = 0
        cand = Candidate(rid, name, full, 1, score, reasons, None, None, None, hh)
        if pids:
            met = [passages[p] for p in pids]
            reasons.extend(r for r, _s in met)
            cand.closest_seconds = met[0][1]
        cid = status = None
        if decided is not None:  # [contact id, status, degree, stored reasons, via resident]
            cid, status, degree, stored, via_rid = decided
            cand.decision, cand.contact_id = status, cid
        if not reasons:
            if named is not None and not (status == ContactStatus.CONFIRMED and degree == 1):
                # [the confirmed member, their name]
                cand.degree, cand.via_resident_id, cand.score = 2, named[0], SCORE_SECONDARY
                reasons.append(Reason(ContactReason.SECONDARY.value, secondary.format(name=named[1])))
            elif cid is not None:  # decided, no longer found: stays listed with its stored reasons
                if isinstance(stored, str):
                    stored = json.loads(stored)
                cand.degree, cand.via_resident_id = degree, via_rid
                cand.reasons = [Reason.from_json(r) for r in stored or []]
                cand.score = _score(cand)
            else:
                continue
        found[rid] = cand
    return found


def _local_text(at: datetime.datetime, tz: Any) -> str:
    """ "03-10 08:15": month, day, hour and minute in the local time zone (strftime("%m-%d %H:%M"))."""
    t = at.astimezone(tz)
    return f"{t.month:02}-{t.day:02} {t.hour:02}:{t.minute:02}"


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
    found = _visible_case(case, user)
    authorize_write(user, action=EDIT_EPI, obj=found)
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
        summary=audit.because(
            (
                _("Secondary contact of {case} confirmed")
                if cand.degree == 2
                else _("Close contact of {case} confirmed")
            ).format(case=found.resident.name),
            audit.listed(r.text for r in cand.reasons),
        ),
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
        summary=audit.because(_("Not a contact of {case}").format(case=found.resident.name), note),
    )
    return contact
