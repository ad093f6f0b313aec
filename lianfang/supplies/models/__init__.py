"""Donations and supplies: items, stores, lots, the stock ledger (docs/supplies.md).

The ledger is `Movement`: append-only. A movement is never changed or deleted (the model refuses, and a
trigger of the migration `0002_ledger_append_only` refuses UPDATE and DELETE in the database); a mistake is
corrected by a reversing movement (`reverses`). `Balance` holds the stock of a location × item × lot; it
never goes below zero (a CHECK constraint) and equals the sum of its movements (`ledger.audit_ledger`). Only
`lianfang.supplies.ledger` writes either of them, locking the balances it touches in one fixed order.

Quantities are whole numbers in the item's unit (a box of masks is counted in boxes or in masks, never in
both). Every scoped row carries the `path` of its location's area (a checkpoint: its gate's community).
"""

from lianfang.supplies.models.documents import (
    Donation,
    DonationLine,
    DonationStatus,
    DonorKind,
    Request,
    RequestLine,
    RequestStatus,
    StockTake,
    StockTakeLine,
    StockTakeStatus,
)
from lianfang.supplies.models.stock import (
    ID_MAX,
    KIND_DIRECTION,
    QTY_MAX,
    Balance,
    IssueTo,
    Item,
    ItemCategory,
    KitComponent,
    LedgerIsAppendOnly,
    Location,
    LocationKind,
    Lot,
    Movement,
    MovementKind,
    MovementQuerySet,
    Threshold,
)

__all__ = [
    "Balance",
    "Donation",
    "DonationLine",
    "DonationStatus",
    "DonorKind",
    "IssueTo",
    "Item",
    "ItemCategory",
    "KIND_DIRECTION",
    "KitComponent",
    "LedgerIsAppendOnly",
    "Location",
    "LocationKind",
    "Lot",
    "Movement",
    "MovementKind",
    "MovementQuerySet",
    "ID_MAX",
    "QTY_MAX",
    "Request",
    "RequestLine",
    "RequestStatus",
    "StockTake",
    "StockTakeLine",
    "StockTakeStatus",
    "Threshold",
]
