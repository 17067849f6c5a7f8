"""Admin plumbing shared by the apps: scoping to the user's organisation and alliances."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.html import format_html
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


class _Refused(Exception):
    """A service said no while the admin saved: the change is rolled back."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _refusal(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or str(_("You may not do this."))


class ServiceSaveMixin:
    """Saves through the app's service, as the pages and the API do.

    ``save_with`` is called as ``save_with(<model name>=row, actor=user)``; ``inline_save_with``
    maps an inline's model to its service. When a service refuses (a ValidationError or a
    PermissionDenied), the whole save is rolled back and the page says why.
    """

    save_with = None
    inline_save_with: dict = {}

    def _call(self, service, row, request):
        try:
            return service(**{row._meta.model_name: row, "actor": request.user})
        except (ValidationError, PermissionDenied) as error:
            raise _Refused(_refusal(error)) from error

    def save_model(self, request, obj, form, change):
        if self.save_with is None:
            return super().save_model(request, obj, form, change)
        return self._call(type(self).save_with, obj, request)

    def save_formset(self, request, form, formset, change):
        service = self.inline_save_with.get(formset.model)
        if service is None:
            return super().save_formset(request, form, formset, change)
        for row in formset.save(commit=False):
            self._call(service, row, request)
        if formset.deleted_objects:
            raise _Refused(str(_("Rows recorded by a service are not deleted here.")))
        formset.save_m2m()
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused as refusal:
            self.message_user(request, refusal.message, level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class RecordedInPortalMixin:
    """Rows a portal page records through its service: read here, never written.

    ``portal_link`` points at the page where they are recorded.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("recorded on"))
    def portal_link(self, obj):
        url = self.portal_url(obj)
        return format_html('<a href="{}">{}</a>', url, _("the portal page")) if url else "—"

    def portal_url(self, obj) -> str | None:
        return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None


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
