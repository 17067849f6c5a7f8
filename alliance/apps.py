"""The installed libraries' apps under names in the reader's language.

django-axes names its app after its label ("Axes") and django-tasks-db gives its app a plain,
untranslatable name ("Tasks Database Backend"): the admin's index and breadcrumbs would show
them in English to every reader. These configurations rename them (same labels, same
tables); ``INSTALLED_APPS`` lists them instead of the libraries' own. django-axes also names
its records and a missing header in English: its admin pages get those in the reader's
language here, and django-tasks-db's columns named by plain strings are named through the
catalogue (the libraries' field labels are in it, ``core/i18n_extra.py``).
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig

# What django-axes stores for a header (or path) the request did not have.
AXES_UNKNOWN = "<unknown>"
AXES_HEADER_FIELDS = ("user_agent", "http_accept", "path_info")


def _header_display(model, name):
    def display(obj):
        value = getattr(obj, name)
        return gettext("unknown") if value == AXES_UNKNOWN else value

    display.short_description = model._meta.get_field(name).verbose_name
    display.admin_order_field = name
    display.__name__ = name
    return display


def _unknown_values_filter():
    from django.contrib import admin

    class UnknownValuesFilter(admin.AllValuesFieldListFilter):
        def choices(self, changelist):
            for choice in super().choices(changelist):
                if choice["display"] == AXES_UNKNOWN:
                    choice = {**choice, "display": gettext("unknown")}
                yield choice

    return UnknownValuesFilter


def _axes_record_name(obj) -> str:
    return gettext("%(record)s of %(username)s at %(time)s") % {
        "record": obj._meta.verbose_name,
        "username": obj.username or gettext("unknown"),
        "time": obj.attempt_time.strftime("%Y-%m-%d %H:%M:%S") if obj.attempt_time else "—",
    }


def localize_axes_admins(site) -> None:
    """django-axes' admin pages: a missing header as "unknown" and each record named by its
    kind, login name and time, in the reader's language."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    unknown_values = _unknown_values_filter()

    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.__str__ = _axes_record_name
        model_admin = site._registry.get(model)
        if model_admin is None:
            continue
        displays = {name: _header_display(model, name) for name in AXES_HEADER_FIELDS}

        def swap(names, displays=displays):
            return tuple(displays.get(name, name) for name in names)

        admin_class = type(model_admin)
        attrs = {
            "list_display": swap(model_admin.list_display),
            "readonly_fields": swap(model_admin.readonly_fields),
            "list_filter": tuple(
                (name, unknown_values)
                if isinstance(name, str) and name in AXES_HEADER_FIELDS
                else name
                for name in model_admin.list_filter
            ),
        }
        if model_admin.fieldsets:
            attrs["fieldsets"] = tuple(
                (title, {**options, "fields": swap(options["fields"])})
                for title, options in model_admin.fieldsets
            )
        site.unregister(model)
        site.register(model, type(admin_class.__name__, (admin_class,), attrs))


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login protection")

    def ready(self):
        super().ready()
        from django.contrib import admin

        localize_axes_admins(admin.site)


def localize_task_admin(site) -> None:
    """django-tasks-db's admin names three columns by plain English strings, and its records
    by their class: the same columns named through the catalogue, the records by task."""
    from django.contrib import admin
    from django_tasks_db.models import DBTaskResult

    # Named by its task and status rather than "DBTaskResult object (…)".
    DBTaskResult.__str__ = lambda obj: f"{obj.task_name} · {obj.get_status_display()}"
    model_admin = site._registry.get(DBTaskResult)
    if model_admin is None:
        return
    admin_class = type(model_admin)

    @admin.display(description=_("task name"))
    def task_name(self, obj):
        return obj.task_name

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, obj):
        return admin_class.formatted_traceback(self, obj)

    @admin.display(description=_("run after"))
    def display_run_after(self, obj):
        return admin_class.display_run_after(self, obj)

    attrs = {
        "list_display": tuple(
            "task_name_label" if name == "task_name" else name for name in model_admin.list_display
        ),
        "task_name_label": task_name,
        "formatted_traceback": formatted_traceback,
        "display_run_after": display_run_after,
    }
    site.unregister(DBTaskResult)
    site.register(DBTaskResult, type(admin_class.__name__, (admin_class,), attrs))


class TasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")

    def ready(self):
        super().ready()
        from django.contrib import admin

        localize_task_admin(admin.site)
