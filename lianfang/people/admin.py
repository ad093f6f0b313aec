from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lianfang.people.models import Membership, Resident, TravelRecord, Visit


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("household",)


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    """ID numbers are never shown in full here; change them through the app (validated, audited)."""

    list_display = ("name", "sex", "birth_date", "masked", "phone", "household", "tags")
    list_filter = ("sex", "relation")
    search_fields = ("name", "name_pinyin", "name_initials", "phone", "id_last4", "household__label")
    list_select_related = ("household", "household__compound")
    raw_id_fields = ("household", "grid")
    exclude = ("id_hash", "id_cipher")
    readonly_fields = (
        "masked",
        "id_prefix",
        "id_last4",
        "phone_last4",
        "name_pinyin",
        "name_initials",
        "path",
    )
    inlines = [MembershipInline]

    @admin.display(description=_("ID number"))
    def masked(self, obj: Resident) -> str:
        return obj.masked_id


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("resident", "household", "relation", "started", "ended")
    search_fields = ("resident__name", "household__label")
    list_select_related = ("resident", "household", "household__compound")
    raw_id_fields = ("resident", "household")


@admin.register(TravelRecord)
class TravelRecordAdmin(admin.ModelAdmin):
    list_display = ("resident", "origin", "arrival_date", "source", "recorded_by")
    list_filter = ("source",)
    search_fields = ("resident__name", "origin")
    list_select_related = ("resident", "recorded_by")
    raw_id_fields = ("resident", "recorded_by")


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ("household", "visitor", "visited_at")
    search_fields = ("household__label", "findings")
    list_select_related = ("household", "household__compound", "visitor")
    raw_id_fields = ("household", "visitor")
