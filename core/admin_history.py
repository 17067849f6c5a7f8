"""The history pages of django-simple-history, within the user's scope and read-only.

simple-history's own views check only the model permission: its history list falls back
to the records of a row outside ``get_queryset``, and its version page saves whatever is
posted to it (a POST once put an accepted achievement back to submitted, with no event). Here
an object outside the user's scope, or a record that is not one of that object's, answers
404; the fields an admin hides (``get_history_hidden_fields``) are left out of the lists of
changes; and the version page shows every field read-only and answers 405 to anything but
GET: **revert is off** (see ``core.admin``).
"""

from __future__ import annotations

from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


class ScopedHistoryMixin:
    """History views for an admin whose ``get_queryset``/``get_object`` are scoped."""

    def get_history_hidden_fields(self, request, obj) -> tuple[str, ...]:
        """Fields of ``obj`` (a row or a historical version) the user may not read."""
        return ()

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(_("No such object."))
        return super().history_view(request, object_id, extra_context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        records = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return records.filter(**{f"{pk_name}__in": self.get_queryset(request).values(pk_name)})

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """The changes between consecutive versions, without the fields hidden from the user
        in either version."""
        previous = None
        for current in historical_records:
            if previous is not None:
                hidden = {
                    *self.get_history_hidden_fields(request, previous.instance),
                    *self.get_history_hidden_fields(request, current.instance),
                }
                delta = previous.diff_against(
                    current, excluded_fields=hidden, foreign_keys_are_objs=foreign_keys_are_objs
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current

    def revert_disabled(self, request, obj=None):
        return True  # see the module docstring

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One historical version of an object in the user's scope, read-only."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        current = self.get_object(request, unquote(object_id))
        if current is None:
            raise Http404(_("No such object."))
        opts = self.model._meta
        history = getattr(self.model, opts.simple_history_manager_attribute)
        records = self.get_history_queryset(request, history, opts.pk.attname, current.pk)
        try:
            record = records.get(history_id=unquote(version_id))
        except (ObjectDoesNotExist, ValueError, ValidationError) as error:
            raise Http404(_("No such version.")) from error
        obj = record.instance
        obj._state.adding = False
        fieldsets = self.get_fieldsets(request, obj)
        form = self.get_form(request, obj)(instance=obj)
        admin_form = helpers.AdminForm(
            form, fieldsets, {}, flatten_fieldsets(fieldsets), model_admin=self
        )
        prefix = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}"
        context = {
            **self.admin_site.each_context(request),
            "title": _("View %s") % obj,
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "media": mark_safe(self.media + admin_form.media),
            "errors": helpers.AdminErrorList(form, []),
            "app_label": opts.app_label,
            "original_opts": opts,
            "changelist_url": reverse(f"{prefix}_changelist"),
            "change_url": reverse(f"{prefix}_change", args=(current.pk,)),
            "history_url": reverse(f"{prefix}_history", args=(current.pk,)),
            "change_history": False,
            "revert_disabled": True,
            "add": False,
            "change": True,
            "has_add_permission": False,
            "has_view_permission": True,
            "has_change_permission": False,
            "has_delete_permission": False,
            "has_editable_inline_admin_formsets": False,
            "has_file_field": False,
            "has_absolute_url": False,
            "form_url": "",
            "opts": opts,
            "content_type_id": self.content_type_model_cls.objects.get_for_model(self.model).id,
            "save_as": False,
            "save_on_top": False,
            **(extra_context or {}),
        }
        return self.render_history_view(request, self.object_history_form_template, context)
