from django.contrib import admin

from lianfang.care.models import (
    CareCall,
    CarePolicy,
    CareTeam,
    CareTeamMember,
    Disinfection,
    Errand,
    ErrandEvent,
    KitDelivery,
    KitTemplate,
)


@admin.register(CarePolicy)
class CarePolicyAdmin(admin.ModelAdmin):
    list_display = (
        "area",
        "morning_from",
        "morning_until",
        "afternoon_from",
        "afternoon_until",
        "errand_due_hours",
    )
    list_select_related = ("area",)
    raw_id_fields = ("area",)


class CareTeamMemberInline(admin.TabularInline):
    model = CareTeamMember
    extra = 0
    raw_id_fields = ("user",)


@admin.register(CareTeam)
class CareTeamAdmin(admin.ModelAdmin):
    list_display = ("id", "household", "started", "ended")
    list_filter = ("ended",)
    list_select_related = ("household__compound",)
    raw_id_fields = ("household",)
    inlines = [CareTeamMemberInline]


@admin.register(CareCall)
class CareCallAdmin(admin.ModelAdmin):
    list_display = ("id", "household", "date", "window", "reached", "caller", "called_at")
    list_filter = ("window", "reached")
    list_select_related = ("household__compound", "caller")
    raw_id_fields = ("household", "team", "caller")


class ErrandEventInline(admin.TabularInline):
    model = ErrandEvent
    extra = 0
    raw_id_fields = ("by",)


@admin.register(Errand)
class ErrandAdmin(admin.ModelAdmin):
    list_display = ("id", "household", "category", "status", "assignee", "due_at", "money_advanced")
    list_filter = ("status", "category", "raised_by")
    list_select_related = ("household__compound", "assignee")
    raw_id_fields = ("household", "raised_by_user", "call", "assignee")
    inlines = [ErrandEventInline]


@admin.register(Disinfection)
class DisinfectionAdmin(admin.ModelAdmin):
    list_display = ("id", "building", "date", "areas", "by")
    list_select_related = ("building", "by")
    raw_id_fields = ("building", "by")


@admin.register(KitTemplate)
class KitTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "area", "is_active")
    list_select_related = ("area",)
    raw_id_fields = ("area",)


@admin.register(KitDelivery)
class KitDeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "household", "template", "delivered_at", "by")
    list_select_related = ("household__compound", "template", "by")
    raw_id_fields = ("household", "template", "by")
