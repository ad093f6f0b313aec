"""Use cases of supplies beyond single movements (those are `ledger.post_movements`): donations (pledged →
received → acknowledged with a receipt number), requests between stores (asked → committed → sent: in
transit → received, partly or fully; an allocation sent down unasked is a request committed and sent
at once) and stock-takes (counted against the book, posted as adjustments once a second person approves).
Each is one transaction; every movement goes through the ledger, which checks the user's right at each
store (404 out of scope) and refuses what would go below zero.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core import audit
from lianfang.core.audit import AuditAction
from lianfang.core.errors import DomainError
from lianfang.core.roles import APPROVE_STOCKTAKE, ISSUE_STOCK, RECEIVE_STOCK, REQUEST_STOCK, Action
from lianfang.core.scoping import authorize_write, not_found
from lianfang.supplies.ledger import Line, find_lot, parse_quantity, post_movements, today_local
from lianfang.supplies.models import (
    Balance,
    Donation,
    DonationLine,
    DonationStatus,
    DonorKind,
    Item,
    Location,
    Movement,
    MovementKind,
    Request,
    RequestLine,
    RequestStatus,
    StockTake,
    StockTakeLine,
    StockTakeStatus,
)
from lianfang.supplies.queries import below as stores_below_q

RECEIPT_MAX = 30


def _id(value: Any) -> int:
    """A row's id from the row or the id itself."""
    return int(value.pk if hasattr(value, "pk") else value)


def visible_location(user: Any, location: Location | int, action: Action) -> Location:
    """A store the user may act on: read through its scope (404), the role checked (403)."""
    pk = getattr(location, "pk", location)
    found = Location.objects.visible_to(user).filter(pk=pk, is_active=True).first()
    if found is None:
        raise not_found()
    authorize_write(user, action=action, obj=found)
    return found


@dataclass
class DonatedLine:
    item: Item | int
    quantity: Any
    lot_code: str = ""
    expires_on: datetime.date | None = None


def _items(lines: Sequence[Any]) -> dict[int, Item]:
    ids = {_id(x.item) for x in lines}
    found = {i.pk: i for i in Item.objects.filter(pk__in=ids, is_active=True)}
    if len(found) != len(ids):
        raise DomainError("item_unknown", _("Choose an item."), field="item")
    return found


# ------------------------------------------------------------------ donations
@transaction.atomic
def pledge_donation(
    *,
    user: Any,
    location: Location | int,
    donor_kind: str,
    donor_name: str = "",
    donor_contact: str = "",
    name_public: bool = False,
    lines: Sequence[DonatedLine],
    note: str = "",
    now: datetime.datetime | None = None,
) -> Donation:
    """A donation promised to a store (its lines: items and quantities)."""
    store = visible_location(user, location, RECEIVE_STOCK)
    if donor_kind not in DonorKind.values:
        raise DomainError(
            "donor_kind_invalid", _("Say who gives: a person, a company or anonymous."), field="donor_kind"
        )
    name = " ".join(str(donor_name or "").split())[:100]
    if donor_kind != DonorKind.ANONYMOUS and not name:
        raise DomainError(
            "donor_name_required", _("Give the donor's name, or choose anonymous."), field="donor_name"
        )
    if not lines:
        raise DomainError("nothing_to_post", _("Add at least one item."))
    items = _items(lines)
    donation = Donation.objects.create(
        location=store,
        donor_kind=donor_kind,
        donor_name="" if donor_kind == DonorKind.ANONYMOUS else name,
        donor_contact=" ".join(str(donor_contact or "").split())[:100],
        name_public=bool(name_public) and donor_kind != DonorKind.ANONYMOUS,
        note=" ".join(str(note or "").split())[:200],
        pledged_at=now or timezone.now(),
        by=user,
        path=store.path,
    )
    DonationLine.objects.bulk_create(
        DonationLine(donation=donation, item=items[_id(x.item)], quantity=parse_quantity(x.quantity))
        for x in lines
    )
    audit.log(user=user, action=AuditAction.CREATE, obj=donation, summary=_("Donation pledged"))
    return donation


def _donation(user: Any, donation: Donation | int, action: Action) -> Donation:
    pk = getattr(donation, "pk", donation)
    found = Donation.objects.visible_to(user).select_for_update().filter(pk=pk).first()
    if found is None:
        raise not_found()
    authorize_write(user, action=action, obj=found.location)
    return found


@transaction.atomic
def receive_donation(
    *,
    user: Any,
    donation: Donation | int,
    lines: Sequence[DonatedLine] | None = None,
    now: datetime.datetime | None = None,
) -> Donation:
    """The goods arrive: each line received into its lot (code, expiry) with a `receive` movement.
    `lines` replaces the pledged ones (what really came); None: exactly what was pledged."""
    found = _donation(user, donation, RECEIVE_STOCK)
    if found.status != DonationStatus.PLEDGED:
        raise DomainError("donation_not_pledged", _("This donation was already received or cancelled."))
    if lines is None:
        lines = [DonatedLine(item=x.item_id, quantity=x.quantity) for x in found.lines.all()]
    if not lines:
        raise DomainError("nothing_to_post", _("Add at least one item."))
    items = _items(lines)
    today = today_local(now)
    rows: list[DonationLine] = []
    posting: list[Line] = []
    for x in lines:
        item = items[_id(x.item)]
        if x.expires_on is not None and x.expires_on < today:
            raise DomainError(
                "lot_expired",
                _("{item} expired on {date}: it cannot be received.").format(item=item, date=x.expires_on),
                field="expires_on",
            )
        lot = find_lot(item=item, code=x.lot_code, expires_on=x.expires_on)
        n = parse_quantity(x.quantity)
        rows.append(DonationLine(donation=found, item=item, quantity=n, lot=lot))
        posting.append(
            Line(
                kind=MovementKind.RECEIVE,
                location=found.location,
                item=item,
                quantity=n,
                lot=lot,
                donation_id=found.pk,
            )
        )
    found.lines.all().delete()  # the pledged lines give way to what came, with its lots
    DonationLine.objects.bulk_create(rows)
    post_movements(user=user, lines=posting, now=now)
    found.status = DonationStatus.RECEIVED
    found.received_at = now or timezone.now()
    found.save(update_fields=["status", "received_at"])
    audit.log(user=user, action=AuditAction.CHANGE, obj=found, summary=_("Donation received"))
    return found


def next_receipt_number(donation: Donation, now: datetime.datetime) -> str:
    """JZ + the year + the donation's number: unique without a counter to lock."""
    return f"JZ{timezone.localdate(now):%Y}{donation.pk:06d}"


@transaction.atomic
def acknowledge_donation(
    *, user: Any, donation: Donation | int, receipt_number: str = "", now: datetime.datetime | None = None
) -> Donation:
    """Thank the donor: a receipt number (the one printed on a paper receipt book, or a new one), once."""
    found = _donation(user, donation, RECEIVE_STOCK)
    if found.status != DonationStatus.RECEIVED:
        raise DomainError("donation_not_received", _("Only a received donation is acknowledged."))
    now = now or timezone.now()
    number = " ".join(str(receipt_number or "").split())[:RECEIPT_MAX] or next_receipt_number(found, now)
    if Donation.objects.filter(receipt_number=number).exclude(pk=found.pk).exists():
        raise _duplicate_receipt(number)
    found.status = DonationStatus.ACKNOWLEDGED
    found.receipt_number = number
    found.acknowledged_at = now
    try:
        with transaction.atomic():
            found.save(update_fields=["status", "receipt_number", "acknowledged_at"])
    except IntegrityError:
        raise _duplicate_receipt(number) from None
    audit.log(
        user=user,
        action=AuditAction.CHANGE,
        obj=found,
        summary=_("Donation acknowledged: receipt {n}").format(n=number),
    )
    return found


def _duplicate_receipt(number: str) -> DomainError:
    return DomainError(
        "receipt_duplicate",
        _("Receipt number {n} is already used by another donation.").format(n=number),
        field="receipt_number",
    )


# ------------------------------------------------------------------ requests
@transaction.atomic
def request_supplies(
    *,
    user: Any,
    requester: Location | int,
    supplier: Location | int,
    lines: Sequence[tuple[Item | int, Any]],
    note: str = "",
) -> Request:
    """A store (a checkpoint, a community) asks the store above it for items."""
    asking = visible_location(user, requester, REQUEST_STOCK)
    above = Location.objects.filter(pk=getattr(supplier, "pk", supplier), is_active=True).first()
    if above is None or above.pk == asking.pk or not asking.path.startswith(above.path):
        raise DomainError("supplier_invalid", _("Ask a store above yours."), field="supplier")
    if not lines:
        raise DomainError("nothing_to_post", _("Add at least one item."))
    merged: dict[int, int] = defaultdict(int)
    for item, quantity in lines:
        merged[_id(item)] += parse_quantity(quantity)
    _items([DonatedLine(item=i, quantity=1) for i in merged])
    req = Request.objects.create(
        requester=asking, supplier=above, note=" ".join(str(note).split())[:200], by=user, path=asking.path
    )
    RequestLine.objects.bulk_create(RequestLine(request=req, item_id=i, asked=n) for i, n in merged.items())
    audit.log(user=user, action=AuditAction.CREATE, obj=req, summary=_("Supplies requested"))
    return req


def _request(user: Any, request: Request | int, side: str, action: Action) -> Request:
    """The request, locked, read by the store on `side` (supplier or requester) that the user keeps."""
    pk = getattr(request, "pk", request)
    found = Request.objects.select_for_update().select_related("requester", "supplier").filter(pk=pk).first()
    if found is None:
        raise not_found()
    store = getattr(found, side)
    if not Location.objects.visible_to(user).filter(pk=store.pk).exists():
        raise not_found()
    authorize_write(user, action=action, obj=store)
    return found


@transaction.atomic
def commit_request(*, user: Any, request: Request | int, committed: dict[int, Any] | None = None) -> Request:
    """The store above says what it will send (per item; None: everything asked)."""
    req = _request(user, request, "supplier", ISSUE_STOCK)
    if req.status != RequestStatus.OPEN:
        raise DomainError("request_not_open", _("This request was already answered."))
    for line in req.lines.all():
        raw = line.asked if committed is None else committed.get(line.item_id, 0)
        n = 0 if str(raw).strip() in ("", "0") else parse_quantity(raw)
        line.committed = min(n, line.asked)
        line.save(update_fields=["committed"])
    req.status = (
        RequestStatus.COMMITTED if any(x.committed for x in req.lines.all()) else RequestStatus.REFUSED
    )
    req.save(update_fields=["status"])
    return req


@transaction.atomic
def send_request(
    *, user: Any, request: Request | int, now: datetime.datetime | None = None
) -> list[Movement]:
    """Send what was committed: `transfer_out` from the store above (FEFO): in transit until received."""
    req = _request(user, request, "supplier", ISSUE_STOCK)
    if req.status != RequestStatus.COMMITTED:
        raise DomainError("request_not_committed", _("Only a committed request is sent."))
    return _send(user, req, now)


def _send(user: Any, req: Request, now: datetime.datetime | None) -> list[Movement]:
    """Post what `req` (committed, locked or new in this transaction) commits as `transfer_out` and mark it
    sent: the step shared by `send_request` and `allocate_supplies`."""
    lines = [x for x in req.lines.all() if x.committed]
    moves = post_movements(
        user=user,
        now=now,
        lines=[
            Line(
                kind=MovementKind.TRANSFER_OUT,
                location=req.supplier,
                item=x.item_id,
                quantity=x.committed,
                counterpart_id=req.requester_id,
                request_id=req.pk,
            )
            for x in lines
        ],
    )
    for x in lines:
        x.sent = x.committed
        x.save(update_fields=["sent"])
    req.status = RequestStatus.SENT
    req.save(update_fields=["status"])
    return moves


@transaction.atomic
def allocate_supplies(
    *,
    user: Any,
    supplier: Location | int,
    receiver: Location | int,
    lines: Sequence[tuple[Item | int, Any]],
    note: str = "",
    now: datetime.datetime | None = None,
) -> Request:
    """Send stock down unasked (调拨/下拨: a warehouse allocates donated masks to its communities): a request
    of the receiver, already committed for exactly these quantities, sent at once (`transfer_out`, FEFO: in
    transit) — the receiver receives it like any other. All or nothing: stock short refuses the whole
    allocation and leaves no request behind."""
    above = visible_location(user, supplier, ISSUE_STOCK)
    try:
        below = Location.objects.filter(stores_below_q(above), pk=_id(receiver), is_active=True).first()
    except (TypeError, ValueError):
        below = None
    if below is None:
        raise DomainError(
            "receiver_invalid",
            _("Send to an active store below {store}.").format(store=above.name),
            field="receiver",
        )
    if not lines:
        raise DomainError("nothing_to_post", _("Add at least one item."))
    merged: dict[int, int] = defaultdict(int)
    for item, quantity in lines:
        merged[_id(item)] += parse_quantity(quantity)
    _items([DonatedLine(item=i, quantity=1) for i in merged])
    req = Request.objects.create(
        requester=below,
        supplier=above,
        status=RequestStatus.COMMITTED,
        note=" ".join(str(note).split())[:200],
        created_at=now or timezone.now(),
        by=user,
        path=below.path,
    )
    RequestLine.objects.bulk_create(
        RequestLine(request=req, item_id=i, asked=n, committed=n) for i, n in sorted(merged.items())
    )
    _send(user, req, now)
    audit.log(user=user, action=AuditAction.CREATE, obj=req, summary=_("Supplies allocated"))
    return req


@transaction.atomic
def receive_request(
    *,
    user: Any,
    request: Request | int,
    received: dict[int, Any] | None = None,
    now: datetime.datetime | None = None,
) -> list[Movement]:
    """The requester receives what came (per item; None: everything in transit): `transfer_in` of the same
    lots that were sent, the first to expire first. What is still in transit can be received later."""
    req = _request(user, request, "requester", RECEIVE_STOCK)
    if req.status not in (RequestStatus.SENT, RequestStatus.PARTLY_RECEIVED):
        raise DomainError("request_not_sent", _("Nothing of this request is in transit."))
    in_transit = _in_transit_lots(req)
    posting: list[Line] = []
    for x in req.lines.all():
        raw = x.in_transit if received is None else received.get(x.item_id, 0)
        n = 0 if str(raw).strip() in ("", "0") else parse_quantity(raw)
        if n > x.in_transit:
            raise DomainError(
                "more_than_in_transit",
                _("Only {n} of {item} are in transit.").format(n=x.in_transit, item=x.item),
                field="quantity",
            )
        left = n
        for lot_id, available in in_transit.get(x.item_id, []):
            take = min(left, available)
            if take:
                posting.append(
                    Line(
                        kind=MovementKind.TRANSFER_IN,
                        location=req.requester,
                        item=x.item_id,
                        lot=lot_id,
                        quantity=take,
                        counterpart_id=req.supplier_id,
                        request_id=req.pk,
                    )
                )
                left -= take
        if n:
            x.received += n
            x.save(update_fields=["received"])
    if not posting:
        raise DomainError("nothing_to_post", _("Add at least one item."))
    moves = post_movements(user=user, lines=posting, now=now)
    done = all(x.received >= x.sent for x in req.lines.all())
    req.status = RequestStatus.RECEIVED if done else RequestStatus.PARTLY_RECEIVED
    req.save(update_fields=["status"])
    return moves


def _in_transit_lots(req: Request) -> dict[int, list[tuple[int, int]]]:
    """Per item: (lot, quantity) sent and not yet received, the first to expire first."""
    sums: dict[tuple[int, int], int] = defaultdict(int)
    expiry: dict[int, Any] = {}
    for m in Movement.objects.filter(
        request=req, kind__in=[MovementKind.TRANSFER_OUT, MovementKind.TRANSFER_IN]
    ).select_related("lot"):
        sums[(m.item_id, m.lot_id)] += m.quantity if m.kind == MovementKind.TRANSFER_OUT else -m.quantity
        expiry[m.lot_id] = m.lot.expires_on
    out: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (item, lot), n in sorted(
        sums.items(),
        key=lambda kv: (expiry[kv[0][1]] is None, expiry[kv[0][1]] or datetime.date.max, kv[0][1]),
    ):
        if n > 0:
            out[item].append((lot, n))
    return out


# ------------------------------------------------------------------ stock-take
@transaction.atomic
def record_stocktake(
    *,
    user: Any,
    location: Location | int,
    counted: dict[int, Any],
    note: str = "",
    now: datetime.datetime | None = None,
) -> StockTake:
    """What was counted of each lot (by balance's lot id) against the book at this moment; lots of the
    store not given are taken as matching the book. Nothing moves until a second person approves."""
    store = visible_location(user, location, APPROVE_STOCKTAKE)
    balances = {b.lot_id: b for b in Balance.objects.filter(location=store)}
    take = StockTake.objects.create(
        location=store,
        counted_by=user,
        counted_at=now or timezone.now(),
        note=" ".join(str(note).split())[:200],
        path=store.path,
    )
    rows = []
    for lot_id, raw in counted.items():
        b = balances.get(int(lot_id))
        if b is None:
            raise DomainError("lot_unknown", _("This lot is not in this store."), field="lot")
        n = 0 if str(raw).strip() == "0" else parse_quantity(raw)
        rows.append(
            StockTakeLine(stocktake=take, item_id=b.item_id, lot_id=b.lot_id, book=b.quantity, counted=n)
        )
    if not rows:
        raise DomainError("nothing_to_post", _("Add at least one item."))
    StockTakeLine.objects.bulk_create(rows)
    return take


@transaction.atomic
def decide_stocktake(
    *, user: Any, stocktake: StockTake | int, approve: bool, now: datetime.datetime | None = None
) -> list[Movement]:
    """A second person (never the one who counted) approves — each difference becomes an adjustment of that
    lot — or rejects the count."""
    pk = getattr(stocktake, "pk", stocktake)
    take = (
        StockTake.objects.visible_to(user)
        .select_for_update()
        .select_related("location")
        .filter(pk=pk)
        .first()
    )
    if take is None:
        raise not_found()
    authorize_write(user, action=APPROVE_STOCKTAKE, obj=take.location)
    if take.status != StockTakeStatus.COUNTED:
        raise DomainError("stocktake_decided", _("This stock-take was already decided."))
    if take.counted_by_id == getattr(user, "pk", None):
        raise DomainError(
            "stocktake_same_person", _("A second person approves a stock-take, not the one who counted.")
        )
    moves: list[Movement] = []
    if approve:
        lines = [
            Line(
                kind=MovementKind.ADJUST,
                location=take.location,
                item=x.item_id,
                lot=x.lot_id,
                quantity=abs(x.difference),
                direction=1 if x.difference > 0 else -1,
                reason=_("Stock-take #{n}").format(n=take.pk),
                stocktake_id=take.pk,
            )
            for x in take.lines.all()
            if x.difference
        ]
        if lines:
            moves = post_movements(user=user, lines=lines, now=now)
    take.status = StockTakeStatus.APPROVED if approve else StockTakeStatus.REJECTED
    take.decided_by = user
    take.decided_at = now or timezone.now()
    take.save(update_fields=["status", "decided_by", "decided_at"])
    return moves


def in_transit_total(requests: Iterable[Request]) -> int:
    return sum(x.in_transit for r in requests for x in r.lines.all())
