from django.contrib import admin

from lianfang.access.models import Delivery, GateDevice, OutingPolicy, Pass, Passage, Visitor


@admin.register(Pass)
class PassAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "status", "version", "compound", "household", "valid_from", "valid_to")
    list_filter = ("kind", "status")
    search_fields = ("number", "plate", "holder", "household__label")
    list_select_related = ("compound", "household")
    raw_id_fields = ("household", "resident", "compound", "issued_by")
    readonly_fields = ("version",)


@admin.register(OutingPolicy)
class OutingPolicyAdmin(admin.ModelAdmin):
    list_display = ("area", "exits_per_period", "period_days", "fever_line", "visitors", "retention_days")
    list_select_related = ("area",)
    raw_id_fields = ("area", "updated_by")


@admin.register(GateDevice)
class GateDeviceAdmin(admin.ModelAdmin):
    list_display = ("gate", "name", "created_at", "revoked_at")
    list_select_related = ("gate", "gate__compound")
    readonly_fields = ("digest",)
    raw_id_fields = ("gate",)


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
    list_display = ("server_time", "gate", "household", "direction", "temperature", "decision", "code")
    list_filter = ("decision", "direction")
    date_hierarchy = "server_time"
    list_select_related = ("gate", "gate__compound", "household")
    raw_id_fields = ("gate", "device", "guard", "pass_obj", "household")
    show_full_result_count = False


@admin.register(Visitor)
class VisitorAdmin(admin.ModelAdmin):
    list_display = ("at", "name", "gate", "host", "decision")
    list_select_related = ("gate", "gate__compound", "host")
    raw_id_fields = ("gate", "host", "guard")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("received_at", "household", "gate", "carrier", "picked_up_at")
    list_select_related = ("gate", "gate__compound", "household")
    raw_id_fields = ("gate", "household", "guard")
