"""The gate decision in Python: the test oracle of the SQL function `access_record_scan`.

Production decides a scan in one call of the SQL function (lianfang/access/scan.py, migration access/0006).
This is the same decision written plainly: after the same request checks (`scan.check_scan`), one read of
the pass, its household, a first answer to this client_id and the household's exits in the window, the
checks in the order of the function (`decide`), and one insert (ON CONFLICT (client_id) DO NOTHING).
test_scan_paths_agree runs both on random gate situations and compares the answers, the stored passages,
the fever alerts and the household flags; test_scan_decision_codes checks that `decide` answers exactly the
codes the function answers. Change the function and this module together.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from lianfang.access import scan as gate_scan
from lianfang.access.fever import member_hints
from lianfang.access.gatecache import GateContext
from lianfang.access.models import DecisionCode, Direction, PassKind, PassStatus
from lianfang.access.policy import Policy
from lianfang.access.scan import CheckedScan, ScanInput, ScanResult
from lianfang.places.models import Compound, Household

# Few joins on purpose, as the function's reads: the compound's name comes from the gate, a retry's
# household label is read apart.
READ_SQL = """
SELECT p.id, p.kind, p.status, p.version, p.valid_from, p.valid_to, p.compound_id, p.path, p.household_id,
       h.label, h.compound_id, h.exits_held_until,
       e.decision, e.code, e.exits_left, e.next_allowed, e.temperature, e.household_id,
       (SELECT COUNT(*) FROM access_passage x
         WHERE x.household_id = p.household_id AND x.counted AND x.server_time >= %s) AS used
FROM (SELECT 1 AS one) o
LEFT JOIN access_pass p ON p.{key} = %s
LEFT JOIN places_household h ON h.id = p.household_id
LEFT JOIN access_passage e ON e.client_id = %s
"""

INSERT_SQL = """
INSERT INTO access_passage (client_id, gate_id, device_id, guard_id, pass_id, household_id, direction,
                            temperature, decision, code, counted, exits_left, next_allowed, client_time,
                            server_time, path)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (client_id) DO NOTHING
"""


def record_scan(*, gate: GateContext, scan: ScanInput, guard_id: int | None = None) -> ScanResult:
    """What `scan.record_scan` answers and stores, in Python: a read, `decide`, an insert, in one
    transaction (a savepoint inside the caller's)."""
    checked = gate_scan.check_scan(gate=gate, scan=scan)
    if isinstance(checked, ScanResult):
        return checked
    with transaction.atomic():
        return _read_decide_insert(checked, scan, guard_id)


def _read_decide_insert(c: CheckedScan, scan: ScanInput, guard_id: int | None) -> ScanResult:
    gate, policy, parsed = c.gate, c.policy, c.parsed
    key, key_value = ("number", parsed.number) if parsed.number else ("id", parsed.pass_id or 0)
    with connection.cursor() as cursor:
        cursor.execute(READ_SQL.format(key=key), [c.since, key_value, c.client_id])
        row = cursor.fetchone()
    (
        p_id,
        p_kind,
        p_status,
        p_version,
        p_from,
        p_to,
        p_compound,
        p_path,
        p_household,
        h_label,
        h_compound,
        h_held,
        e_decision,
        e_code,
        e_left,
        e_next,
        e_temp,
        e_household,
        used,
    ) = row

    if e_decision is not None:  # sent before: the first answer, nothing stored
        first = gate_scan._result(
            c.cid,
            e_code,
            exits_left=e_left,
            next_allowed=e_next,
            temperature=e_temp,
            fever_line=policy.fever_line,
            household=_label_of(e_household, gate),
        )
        first.duplicate = True
        if e_code == DecisionCode.FEVER:
            first.members = member_hints(e_household, c.today)
        return first

    household = _label(h_label, h_compound, gate)
    code, params = decide(
        gate=gate,
        policy=policy,
        parsed_error=parsed.error,
        version=parsed.version,
        p=(p_id, p_kind, p_status, p_version, p_from, p_to, p_compound, p_path, p_household),
        direction=c.direction,
        temperature=c.temperature,
        held_until=h_held,
        used=int(used or 0),
        today=c.today,
        now=c.now,
    )
    counted = code == DecisionCode.EXIT_ALLOWED
    exits_left = params.get("exits_left")
    next_allowed = None
    if code == DecisionCode.QUOTA_USED and p_household:
        next_allowed = gate_scan._next_allowed(p_household, policy, c.since)
    result = gate_scan._result(
        c.cid,
        code,
        household=household,
        exits_left=exits_left,
        next_allowed=next_allowed,
        temperature=c.temperature,
        fever_line=policy.fever_line,
        valid_to=p_to,
        valid_from=p_from,
        held_until=h_held,
    )
    values = [
        c.client_id,
        gate.gate_id,
        gate.device_id,
        guard_id,
        p_id if p_id else None,
        p_household if p_id else None,
        c.direction,
        c.temperature,
        result.decision,
        code,
        counted,
        exits_left,
        next_allowed,
        c.client_time,
        c.now,
        gate.path,
    ]
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SQL, values)
        stored = cursor.rowcount == 1
    if not stored:  # a retry raced its original: answer the original
        return record_scan(gate=gate, scan=scan, guard_id=guard_id)
    if code == DecisionCode.FEVER:
        gate_scan._raise_fever(
            gate=gate,
            household_id=p_household,
            household=household,
            temperature=c.temperature,
            policy=policy,
            client_id=c.cid,
            now=c.now,
        )
    result.stored = True
    if code == DecisionCode.FEVER:
        result.members = member_hints(p_household, c.today)
    return result


def _label(label: str | None, compound_id: int | None, gate: GateContext) -> str | None:
    """'阳光小区 3栋1单元101': what the guard reads; never a name."""
    if not label:
        return None
    if compound_id == gate.compound_id:
        return f"{gate.compound_name} {label}"
    name = Compound.objects.filter(pk=compound_id).values_list("name", flat=True).first() or ""
    return f"{name} {label}".strip()


def _label_of(household_id: int | None, gate: GateContext) -> str | None:
    if household_id is None:
        return None
    row = Household.objects.filter(pk=household_id).values_list("label", "compound_id").first()
    return _label(row[0], row[1], gate) if row else None


def decide(
    *,
    gate: GateContext,
    policy: Policy,
    parsed_error: str | None,
    version: int | None,
    p: tuple[Any, ...],
    direction: str,
    temperature: Decimal | None,
    used: int,
    today: datetime.date,
    now: datetime.datetime,
    held_until: datetime.date | None = None,
) -> tuple[str, dict[str, Any]]:
    """The checks of `access_record_scan`, in its order; the first that fails answers."""
    p_id, kind, status, p_version, valid_from, valid_to, compound_id, path, household_id = p
    if parsed_error == "malformed":
        return DecisionCode.TOKEN_MALFORMED, {}
    if parsed_error == "forged":
        return DecisionCode.TOKEN_FORGED, {}
    if p_id is None:
        return DecisionCode.PASS_UNKNOWN, {}
    if version is not None and version != p_version:
        return DecisionCode.PASS_REPLACED, {}
    if status == PassStatus.REVOKED:
        return DecisionCode.PASS_REVOKED, {}
    if compound_id is not None and compound_id != gate.compound_id:
        return DecisionCode.WRONG_COMPOUND, {}
    if compound_id is None and not gate.path.startswith(path):
        return DecisionCode.WRONG_COMPOUND, {}
    if valid_to is not None and today > valid_to:
        return DecisionCode.PASS_EXPIRED, {}
    if valid_from is not None and today < valid_from:
        return DecisionCode.PASS_NOT_YET_VALID, {}
    if not gate.is_open:
        return DecisionCode.GATE_CLOSED, {}
    if kind not in gate.accepted_kinds:
        return DecisionCode.KIND_NOT_ACCEPTED, {}
    if temperature is not None and temperature >= policy.fever_line:
        return DecisionCode.FEVER, {}
    if direction == Direction.IN:
        # Coming home is never refused to a resident with a valid pass of this compound.
        return DecisionCode.ENTRY_ALLOWED, {}
    if status == PassStatus.SUSPENDED:
        return DecisionCode.PASS_SUSPENDED, {}
    if held_until is not None and today <= held_until:
        # Home quarantine outranks every exemption of the pass kind.
        return DecisionCode.QUARANTINED, {}
    if policy.is_closed_at(timezone.localtime(now).time()):
        return DecisionCode.CLOSED_HOURS, {}
    if kind in policy.exempt_kinds or kind == PassKind.WORK or household_id is None:
        return DecisionCode.EXIT_EXEMPT, {}
    if used >= policy.exits_per_period:
        return DecisionCode.QUOTA_USED, {}
    return DecisionCode.EXIT_ALLOWED, {"exits_left": policy.exits_per_period - used - 1}
