from django.contrib import admin

from lianfang.notices.models import ChannelPolicy, Notice, OutboxMessage


@admin.register(ChannelPolicy)
class ChannelPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "channel",
        "per_second",
        "per_address_minute",
        "per_address_day",
        "quiet_from",
        "quiet_until",
        "remind_minutes",
        "escalate_minutes",
        "max_attempts",
    )


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "status", "path", "recipient_count", "published_at")
    list_filter = ("kind", "status")
    raw_id_fields = ("area", "compound", "author", "approver")
    readonly_fields = ("recipient_count", "published_at", "approved_at", "withdrawn_at")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("key", "channel", "address", "status", "attempts", "next_try", "last_error")
    list_filter = ("channel", "status")
    raw_id_fields = ("notice", "recipient")
