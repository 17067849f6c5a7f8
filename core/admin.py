"""Admin plumbing shared by the apps: every view scoped to what the user may see.

Each ``ModelAdmin`` of the apps derives from ``ScopedAdminMixin``, which reads the rows of
the model's QuerySet rules (``visible_to(user)`` / ``editable_by(user)``) and applies them to
every door of the admin:

* the changelist, the change, delete and add pages, the "delete selected" action, the
  autocomplete and raw-id lookups (they all start from ``get_queryset``) and the
  foreign-key choices of the forms (limited to what the related admin shows the user, plus
  the value the row already has);
* the history list and the history detail of django-simple-history
  (``core.admin_history.ScopedHistoryMixin``), whose own views only
  check the model permission and fall back to records of rows outside ``get_queryset``:
  here an object outside the user's scope, or a historical record that is not one of that
  object's, answers 404, and fields an admin hides (``get_history_hidden_fields``, e.g. an
  achievement's confidential details) are left out of the change lists;
* the changelist's query string (``core.changelists.ChangeListGuard``): a NUL byte, a
  value the field cannot hold or one outside a filter's choices is refused with Django's
  usual "?e=1" redirect instead of a 500. The admins of Django's users and groups and of
  the API tokens (superusers only: no role has a permission on them) get the guard too.

**History revert is off.** A revert would write a whole old version of a row without the
service function, the permission and the event row a normal change goes through (a POST to
an achievement's history page once put an accepted achievement back to submitted with no
event). The history detail is therefore a read-only page: every field is shown read-only,
the "Revert" button is gone (``revert_disabled``, and ``SIMPLE_HISTORY_REVERT_DISABLED`` in
the settings) and any method but GET answers 405. To restore an old value, read it on the
history page and change the row through its change page or the portal.

``ScopedImportExportMixin`` does the same for django-import-export: the export reads the
scoped changelist (a filter it refuses answers 400), importing needs the add and change
permissions, and the resources receive the user to refuse rows outside their scope.
"""

from __future__ import annotations

import copy

from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import ReadOnlyPasswordHashWidget
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import (
    BadRequest,
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db.models import Q
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import HttpResponseRedirect
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core.admin_history import ScopedHistoryMixin
from core.admin_jobs import JobImportExportMixin
from core.changelists import GuardedChangeListMixin, guard_registered_admins
from core.labels import code_label as code_label  # the admins' one mapping of codes

admin.site.site_header = gettext_lazy("Alliance portal administration")
admin.site.site_title = gettext_lazy("Alliance portal")
admin.site.index_title = gettext_lazy("Secretariat")


def scoped_choices(admin_site, db_field, request):
    """The rows the related model's admin shows the user, or None when it has no scope."""
    try:
        related_admin = admin_site.get_model_admin(db_field.remote_field.model)
    except NotRegistered:
        return None
    if isinstance(related_admin, ScopedAdminMixin):
        return related_admin.get_queryset(request)
    return None


def keep_current_choices(form_class, rows) -> None:
    """Adds to each foreign-key field's choices the values ``rows`` already point to.

    The choices are limited to the user's scope; a row in scope may still point to
    something outside it (a parent organisation of another alliance, say), and saving it
    unchanged must not fail on "Select a valid choice".
    """
    model = rows.model
    for name, field in form_class.base_fields.items():
        if not isinstance(field, ModelChoiceField) or isinstance(field, ModelMultipleChoiceField):
            continue
        try:
            db_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not (db_field.many_to_one or db_field.one_to_one):
            continue
        key = field.to_field_name or "pk"
        field.queryset = field.queryset.model._default_manager.filter(
            Q(**{f"{key}__in": field.queryset.values(key)})
            | Q(**{f"{key}__in": rows.values(db_field.attname)})
        )


def code_choices(model, name: str):
    """The choices whose codes the column ``name`` of ``model`` stores without declaring
    them (a status change's from/to, a list of choices), or None."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    base = getattr(field, "base_field", None)  # an ArrayField of choices
    if base is not None and base.choices:
        return base.flatchoices
    choices_for = getattr(model, "choices_for", None)
    enum = choices_for(name) if choices_for else None
    return enum.choices if enum is not None else None


class CodeLabelsMixin:
    """Read-only fields show a stored code by its label, as an editable one does.

    Django shows the label of a field with choices; a column that stores the codes of
    choices it does not declare (``StatusChange.choices_for``: an event's from/to status,
    a membership event's roles) or a list of choices (an ``ArrayField``) would show the
    codes. Such a field is always read-only here, shown through a display function named
    after it. For model admins and inlines; put it before the Django base.
    """

    def _code_display(self, name):
        if not isinstance(name, str):
            return name
        cache = self.__dict__.setdefault("_code_displays", {})
        if name not in cache:
            choices = code_choices(self.model, name)
            if choices is None:
                cache[name] = name
            else:
                field = self.model._meta.get_field(name)

                def display(obj, _name=name, _choices=choices):
                    return code_label(getattr(obj, _name), _choices)

                display.short_description = field.verbose_name
                display.__name__ = name
                cache[name] = display
        return cache[name]

    def _coded_displays(self) -> list:
        return [
            display
            for field in self.model._meta.concrete_fields
            if not isinstance(display := self._code_display(field.name), str)
        ]

    def with_code_labels(self, fields) -> list:
        """``fields`` with each coded field replaced by its display (for an admin that
        overrides ``get_fields`` or ``get_readonly_fields`` without calling these)."""
        return list(dict.fromkeys(self._code_display(name) for name in fields))

    def get_readonly_fields(self, request, obj=None):
        fields = self.with_code_labels(super().get_readonly_fields(request, obj))
        return fields + [display for display in self._coded_displays() if display not in fields]

    def get_fields(self, request, obj=None):
        return self.with_code_labels(super().get_fields(request, obj))


class ScopedAdminMixin(CodeLabelsMixin, ScopedHistoryMixin, GuardedChangeListMixin):
    """Shows and changes only the rows the model's QuerySet rules allow the user.

    The list (and every view reading an object) shows ``scope()``: ``editable_by(user)``,
    or ``visible_to(user)`` with ``scope_visible`` for data that some may read but only
    some may change. Changing and deleting need ``editable()``. Put it before
    ``SimpleHistoryAdmin``/``ModelAdmin`` in the bases.
    """

    scope_visible = False

    def scope(self, queryset, user):
        """The rows this admin shows ``user``."""
        if self.scope_visible:
            return queryset.visible_to(user)
        return queryset.editable_by(user)

    def editable(self, queryset, user):
        """The rows ``user`` may change or delete here."""
        return queryset.editable_by(user)

    def get_queryset(self, request):
        return self.scope(super().get_queryset(request), request.user)

    def _editable(self, request, obj) -> bool:
        return obj is None or (
            self.editable(self.model._default_manager.all(), request.user)
            .filter(pk=obj.pk)
            .exists()
        )

    def _in_scope(self, request, obj) -> bool:
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(request, obj)

    def delete_queryset(self, request, queryset):
        editable = self.editable(self.model._default_manager.all(), request.user)
        if queryset.exclude(pk__in=editable.values("pk")).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            choices = scoped_choices(self.admin_site, db_field, request)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and obj.pk is not None:
            keep_current_choices(form, self.model._default_manager.filter(pk=obj.pk))
        return form


class NameInLanguageMixin:
    """The list of records named in two languages (``name``, ``name_en``, ``display_name``):
    its name column shows the reader's name, and English readers, who read the English
    name there, get no second column of it."""

    @admin.display(description=gettext_lazy("name"), ordering="name")
    def name_in_language(self, obj):
        return obj.display_name

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if not (get_language() or "").startswith("en"):
            return columns
        return ["name_in_language" if c == "name" else c for c in columns if c != "name_en"]


class ScopedInlineMixin(CodeLabelsMixin):
    """An inline showing only the child rows the user may see (``visible_to``), or change
    (``editable_by``) with ``scope_visible = False``; its foreign-key choices are scoped as
    in ``ScopedAdminMixin``."""

    scope_visible = True

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.scope_visible:
            return queryset.visible_to(request.user)
        return queryset.editable_by(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            choices = scoped_choices(self.admin_site, db_field, request)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and obj.pk is not None:
            keep_current_choices(
                formset.form, formset.fk.model._default_manager.filter(**{formset.fk.name: obj})
            )
        return formset


class ScopedImportExportMixin(JobImportExportMixin):
    """Import and export within the user's scope; exports stream (a job past
    ``EXPORT_TASK_ROWS`` rows), imports run as jobs (``core.admin_jobs``).

    The export reads the admin's scoped changelist; a filter it refuses answers 400. Import
    needs the add and change permissions; the resources receive the user (as ``user``) and
    refuse rows outside their scope.
    """

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_queryset(self, request):
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters as error:
            raise BadRequest(_("The export's filters are not valid.")) from error


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

    @admin.display(description=gettext_lazy("recorded on"))
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


# The outbox's own page (registered here so that the admin autodiscovery finds it; it uses
# the mixins above).
from core import outbox_admin  # noqa: E402,F401

guard_registered_admins(admin.site)


# --- Django's users and groups in the reader's language -----------------------------------

PERMISSION_ACTIONS = {
    "add": gettext_lazy("Can add %(model)s"),
    "change": gettext_lazy("Can change %(model)s"),
    "delete": gettext_lazy("Can delete %(model)s"),
    "view": gettext_lazy("Can view %(model)s"),
}


def permission_label(permission) -> str:
    """A permission by its model's and action's names in the reader's language.

    Django stores the names of permissions in English when it creates them ("Can add
    alliance"); the model's own ones are named from its verbose name, the others by their
    stored name through the catalogue.
    """
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    base = getattr(model, "instance_type", None)  # a historical model (simple_history)
    if base is not None:
        model_name = _("history of %(model)s") % {"model": base._meta.verbose_name}
    else:
        model_name = str(model._meta.verbose_name)
    action, _sep, codename_model = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and codename_model == model._meta.model_name:
        name = PERMISSION_ACTIONS[action] % {"model": model_name}
    else:
        name = _(permission.name)
    return f"{model._meta.app_config.verbose_name} | {model_name} | {name}"


class PasswordStateWidget(ReadOnlyPasswordHashWidget):
    """A user's password on the admin page: only its button (set or reset), not the hash's
    algorithm and salt, which are of no use to read and not in any reader's language."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        return format_html(
            '<div><p><a role="button" class="button" href="../password/">{}</a></p></div>',
            context["button_label"],
        )


class AuthLabelsMixin:
    """The user and group pages: permissions by their names in the reader's language, the
    password without its hash."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.remote_field.model is Permission:
            field.label_from_instance = permission_label
            field.queryset = field.queryset.select_related("content_type")
        return field

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        password = form.base_fields.get("password")
        if password is not None and isinstance(password.widget, ReadOnlyPasswordHashWidget):
            password = copy.copy(password)  # the form class's own field, not Django's
            password.widget = PasswordStateWidget()
            form.base_fields["password"] = password
        return form


def localize_auth_admins(site) -> None:
    for model in (get_user_model(), Group):
        model_admin = site._registry.get(model)
        if model_admin is None or isinstance(model_admin, AuthLabelsMixin):
            continue
        admin_class = type(model_admin)
        site.unregister(model)
        site.register(model, type(admin_class.__name__, (AuthLabelsMixin, admin_class), {}))


localize_auth_admins(admin.site)
