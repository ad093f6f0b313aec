"""The contact candidates of a case with the ORM: the test oracle of `contacts.CANDIDATES_SQL`.

Production finds the candidates in one statement (lianfang/epi/contacts.py). This is the same answer, step by
step, in a few ORM queries: the case as the user may see it, its rules (`epi_policy_for_path`) and
infectious period (`contacts.infectious_period`), then the household and (by policy) the unit, the gate
co-presence (the case passages' ranges of a gate merged into one `server_time BETWEEN` each), the decisions
and the secondary contacts, scored by `contacts._score`. test_contacts_paths_agree compares the two field by
field on random gate logs. Change the statement and this module together.
"""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.access.models import Passage
from lianfang.epi.contacts import (
    GATE_DECISIONS,
    Candidate,
    Reason,
    _local_text,
    _score,
    _visible_case,
    infectious_period,
)
from lianfang.epi.models import Case, Contact, ContactReason, ContactStatus
from lianfang.epi.policy import EpiRules, epi_policy_for_path
from lianfang.people.models import Resident


@dataclass(frozen=True)
class HomeFacts:
    """The case's household (the one at registration, else the person's current one)."""

    id: int
    unit_id: int
    compound: str


def candidates(case: Case | int, *, user: Any, now: datetime.datetime | None = None) -> list[Candidate]:
    """What `contacts.candidates` answers, ranked the same way."""
    found_case = _visible_case(case, user)  # else not_found
    rules = epi_policy_for_path(found_case.path)
    home = found_case.household or found_case.resident.household
    household = HomeFacts(home.pk, home.unit_id, home.compound.name) if home is not None else None
    start, end = infectious_period(found_case, rules, now=now)
    found = _found_orm(found_case, household, rules, start, end)
    for cand in found.values():
        cand.score = _score(cand)
    return sorted(
        found.values(), key=lambda c: (-c.score, c.closest_seconds, c.household_label, c.resident_id)
    )


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
            text = template.format(gate=names[gate_id], time=_local_text(at, tz), minutes=minutes)
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


def _found_orm(
    case: Case,
    household: HomeFacts | None,
    rules: EpiRules,
    start: datetime.datetime,
    end: datetime.datetime,
) -> dict[int, Candidate]:
    """The candidates, unranked, with the ORM (any database)."""
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
        near = (
            Q(household__unit_id=household.unit_id) if rules.same_unit_contacts else Q(household=household.id)
        )
        same_household, same_unit = _("Same household"), _("Same unit: {household}")
        compound = household.compound  # the unit's compound: no join for it
        rows = (
            Resident.objects.filter(near)
            .exclude(pk=case.resident_id)
            .order_by()
            .values_list("id", "name", "household_id", "household__label")
        )
        for rid, name, hh, label in rows:
            if hh == household.id:
                add((rid, name, hh, label, compound), Reason(ContactReason.HOUSEHOLD.value, same_household))
            else:
                text = same_unit.format(household=_full_label(compound, label))
                add((rid, name, hh, label, compound), Reason(ContactReason.UNIT.value, text))

        # 3: gate co-presence. A household pass names its household; a personal pass, its person.
        met = _gate_encounters(case, household.id, start, end, rules.contact_window_minutes)
        for row, encounters in met.values():
            encounters.sort(key=lambda e: (e[0], e[1].at, e[1].gate_id))
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
        rows.sort(key=lambda r: r[-2])  # the first confirmed member (by id) is the one named
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

    return found
