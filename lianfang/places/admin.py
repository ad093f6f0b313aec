from django.contrib import admin

from lianfang.places.models import Area, Building, Compound, Gate, Grid, Household, Unit


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "parent", "path")
    list_filter = ("level",)
    search_fields = ("name", "code", "path")
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "community")
    search_fields = ("name", "code", "community__name")
    list_select_related = ("community",)
    raw_id_fields = ("community",)


class GateInline(admin.TabularInline):
    model = Gate
    extra = 0
    fields = ("name", "is_open")


@admin.register(Compound)
class CompoundAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "address")
    search_fields = ("name", "address", "community__name")
    list_select_related = ("community",)
    raw_id_fields = ("community",)
    inlines = [GateInline]


@admin.register(Gate)
class GateAdmin(admin.ModelAdmin):
    list_display = ("name", "compound", "is_open")
    list_filter = ("is_open",)
    search_fields = ("name", "compound__name")
    list_select_related = ("compound",)
    raw_id_fields = ("compound",)


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ("number", "compound", "grid")
    search_fields = ("number", "compound__name")
    list_select_related = ("compound", "grid")
    raw_id_fields = ("compound", "grid")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("number", "building")
    search_fields = ("number", "building__number", "building__compound__name")
    list_select_related = ("building",)
    raw_id_fields = ("building",)


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("label", "compound", "grid", "created_at")
    search_fields = ("label", "compound__name")
    list_select_related = ("compound", "grid")
    raw_id_fields = ("unit", "compound", "grid")
