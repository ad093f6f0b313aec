from django.contrib import admin

from lianfang.epi.models import (
    Case,
    CaseStatusChange,
    Contact,
    EpiPolicy,
    Facility,
    HealthCheck,
    Lockdown,
    Quarantine,
    QuarantineChange,
    Room,
)


@admin.register(EpiPolicy)
class EpiPolicyAdmin(admin.ModelAdmin):
    list_display = ("area", "lockdown_days", "home_quarantine_days", "contact_window_minutes")
    list_select_related = ("area",)
    raw_id_fields = ("area", "updated_by")


class CaseStatusChangeInline(admin.TabularInline):
    model = CaseStatusChange
    extra = 0
    raw_id_fields = ("by",)


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("id", "resident", "status", "source", "onset_date", "report_date", "household")
    list_filter = ("status", "source")
    list_select_related = ("resident", "household")
    raw_id_fields = ("resident", "household", "grid", "created_by")
    inlines = [CaseStatusChangeInline]


@admin.register(Lockdown)
class LockdownAdmin(admin.ModelAdmin):
    list_display = ("label", "scope_kind", "start", "ends_on", "status", "households", "residents")
    list_filter = ("status", "scope_kind")
    raw_id_fields = ("unit", "building", "compound", "case", "created_by", "lifted_by")


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("case", "resident", "degree", "status", "decided_at")
    list_filter = ("status", "degree")
    raw_id_fields = ("case", "resident", "via", "decided_by")


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ("name", "area", "is_active")
    list_select_related = ("area",)
    raw_id_fields = ("area",)
    inlines = [RoomInline]


class QuarantineChangeInline(admin.TabularInline):
    model = QuarantineChange
    extra = 0
    raw_id_fields = ("room", "by")


@admin.register(Quarantine)
class QuarantineAdmin(admin.ModelAdmin):
    list_display = ("resident", "household", "kind", "reason", "start", "planned_end", "status")
    list_filter = ("status", "kind", "reason")
    list_select_related = ("resident", "household")
    raw_id_fields = ("resident", "household", "lockdown", "contact", "case", "room", "grid", "created_by")
    show_full_result_count = False
    inlines = [QuarantineChangeInline]


@admin.register(HealthCheck)
class HealthCheckAdmin(admin.ModelAdmin):
    list_display = ("resident", "date", "temperature", "symptoms", "abnormal", "source")
    list_filter = ("abnormal", "source")
    list_select_related = ("resident",)
    raw_id_fields = ("resident", "household", "quarantine", "grid", "recorded_by")
