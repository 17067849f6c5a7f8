"""Admin plumbing shared by the apps: scoping to the user's organisation and alliances."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Alliance portal administration")
admin.site.site_title = _("Alliance portal")
admin.site.index_title = _("Secretariat")

# The outbox's own page (registered here so that the admin autodiscovery finds it).
from core import outbox_admin  # noqa: E402,F401


class ScopedAdminMixin:
    """Shows and changes only the rows ``QuerySet.editable_by(user)`` allows.

    ``scope_visible`` switches the list to ``visible_to(user)`` for master data that
    everybody may look up but only some may change.
    """

    scope_visible = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.scope_visible:
            return queryset.visible_to(request.user)
        return queryset.editable_by(request.user)

    def _editable(self, request, obj) -> bool:
        return obj is None or (
            self.model._default_manager.editable_by(request.user).filter(pk=obj.pk).exists()
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(request, obj)


def run_transition(modeladmin, request, queryset, service, success, **kwargs) -> None:
    """Apply a service function to each selected row and report each outcome."""
    done = 0
    for obj in queryset:
        try:
            result = service(obj, **kwargs)
        except PermissionDenied as error:
            modeladmin.message_user(request, f"{obj}: {error}", level=messages.ERROR)
        except ValidationError as error:
            modeladmin.message_user(
                request, f"{obj}: {' '.join(error.messages)}", level=messages.ERROR
            )
        else:
            done += 1
            mailing = getattr(result, "mailing", None)
            if mailing is not None:
                level = messages.INFO if mailing.complete else messages.WARNING
                modeladmin.message_user(request, f"{obj}: {mailing.summary()}", level=level)
    if done:
        modeladmin.message_user(request, success % {"count": done}, level=messages.SUCCESS)
