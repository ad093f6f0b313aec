from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lianfang.accounts import services
from lianfang.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ("username", "name", "role", "scope_label", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_superuser")
    search_fields = ("username", "name", "phone")
    list_select_related = ("area", "grid", "grid__community", "gate", "gate__compound", "household__compound")
    autocomplete_fields = ("area", "grid", "gate", "household")
    readonly_fields = ("scope_path_cache", "last_login", "date_joined")
    actions = ["unlock_accounts"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "phone", "email")}),
        (_("Role and scope"), {"fields": ("role", "area", "grid", "gate", "household", "scope_path_cache")}),
        (
            _("Status"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "last_login",
                    "date_joined",
                )
            },
        ),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("Role and scope"), {"fields": ("name", "role", "area", "grid", "gate", "household")}),
    )

    @admin.display(description=_("scope"))
    def scope_label(self, obj: User) -> str:
        return obj.scope_label

    # The failed logins themselves are listed under "Axes" (access attempts), where they can be deleted too.
    @admin.action(description=_("Unlock the selected accounts"))
    def unlock_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.unlock(user=user)
        self.message_user(request, _("Accounts unlocked."), messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("user", "name", "created_at", "last_used_at", "revoked_at")
    search_fields = ("user__username", "name")
    list_filter = ("revoked_at",)
    list_select_related = ("user",)
    readonly_fields = ("digest", "created_at", "last_used_at")
    raw_id_fields = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are issued by `manage.py create_api_token`, which shows the raw token once
