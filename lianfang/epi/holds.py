"""The gate hold of a household (`Household.exits_held_until`), derived from its reasons.

The rule, in one place (docs/epidemic.md repeats it for staff):

A household's exits are held — the gate refuses them with `quarantined`; coming home stays allowed —
while ANY of these reasons holds it:

1. **Lockdown.** An active lockdown whose area (its unit, building or compound) contains the household,
   whatever its members' own states: people who became cases, people sent to a facility, an empty
   household. Held until the lockdown's last day (`Lockdown.ends_on`).
2. **Home quarantine.** An active home quarantine of the household (`Quarantine.household`): held until
   its last day (`planned_end`). Facility quarantines hold nobody's exits.
3. **Open case at home.** An open case (suspected, confirmed, asymptomatic) of a current member
   (`Resident.household`) who has not been moved to hospital or a facility yet — the case has no
   `isolation_date` (isolation dates are never in the future). Such a case has no last day, so the hold
   is open-ended: `HOLD_OPEN_ENDED` (9999-12-31), until the case is isolated, excluded or recovered.

`exits_held_until` is the latest of those days, or empty when no reason holds. The gate refuses an exit
while `today <= exits_held_until`, so a hold runs out by date with no job at midnight. Each reason is
read from its own table every time, so registering a case, moving a person or ending one reason never
lifts a hold that another reason still imposes: every service that changes a reason (a case registered,
changed, isolated; a lockdown applied, extended, lifted; a quarantine started, extended, shortened,
released or ended) calls `recompute_holds` with the households it touched, inside its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from lianfang.epi.models import (
    OPEN_CASE_STATUSES,
    LockdownScope,
    LockdownStatus,
    QuarantineKind,
    QuarantineStatus,
)
from lianfang.epi.signals import holds_changed
from lianfang.places.models import HOLD_OPEN_ENDED, Household

# One correlated subquery per target household: the latest day of each reason, on their indexes —
# quarantines on (household, status), lockdowns on (compound, status), cases through the members
# (people_resident.household_id, then epi_case.resident_id). MAX() over a UNION ALL of the reasons' days:
# NULL when no reason holds.
# (An UPDATE ... FROM (GROUP BY) join was planned as nested loops over seq scans on fresh tables and ran
# for minutes on a few thousand households.)
_HELD_UNTIL = """(SELECT MAX(reason.until) FROM (
    SELECT q.planned_end AS until FROM epi_quarantine q
     WHERE q.household_id = places_household.id AND q.status = %s AND q.kind = %s
    UNION ALL
    SELECT l.ends_on FROM epi_lockdown l JOIN places_unit u ON u.id = places_household.unit_id
     WHERE l.compound_id = places_household.compound_id AND l.status = %s
       AND (l.scope_kind = %s
            OR (l.scope_kind = %s AND l.building_id = u.building_id)
            OR (l.scope_kind = %s AND l.unit_id = places_household.unit_id))
    UNION ALL
    SELECT %s FROM epi_case c JOIN people_resident r ON r.id = c.resident_id
     WHERE r.household_id = places_household.id AND c.isolation_date IS NULL AND c.status IN ({open})
) reason)""".format(open=", ".join(["%s"] * len(OPEN_CASE_STATUSES)))

HOLD_SQL = f"""
UPDATE places_household SET exits_held_until = {_HELD_UNTIL}
WHERE places_household.id IN ({{targets}})
  AND places_household.exits_held_until IS DISTINCT FROM {_HELD_UNTIL}
"""

HOLD_CHUNK = 5000


def _held_until_params() -> list[Any]:
    return [
        QuarantineStatus.ACTIVE.value,
        QuarantineKind.HOME.value,
        LockdownStatus.ACTIVE.value,
        LockdownScope.COMPOUND.value,
        LockdownScope.BUILDING.value,
        LockdownScope.UNIT.value,
        connection.ops.adapt_datefield_value(HOLD_OPEN_ENDED),
        *(status.value for status in OPEN_CASE_STATUSES),
    ]


def _ids(household_ids: Iterable[Any] | QuerySet) -> list[int]:
    """Plain ids from ids, or from a queryset of household ids (values(), values_list(), flat or not)."""
    ids: set[int] = set()
    for value in household_ids:
        if isinstance(value, dict):
            value = next(iter(value.values()), None)
        elif isinstance(value, tuple):
            value = value[0] if value else None
        elif isinstance(value, Household):
            value = value.pk
        if value is not None:
            ids.add(int(value))
    return sorted(ids)


def recompute_holds(household_ids: Iterable[Any] | QuerySet) -> None:
    """Set `Household.exits_held_until` from the reasons of the module's rule (the latest day any reason
    holds, None when none does) for all the households given (ids, or a queryset of household ids), in
    one set-based UPDATE per 5,000 households that writes only the rows that change; then send
    `holds_changed` with the sorted plain ids. Call it inside the service's transaction, after the
    reasons were written.

    The rows are locked first, in id order: a concurrent service that changed another reason of the same
    household (a case registered while a lockdown is lifted) either commits before the lock is granted —
    and the UPDATE, a new statement, sees its change — or recomputes after this one commits. Without the
    lock the later writer could overwrite a hold it did not see.

    The ids are read once and passed as a plain list: nested `IN (subquery)` filters on tables that
    PostgreSQL has no statistics for yet (a fresh database, a bulk load in progress) were planned as
    nested loops over whole tables and took minutes."""
    ids = _ids(household_ids)
    if not ids:
        return
    params = _held_until_params()
    with connection.cursor() as cursor:
        for i in range(0, len(ids), HOLD_CHUNK):  # bound the statement's parameters (PostgreSQL: 65,535)
            chunk = ids[i : i + HOLD_CHUNK]
            if connection.in_atomic_block:  # outside a transaction there is no later commit to wait for
                list(
                    Household.objects.select_for_update()
                    .filter(pk__in=chunk)
                    .order_by("pk")
                    .values_list("pk")
                )
            cursor.execute(HOLD_SQL.format(targets=", ".join(["%s"] * len(chunk))), params + chunk + params)
    holds_changed.send(sender=Household, household_ids=ids)
