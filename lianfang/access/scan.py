"""The gate decision (pretix's perform_checkin, for compounds): one SQL statement per scan.

`record_scan` checks the request itself in Python (`check_scan`: client id, direction, temperature, time;
refused without storing anything), then makes one call of the SQL function `access_record_scan`
(migrations access/0004 and 0006, which states it in full): it reads the pass, its household, a first answer
to this client_id and the household's exits in the policy window, decides, and inserts the passage (ON
CONFLICT (client_id) DO NOTHING, so a retry racing its original stores nothing and gets the original's
answer). The function is the only implementation of the decision. Its twin in Python,
lianfang/access/tests/scan_oracle.py, is the test oracle that test_scan_paths_agree compares it with, scan by
scan, on random gate situations; the codes it may answer are `DecisionCode` (test_scan_decision_codes).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import threading
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import psycopg
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.access import messages
from lianfang.access.fever import fever_alert_key, member_hints
from lianfang.access.gatecache import GateContext
from lianfang.access.models import DecisionCode, Direction
from lianfang.access.policy import Policy, policy_for_path
from lianfang.access.tokens import Parsed, parse_token
from lianfang.core import bounds
from lianfang.core.alerts import raise_alert
from lianfang.core.errors import DomainError
from lianfang.core.models import AlertKind, AlertSeverity
from lianfang.places.models import Household

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
    members: list[dict[str, Any]] | None = None  # a fever: the household's members by position (no names)

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
            "members": self.members,
        }


@dataclass(slots=True)
class CheckedScan:
    """A scan whose request is well formed (`check_scan`), with what the decision and its record need."""

    gate: GateContext
    policy: Policy
    parsed: Parsed
    client_id: uuid.UUID
    cid: str  # client_id as the answer spells it
    direction: str
    temperature: Decimal | None
    client_time: datetime.datetime | None
    now: datetime.datetime
    today: datetime.date
    since: datetime.datetime  # local midnight of the first day of the policy's window


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


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


NEXT_SQL = """
SELECT server_time FROM access_passage
WHERE household_id = %s AND counted AND server_time >= %s
ORDER BY server_time
"""


def _next_allowed(household_id: int, policy: Policy, since: datetime.datetime) -> datetime.date | None:
    """The day the oldest exits leave the rolling window far enough for one more exit (the household's own
    page, services.outing_status; the gate's answer computes the same in access_record_scan)."""
    with connection.cursor() as cursor:
        cursor.execute(NEXT_SQL, [household_id, since])
        times = [row[0] for row in cursor.fetchall()]
    k = len(times)
    if k < policy.exits_per_period:
        return None
    return timezone.localtime(times[k - policy.exits_per_period]).date() + datetime.timedelta(
        days=policy.period_days
    )


def check_scan(*, gate: GateContext, scan: ScanInput) -> CheckedScan | ScanResult:
    """The request itself, before any pass is read: a ScanResult refusing it (one of
    messages.INPUT_CODES; nothing is stored, so the guard can correct it), else the checked scan, timed
    by the server's clock."""
    now = timezone.now()
    try:
        client_uuid = (
            scan.client_id if isinstance(scan.client_id, uuid.UUID) else uuid.UUID(str(scan.client_id))
        )
    except (ValueError, TypeError, AttributeError):
        return _result(str(scan.client_id or ""), DecisionCode.BAD_CLIENT_ID)
    cid = str(client_uuid)
    if scan.direction not in (Direction.IN, Direction.OUT):
        return _result(cid, DecisionCode.BAD_DIRECTION)
    try:
        temperature = _parse_temperature(scan.temperature)
    except ValueError:
        return _result(cid, DecisionCode.TEMPERATURE_IMPOSSIBLE)
    try:
        client_time = _parse_time(scan.scanned_at)
    except DomainError:
        return _result(cid, DecisionCode.SCANNED_AT_INVALID)
    policy = policy_for_path(gate.path)
    if temperature is None and policy.temperature_required:
        return _result(cid, DecisionCode.TEMPERATURE_MISSING)
    if temperature is not None and not (MIN_TEMP <= temperature <= MAX_TEMP):
        return _result(cid, DecisionCode.TEMPERATURE_IMPOSSIBLE)
    today = timezone.localdate(now)
    return CheckedScan(
        gate=gate,
        policy=policy,
        parsed=parse_token(scan.token),
        client_id=client_uuid,
        cid=cid,
        direction=scan.direction,
        temperature=temperature,
        client_time=client_time,
        now=now,
        today=today,
        since=_local_midnight(policy.window_start(today)),
    )


def record_scan(*, gate: GateContext, scan: ScanInput, guard_id: int | None = None) -> ScanResult:
    """Decide one scan at a gate and store it (once, whatever the retries) at the server's time: the
    request checked in Python (`check_scan`), then the decision and the insert in one SQL function call.
    (Tests choose the time with time-machine.)"""
    checked = check_scan(gate=gate, scan=scan)
    if isinstance(checked, ScanResult):
        return checked
    return _decide_and_store(checked, guard_id)


# The read, the decision and the insert in one round trip. The function is stated by migration
# access/0006_gate_scan_one_exit_at_a_time (0004's with the household lock); `_scan_cursor` runs it.
PG_SQL = (
    "SELECT * FROM access_record_scan(%s::uuid, %s::bigint, %s::bigint, %s::bigint, %s::bigint, %s::text, "
    "%s::boolean, %s::text[], %s::bigint, %s::text, %s::integer, %s::text, %s::text, %s::numeric, "
    "%s::timestamptz, %s::timestamptz, %s::date, %s::timestamptz, %s::boolean, %s::integer, %s::integer, "
    "%s::text[], %s::numeric, %s::text)"
)

# The scan cursor of each thread's connection (Django's connections are per thread).
_local = threading.local()


def _scan_cursor() -> Any:
    """The cursor of the scan statement: a psycopg cursor with server-side binding, kept open on the
    connection from scan to scan, inside Django's cursor wrapper.

    - psycopg (public API): `psycopg.Cursor(conn)` on the psycopg connection that Django holds
      (`connection.connection`) binds the 24 parameters on the server (extended protocol) instead of quoting
      them into the SQL text as Django's default client-side cursor does, and keeps its type adapters'
      lookups from scan to scan. (Django opens its psycopg connections with `prepare_threshold=None`, so the
      statement is not prepared; plpgsql keeps the plans of the statements inside the function anyway.)
    - Django: `make_debug_cursor` / `make_cursor`, the wrappers `connection.cursor()` itself puts around a
      database cursor: errors become django.db's, `connection.execute_wrapper` applies, and the statement
      is logged when queries are (the query-count tests see it)."""
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = connection.connection
    cursor: Any = getattr(_local, "cursor", None)  # (django-stubs type make_cursor's argument too narrowly)
    if cursor is None or cursor.closed or cursor.connection is not raw:
        cursor = _local.cursor = psycopg.Cursor(raw)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


@functools.lru_cache(maxsize=64)
def _pg_array(kinds: frozenset[str]) -> str:
    """{'work', 'household'} -> '{"household","work"}', the text form of a PostgreSQL text[], sent as one
    string (computed once per set of kinds) instead of a list that psycopg adapts element by element."""
    quoted = ('"' + k.replace("\\", "\\\\").replace('"', '\\"') + '"' for k in sorted(kinds))
    return "{" + ",".join(quoted) + "}"


def _decide_and_store(c: CheckedScan, guard_id: int | None) -> ScanResult:
    gate, policy, parsed = c.gate, c.policy, c.parsed
    params = [
        c.client_id,
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
        c.direction,
        c.temperature,
        c.client_time,
        c.now,
        c.today,
        c.since,
        policy.is_closed_at(timezone.localtime(c.now).time()),
        policy.exits_per_period,
        policy.period_days,
        _pg_array(policy.exempt_kinds),
        policy.fever_line,
        timezone.get_current_timezone_name(),
    ]
    fever = c.temperature is not None and c.temperature >= policy.fever_line
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
                c.cid,
                code,
                exits_left=exits_left,
                next_allowed=next_allowed,
                temperature=temp,
                fever_line=policy.fever_line,
                household=household,
            )
            first.duplicate = True
            if code == DecisionCode.FEVER:
                first.members = member_hints(household_id, c.today)
            return first
        if code == DecisionCode.FEVER:
            _raise_fever(
                gate=gate,
                household_id=household_id,
                household=household,
                temperature=c.temperature,
                policy=policy,
                client_id=c.cid,
                now=c.now,
            )
    result = _result(
        c.cid,
        code,
        household=household,
        exits_left=exits_left,
        next_allowed=next_allowed,
        temperature=c.temperature,
        fever_line=policy.fever_line,
        valid_to=v_to,
        valid_from=v_from,
        held_until=held,
    )
    result.stored = True
    if code == DecisionCode.FEVER:
        result.members = member_hints(household_id, c.today)
    return result


_NO_TRANSACTION = contextlib.nullcontext()


def queries_per_scan() -> int:
    """SQL statements one scan costs once the gate and policy caches are warm (new or retried, without
    fever): the one function call."""
    return 1


def record_scans(
    *, gate: GateContext, scans: list[ScanInput], guard_id: int | None = None
) -> list[ScanResult]:
    """A batch (a kiosk's buffer, the checkpoint's offline queue): each scan is decided, stored and committed
    on its own, in order. One transaction per scan keeps at most one household locked at a time (the exits
    of a household are decided one at a time): batches holding the locks of several households until a
    common commit waited on each other in cycles (deadlocks) as soon as two gates sent batches at once."""
    return [record_scan(gate=gate, scan=s, guard_id=guard_id) for s in scans]


# The household flagged, and its grid read back for the alert, in one statement.
FLAG_SQL = (
    f"UPDATE {Household._meta.db_table} SET flagged_at = %s, flag_reason = 'fever' "
    "WHERE id = %s RETURNING grid_id"
)


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
    """A fever at the gate: the household flagged and an urgent alert for the staff of the gate's area (and
    the household's grid worker). One alert per household (or, without a pass's household, per scan) and
    day: a second fever of the same household that day adds a 'signalled again' step to it. Two statements
    (the flag, the alert with its step); the response time comes from the cached policies."""
    grid_id = None
    if household_id:
        with connection.cursor() as cursor:
            cursor.execute(FLAG_SQL, [now, household_id])
            row = cursor.fetchone()
            grid_id = row[0] if row else None
    title = _("Fever at {gate}: {household} {t} °C").format(
        gate=f"{gate.compound_name} {gate.gate_name}", household=household or "-", t=temperature
    )
    raise_alert(
        kind=AlertKind.FEVER,
        severity=AlertSeverity.URGENT,
        title=title,
        detail=_("Fever line {line} °C. The person was referred at the gate.").format(line=policy.fever_line),
        path=gate.path,
        household_id=household_id,
        grid_id=grid_id,
        source_type="passage",
        source_id=client_id,
        created_at=now,
        dedup_key=fever_alert_key(household_id, timezone.localdate(now))
        if household_id
        else f"fever:{client_id}:{timezone.localdate(now).isoformat()}",
        again_note=f"{timezone.localtime(now):%H:%M} {title}",
    )
