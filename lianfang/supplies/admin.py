"""The admin: the catalogue, stores, minimums and kit components are edited here; the ledger and the
balances are read-only (only `supplies.ledger` writes them; the database refuses changes to a movement)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from lianfang.supplies.models import Balance, Item, KitComponent, Location, Movement, Threshold


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "category", "household_limit", "limit_days", "is_active")
    list_filter = ("category", "is_active")


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "area", "gate", "is_active")
    list_select_related = ("area", "gate")
    raw_id_fields = ("area", "gate")


@admin.register(Threshold)
class ThresholdAdmin(admin.ModelAdmin):
    list_display = ("location", "item", "minimum", "days_of_cover", "low_since")
    raw_id_fields = ("location", "item")
    readonly_fields = ("low_since",)


@admin.register(KitComponent)
class KitComponentAdmin(admin.ModelAdmin):
    list_display = ("template", "item", "quantity")
    raw_id_fields = ("template", "item")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = ("id", "at", "kind", "location", "item", "lot", "direction", "quantity", "by")
    list_select_related = ("location", "item", "lot", "by")
    list_filter = ("kind",)


@admin.register(Balance)
class BalanceAdmin(ReadOnlyAdmin):
    list_display = ("location", "item", "lot", "quantity")
    list_select_related = ("location", "item", "lot")
