"""Low stock: a minimum per store × item (`Threshold`), raised to the days of cover at the rate of the last 7
days' issues when set. The ledger calls `low_stock` after each posting, with the thresholds it read under
the balance locks: a (store, item) whose stock crossed below its level raises ONE alert (the dedup key names
the crossing: `low_stock:<store>:<item>:<crossing time in ms>`); `low_since` keeps the crossing until stock
is back at the level, which arms the alert again. Stock below its level, or low until now, is decided
on the threshold re-read under its lock (a level changed by `setup.set_threshold` while the posting waited is
the one that counts); a posting that leaves a well-stocked item well stocked reads nothing more.
"""

from __future__ import annotations

import datetime
import math

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from lianfang.core.alerts import raise_alert
from lianfang.core.models import AlertKind, AlertSeverity
from lianfang.supplies.models import Item, Location, Movement, MovementKind, Threshold

COVER_WINDOW_DAYS = 7  # days of issues that give the rate of use for days of cover


def cover_levels(thresholds: list[Threshold], now: datetime.datetime) -> dict[tuple[int, int], int]:
    """The days-of-cover level of each threshold that has one: days × the mean daily issues of the last
    7 days."""
    wanted = [t for t in thresholds if t.days_of_cover]
    if not wanted:
        return {}
    since = now - datetime.timedelta(days=COVER_WINDOW_DAYS)
    q = Q()
    for t in wanted:
        q |= Q(location_id=t.location_id, item_id=t.item_id)
    rows = (
        Movement.objects.filter(q, kind=MovementKind.ISSUE, at__gte=since)
        .values_list("location_id", "item_id")
        .annotate(n=Sum("quantity"))
    )
    used = {(loc, item): int(n) for loc, item, n in rows}
    return {
        (t.location_id, t.item_id): math.ceil(
            (t.days_of_cover or 0) * used.get((t.location_id, t.item_id), 0) / COVER_WINDOW_DAYS
        )
        for t in wanted
    }


def level_of(threshold: Threshold, cover: dict[tuple[int, int], int]) -> int:
    return max(threshold.minimum, cover.get((threshold.location_id, threshold.item_id), 0))


def low_stock(
    thresholds: dict[tuple[int, int], Threshold],
    before: dict[tuple[int, int], int],
    after: dict[tuple[int, int], int],
    locations: dict[int, Location],
    items: dict[int, Item],
    now: datetime.datetime,
) -> None:
    """Raise one alert for each (location, item) whose stock is now below its level and was not low yet; arm
    again those back at their level. `thresholds` were read with the balances, under their locks (so two
    postings never both see the same crossing)."""
    changed = [thresholds[key] for key in after if after[key] != before.get(key) and key in thresholds]
    if not changed:
        return
    cover = cover_levels(changed, now)
    for t in changed:
        key = (t.location_id, t.item_id)
        stock = after[key]
        if stock >= level_of(t, cover) and t.low_since is None:
            continue  # well stocked, and it was: nothing to decide (the usual posting reads no more)
        # Below the level, or low until now: decided on the threshold as it is now, locked. A level
        # changed by `setup.set_threshold` while this posting waited for the balances is not the one read
        # with them (that statement's snapshot is older).
        fresh = Threshold.objects.select_for_update().filter(pk=t.pk).first()
        if fresh is None:
            continue
        same = fresh.days_of_cover == t.days_of_cover
        level = level_of(fresh, cover if same else cover_levels([fresh], now))
        decision = _decide(fresh, stock, level)
        if decision == "raise":
            Threshold.objects.filter(pk=t.pk).update(low_since=now)
            loc, it = locations[t.location_id], items[t.item_id]
            raise_alert(
                kind=AlertKind.LOW_STOCK,
                severity=AlertSeverity.WARNING,
                title=_("Low stock: {item} at {store}").format(item=it.name, store=loc.name),
                detail=_("{stock} {unit} left; the level is {level} {unit}.").format(
                    stock=stock, unit=it.unit, level=level
                ),
                path=loc.path,
                source_type="supplies.threshold",
                source_id=str(t.pk),
                dedup_key=f"low_stock:{loc.pk}:{it.pk}:{int(now.timestamp() * 1000)}",
                created_at=now,
            )
        elif decision == "clear":
            Threshold.objects.filter(pk=t.pk).update(low_since=None)


def _decide(t: Threshold, stock: int, level: int) -> str | None:
    """ "raise": below the level and not low yet (a crossing); "clear": back at the level while low."""
    if stock < level and t.low_since is None:
        return "raise"
    if stock >= level and t.low_since is not None:
        return "clear"
    return None
