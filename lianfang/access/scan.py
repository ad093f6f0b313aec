"""The gate decision (pretix's perform_checkin, for compounds): one round trip per scan on PostgreSQL.

PostgreSQL: one call of the SQL function `access_record_scan` (migration access/0004) reads the pass, its
household, a first answer to this client_id and the household's exits in the policy window, decides in
the order of `_decide` below, and inserts the passage (ON CONFLICT (client_id) DO NOTHING, so a retry
racing its original stores nothing and gets the original's answer).

Other databases (SQLite): the same in Python: one read, `_decide`, one insert (SQLite 3.35+).
The access tests run on both, and test_scan_paths_agree compares the two paths scan by scan.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.access import messages
from lianfang.access.gatecache import GateContext
from lianfang.access.models import Direction, Passage, PassKind, PassStatus
from lianfang.access.policy import Policy, policy_for_path
from lianfang.access.tokens import parse_token
from lianfang.core import bounds
from lianfang.core.errors import DomainError

MIN_TEMP, MAX_TEMP = Decimal("34.0"), Decimal("43.0")


@dataclass
class ScanInput:
    client_id: Any
    token: str
    direction: str
    temperature: Any = None
    scanned_at: Any = None

    @classmethod
    def from_mapping(cls, data: Any) -> ScanInput:
        """From a JSON object as devices and the checkpoint page send it (loosely typed on purpose:
        each field is checked by record_scan, so that one bad item of a batch is answered on its own)."""
        return cls(
            client_id=data.get("client_id"),
            token=str(data.get("token") or ""),
            direction=str(data.get("direction") or ""),
            temperature=data.get("temperature"),
            scanned_at=data.get("scanned_at"),
        )


@dataclass
class ScanResult:
    client_id: str
    decision: str
    code: str
    message: str = ""
    advice: str = ""
    household: str | None = None
    exits_left: int | None = None
    next_allowed: datetime.date | None = None
    stored: bool = False
    duplicate: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "decision": self.decision,
            "code": self.code,
            "message": self.message,
            "advice": self.advice,
            "household": self.household,
            "exits_left": self.exits_left,
            "next_allowed": self.next_allowed.isoformat() if self.next_allowed else None,
            "duplicate": self.duplicate,
        }


def _result(client_id: str, code: str, **params: Any) -> ScanResult:
    message, advice = messages.describe(code, **params)
    return ScanResult(
        client_id=client_id,
        decision=messages.DECISION_OF[code],
        code=code,
        message=message,
        advice=advice,
        household=params.get("household"),
        exits_left=params.get("exits_left"),
        next_allowed=params.get("next_allowed"),
    )


def _parse_temperature(raw: Any) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValueError from None
    if not value.is_finite():
        raise ValueError
    return value


def _parse_time(raw: Any) -> datetime.datetime | None:
    """The device's time, inside core.bounds' window for events (DomainError scanned_at_invalid)."""
    return bounds.parse_datetime(raw, bounds.EVENT, field="scanned_at", code="scanned_at_invalid")


# Few joins on purpose: PostgreSQL plans this statement on every execution, and planning a wider join
# cost more than running it. The compound's name comes from the gate; a retry's label is fetched apart.
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


_UUID_FIELD = Passage._meta.get_field("client_id")
_TIME_FIELD = Passage._meta.get_field("server_time")


def _db_uuid(value: uuid.UUID) -> Any:
    return _UUID_FIELD.get_db_prep_value(value, connection)


def _db_time(value: datetime.datetime | None) -> Any:
    return _TIME_FIELD.get_db_prep_value(value, connection)


def _db_date(value: Any) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


NEXT_SQL = """
SELECT server_time FROM access_passage
WHERE household_id = %s AND counted AND server_time >= %s
ORDER BY server_time
"""


def _next_allowed(household_id: int, policy: Policy, since: datetime.datetime) -> datetime.date | None:
    """The day the oldest exits leave the rolling window far enough for one more exit."""
    with connection.cursor() as cursor:
        cursor.execute(NEXT_SQL, [household_id, _db_time(since)])
        times = [row[0] for row in cursor.fetchall()]
    k = len(times)
    if k < policy.exits_per_period:
        return None
    pivot = times[k - policy.exits_per_period]
    if isinstance(pivot, str):  # SQLite hands back text
        pivot = datetime.datetime.fromisoformat(pivot)
    if timezone.is_naive(pivot):
        pivot = pivot.replace(tzinfo=datetime.UTC)
    return timezone.localtime(pivot).date() + datetime.timedelta(days=policy.period_days)


def record_scan(
    *,
    gate: GateContext,
    scan: ScanInput,
    guard_id: int | None = None,
    now: datetime.datetime | None = None,
    portable: bool = False,
) -> ScanResult:
    """Decide one scan at a gate and store it (once, whatever the retries).

    On PostgreSQL the decision and the insert are one SQL function call; elsewhere, or with
    portable=True (tests compare the two), a read, the decision in Python and an insert."""
    now = now or timezone.now()
    # 1. The request itself: refused without storing anything, so the guard can correct it.
    try:
        client_uuid = (
            scan.client_id if isinstance(scan.client_id, uuid.UUID) else uuid.UUID(str(scan.client_id))
        )
    except (ValueError, TypeError, AttributeError):
        return _result(str(scan.client_id or ""), "bad_client_id")
    cid = str(client_uuid)
    if scan.direction not in (Direction.IN, Direction.OUT):
        return _result(cid, "bad_direction")
    try:
        temperature = _parse_temperature(scan.temperature)
    except ValueError:
        return _result(cid, "temperature_impossible")
    try:
        client_time = _parse_time(scan.scanned_at)
    except DomainError:
        return _result(cid, "scanned_at_invalid")
    policy = policy_for_path(gate.path)
    if temperature is None and policy.temperature_required:
        return _result(cid, "temperature_missing")
    if temperature is not None and not (MIN_TEMP <= temperature <= MAX_TEMP):
        return _result(cid, "temperature_impossible")

    parsed = parse_token(scan.token)
    today = timezone.localdate(now)
    since = _local_midnight(policy.window_start(today))
    args: dict[str, Any] = {
        "gate": gate,
        "policy": policy,
        "parsed": parsed,
        "client_uuid": client_uuid,
        "cid": cid,
        "scan": scan,
        "temperature": temperature,
        "client_time": client_time,
        "guard_id": guard_id,
        "now": now,
        "today": today,
        "since": since,
    }
    if connection.vendor == "postgresql" and not portable:
        return _record_scan_pg(**args)
    # From the read to the insert in one transaction (on SQLite an immediate one, which takes the write
    # lock first), so that two exits of one household are decided one after the other, as the SQL
    # function's household lock does on PostgreSQL.
    with transaction.atomic():
        return _record_scan_py(**args)


def _record_scan_py(
    *,
    gate: GateContext,
    policy: Policy,
    parsed: Any,
    client_uuid: uuid.UUID,
    cid: str,
    scan: ScanInput,
    temperature: Decimal | None,
    client_time: datetime.datetime | None,
    guard_id: int | None,
    now: datetime.datetime,
    today: datetime.date,
    since: datetime.datetime,
) -> ScanResult:
    """Any database (SQLite in development and tests): a read, the decision in Python, an insert."""
    # 2. One read: pass, household, a previous answer to this client_id, exits in the window.
    key, key_value = ("number", parsed.number) if parsed.number else ("id", parsed.pass_id or 0)
    with connection.cursor() as cursor:
        cursor.execute(READ_SQL.format(key=key), [_db_time(since), key_value, _db_uuid(client_uuid)])
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
        first = _result(
            cid,
            e_code,
            exits_left=e_left,
            next_allowed=_db_date(e_next),
            temperature=e_temp,
            fever_line=policy.fever_line,
            household=_label_of(e_household, gate),
        )
        first.duplicate = True
        return first

    household = _label(h_label, h_compound, gate)
    code, params = _decide(
        gate=gate,
        policy=policy,
        parsed_error=parsed.error,
        version=parsed.version,
        p=(
            p_id,
            p_kind,
            p_status,
            p_version,
            _db_date(p_from),
            _db_date(p_to),
            p_compound,
            p_path,
            p_household,
        ),
        direction=scan.direction,
        temperature=temperature,
        held_until=_db_date(h_held),
        used=int(used or 0),
        today=today,
        now=now,
    )
    counted = code == "exit_allowed"
    exits_left = params.get("exits_left")
    next_allowed = None
    if code == "quota_used" and p_household:
        next_allowed = _next_allowed(p_household, policy, since)
    result = _result(
        cid,
        code,
        household=household,
        exits_left=exits_left,
        next_allowed=next_allowed,
        temperature=temperature,
        fever_line=policy.fever_line,
        valid_to=_db_date(p_to),
        valid_from=_db_date(p_from),
        held_until=_db_date(h_held),
    )

    values = [
        _db_uuid(client_uuid),
        gate.gate_id,
        gate.device_id,
        guard_id,
        p_id if p_id else None,
        p_household if p_id else None,
        scan.direction,
        temperature,
        result.decision,
        code,
        counted,
        exits_left,
        next_allowed,
        _db_time(client_time),
        _db_time(now),
        gate.path,
    ]
    if code == "fever":
        with transaction.atomic():
            stored = _insert(values)
            if stored:
                _raise_fever(
                    gate=gate,
                    household_id=p_household,
                    household=household,
                    temperature=temperature,
                    policy=policy,
                    client_id=cid,
                    now=now,
                )
    else:
        stored = _insert(values)
    if not stored:  # a retry raced its original: answer the original
        return record_scan(gate=gate, scan=scan, guard_id=guard_id, now=now)
    result.stored = True
    return result


# PostgreSQL: the read, the decision (scan._decide, in the same order) and the insert in one round trip.
# The function is created by migration access/0004_gate_scan_function (0006 adds the household lock); it
# runs as a prepared statement (_scan_cursor).
PG_SQL = (
    "SELECT * FROM access_record_scan(%s::uuid, %s::bigint, %s::bigint, %s::bigint, %s::bigint, %s::text, "
    "%s::boolean, %s::text[], %s::bigint, %s::text, %s::integer, %s::text, %s::text, %s::numeric, "
    "%s::timestamptz, %s::timestamptz, %s::date, %s::timestamptz, %s::boolean, %s::integer, %s::integer, "
    "%s::text[], %s::numeric, %s::text)"
)


def _scan_cursor() -> Any:
    """A Django cursor (counted by the query-count tests, errors wrapped as Django's) over a psycopg cursor
    with server-side binding, kept open on the connection from scan to scan: psycopg prepares the scan
    statement on the connection after a few executions, so neither side quotes, parses or plans its 24
    parameters on every scan, and the cursor's type adapters are looked up once."""
    db: Any = connection  # _prepare_cursor is Django's own wrapping of a cursor (not in the type stubs)
    db.ensure_connection()
    raw = db.connection
    cursor = getattr(db, "_lianfang_scan_cursor", None)
    if cursor is None or cursor.closed or cursor.connection is not raw:
        from django.db.backends.postgresql.base import ServerBindingCursor

        cursor = db._lianfang_scan_cursor = cast(Any, ServerBindingCursor)(raw)
    return db._prepare_cursor(cursor)


@functools.lru_cache(maxsize=64)
def _pg_array(kinds: frozenset[str]) -> str:
    """{'work', 'household'} -> '{"household","work"}', the text form of a PostgreSQL text[], sent as one
    string (computed once per set of kinds) instead of a list that psycopg adapts element by element."""
    quoted = ('"' + k.replace("\\", "\\\\").replace('"', '\\"') + '"' for k in sorted(kinds))
    return "{" + ",".join(quoted) + "}"


def _record_scan_pg(
    *,
    gate: GateContext,
    policy: Policy,
    parsed: Any,
    client_uuid: uuid.UUID,
    cid: str,
    scan: ScanInput,
    temperature: Decimal | None,
    client_time: datetime.datetime | None,
    guard_id: int | None,
    now: datetime.datetime,
    today: datetime.date,
    since: datetime.datetime,
) -> ScanResult:
    params = [
        client_uuid,
        gate.gate_id,
        gate.device_id,
        guard_id,
        gate.compound_id,
        gate.path,
        gate.is_open,
        _pg_array(gate.accepted_kinds),
        parsed.pass_id,
        parsed.number,
        parsed.version,
        parsed.error,
        scan.direction,
        temperature,
        client_time,
        now,
        today,
        since,
        policy.is_closed_at(timezone.localtime(now).time()),
        policy.exits_per_period,
        policy.period_days,
        _pg_array(policy.exempt_kinds),
        policy.fever_line,
        timezone.get_current_timezone_name(),
    ]
    fever = temperature is not None and temperature >= policy.fever_line
    with transaction.atomic() if fever else _NO_TRANSACTION:
        # Not closed after use (no `with`): the same cursor serves the next scan on this connection.
        cursor = _scan_cursor()
        cursor.execute(PG_SQL, params)
        dup, code, exits_left, next_allowed, temp, household_id, label, cname, v_from, v_to, held = (
            cursor.fetchone()
        )
        if label:
            household = f"{gate.compound_name} {label}" if cname is None else f"{cname} {label}".strip()
        else:
            household = None
        if dup:
            first = _result(
                cid,
                code,
                exits_left=exits_left,
                next_allowed=next_allowed,
                temperature=temp,
                fever_line=policy.fever_line,
                household=household,
            )
            first.duplicate = True
            return first
        if code == "fever":
            _raise_fever(
                gate=gate,
                household_id=household_id,
                household=household,
                temperature=temperature,
                policy=policy,
                client_id=cid,
                now=now,
            )
    result = _result(
        cid,
        code,
        household=household,
        exits_left=exits_left,
        next_allowed=next_allowed,
        temperature=temperature,
        fever_line=policy.fever_line,
        valid_to=v_to,
        valid_from=v_from,
        held_until=held,
    )
    result.stored = True
    return result


_NO_TRANSACTION = contextlib.nullcontext()


def queries_per_scan() -> int:
    """SQL statements one scan costs once the gate and policy caches are warm (new or retried, without
    fever): one on PostgreSQL; on SQLite the read, then the insert (or a retry's household label), in a
    transaction of their own (BEGIN), or in a savepoint (SAVEPOINT, RELEASE) inside a caller's."""
    if connection.vendor == "postgresql":
        return 1
    return 2 + (2 if connection.in_atomic_block else 1)


def record_scans(
    *, gate: GateContext, scans: list[ScanInput], guard_id: int | None = None
) -> list[ScanResult]:
    """A batch (a kiosk's buffer, the checkpoint's offline queue): each scan is decided, stored and committed
    on its own, in order. One transaction per scan keeps at most one household locked at a time (the exits
    of a household are decided one at a time): batches holding the locks of several households until a
    common commit waited on each other in cycles (deadlocks) as soon as two gates sent batches at once."""
    return [record_scan(gate=gate, scan=s, guard_id=guard_id) for s in scans]


def _label(label: str | None, compound_id: int | None, gate: GateContext) -> str | None:
    """'阳光小区 3栋1单元101': what the guard reads; never a name."""
    if not label:
        return None
    if compound_id == gate.compound_id:
        return f"{gate.compound_name} {label}"
    from lianfang.places.models import Compound

    name = Compound.objects.filter(pk=compound_id).values_list("name", flat=True).first() or ""
    return f"{name} {label}".strip()


def _label_of(household_id: int | None, gate: GateContext) -> str | None:
    if household_id is None:
        return None
    from lianfang.places.models import Household

    row = Household.objects.filter(pk=household_id).values_list("label", "compound_id").first()
    return _label(row[0], row[1], gate) if row else None


def _insert(values: list[Any]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SQL, values)
        return cursor.rowcount == 1


def _decide(
    *,
    gate: GateContext,
    policy: Policy,
    parsed_error: str | None,
    version: int | None,
    p: tuple,
    direction: str,
    temperature: Decimal | None,
    used: int,
    today: datetime.date,
    now: datetime.datetime,
    held_until: datetime.date | None = None,
) -> tuple[str, dict[str, Any]]:
    p_id, kind, status, p_version, valid_from, valid_to, compound_id, path, household_id = p
    if parsed_error == "malformed":
        return "token_malformed", {}
    if parsed_error == "forged":
        return "token_forged", {}
    if p_id is None:
        return "pass_unknown", {}
    if version is not None and version != p_version:
        return "pass_replaced", {}
    if status == PassStatus.REVOKED:
        return "pass_revoked", {}
    if compound_id is not None and compound_id != gate.compound_id:
        return "wrong_compound", {}
    if compound_id is None and not gate.path.startswith(path):
        return "wrong_compound", {}
    if valid_to is not None and today > valid_to:
        return "pass_expired", {}
    if valid_from is not None and today < valid_from:
        return "pass_not_yet_valid", {}
    if not gate.is_open:
        return "gate_closed", {}
    if kind not in gate.accepted_kinds:
        return "kind_not_accepted", {}
    if temperature is not None and temperature >= policy.fever_line:
        return "fever", {}
    if direction == Direction.IN:
        # Coming home is never refused to a resident with a valid pass of this compound.
        return "entry_allowed", {}
    if status == PassStatus.SUSPENDED:
        return "pass_suspended", {}
    if held_until is not None and today <= held_until:
        # Home quarantine outranks every exemption of the pass kind.
        return "quarantined", {}
    if policy.is_closed_at(timezone.localtime(now).time()):
        return "closed_hours", {}
    if kind in policy.exempt_kinds or kind == PassKind.WORK or household_id is None:
        return "exit_exempt", {}
    if used >= policy.exits_per_period:
        return "quota_used", {}
    return "exit_allowed", {"exits_left": policy.exits_per_period - used - 1}


def _raise_fever(
    *,
    gate: GateContext,
    household_id: int | None,
    household: str | None,
    temperature: Decimal | None,
    policy: Policy,
    client_id: str,
    now: datetime.datetime,
) -> None:
    from lianfang.core.models import Alert, AlertKind
    from lianfang.places.models import Household

    if household_id:
        Household.objects.filter(pk=household_id).update(flagged_at=now, flag_reason="fever")
    Alert.objects.create(
        kind=AlertKind.FEVER,
        title=_("Fever at {gate}: {household} {t} °C").format(
            gate=f"{gate.compound_name} {gate.gate_name}", household=household or "-", t=temperature
        ),
        detail=_("Fever line {line} °C. The person was referred at the gate.").format(line=policy.fever_line),
        path=gate.path,
        household_id=household_id,
        source_type="passage",
        source_id=client_id,
        created_at=now,
    )
