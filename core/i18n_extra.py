"""Strings of Django and of the libraries we use that their own catalogues leave in English
(django-axes and django-tasks-db have no Chinese at all).

``makemessages`` only reads our files; listing the strings here puts them into our catalogue,
which takes precedence over the libraries' ones. Nothing imports this module.
"""

from django.utils.translation import gettext_noop

THIRD_PARTY_MSGIDS = (
    # django.contrib.admin (6.x)
    gettext_noop("Search %(name)s"),
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("Hold down “Control”, or “Command” on a Mac, to select more than one."),
    # django-import-export: its Chinese for this one is garbled
    gettext_noop("Some rows failed to validate"),
    # django-import-export: the export form's box over the columns, untranslated
    gettext_noop("Select all"),
)

# django-axes (8.x) and django-tasks-db (0.13) ship no Chinese: their admin pages (the
# superuser's) would read in English. Their exact msgids, translated in our catalogue.
AXES_MSGIDS = (
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
)
TASKS_DB_MSGIDS = (
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    # Django's column of every primary key, which its own catalogue leaves as "ID"
    gettext_noop("ID"),
)
