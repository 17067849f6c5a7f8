"""The installed libraries' apps under names in the reader's language.

django-axes names its app after its label ("Axes") and django-tasks-db gives its app a plain,
untranslatable name ("Tasks Database Backend"): the admin's index and breadcrumbs would show
them in English to every reader. These configurations only rename them (same labels, same
tables); ``INSTALLED_APPS`` lists them instead of the libraries' own.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login protection")


class TasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
