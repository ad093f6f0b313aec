"""Django admin: for superusers only (day-to-day work happens in the app's own pages, which are scoped)."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lianfang.core.models import AuditLog


def _superusers_only(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


# Staff flags alone do not open the admin: it shows every area, unscoped.
admin.site.has_permission = _superusers_only  # type: ignore[method-assign]
admin.site.site_header = _("Lianfang administration")
admin.site.site_title = _("Lianfang administration")


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin[AuditLog]):
    list_display = ("at", "username", "action", "object_type", "object_id", "summary", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("username", "summary", "object_id", "ip", "path")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    # The audit trail is evidence: nobody edits or deletes it here.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditLog | None = None) -> bool:
        return False
