"""The outbox in the admin: every message the portal decided to send, and what became of it.

The secretariat sees the messages about its alliances' records, a fund's team those about
its fund's; "Send again" queues a failed or unconfigured message for a fresh round of tries.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.models import OutboxMessage, OutboxStatus
from core.notify import enqueue_on_commit, mail_configured


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = (
        "created",
        "recipient",
        "subject",
        "concerns_label",
        "status",
        "attempts",
        "sent_at",
    )
    list_filter = ("status",)
    search_fields = ("recipient", "subject", "concerns_label")
    date_hierarchy = "created"
    actions = ["send_again"]
    fields = (
        "recipient",
        "subject",
        "body",
        "concerns_label",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
        "created",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again"))
    def send_again(self, request, queryset):
        if not mail_configured():
            self.message_user(
                request,
                _("E-mail is not configured on this server (EMAIL_URL is not set)."),
                level=messages.ERROR,
            )
            return
        with transaction.atomic():
            rows = list(
                self.get_queryset(request)
                .filter(pk__in=queryset.values("pk"))
                .exclude(status__in=[OutboxStatus.SENT, OutboxStatus.QUEUED])
                .select_for_update()
            )
            for message in rows:
                message.status = OutboxStatus.QUEUED
                message.attempts = 0
                message.next_attempt_at = timezone.now()
                message.save(update_fields=["status", "attempts", "next_attempt_at", "updated"])
                enqueue_on_commit(message.pk)
        self.message_user(
            request,
            ngettext(
                "%(count)d message queued again.", "%(count)d messages queued again.", len(rows)
            )
            % {"count": len(rows)},
            level=messages.SUCCESS,
        )
