"""Strings of Django and of the libraries we use that their own catalogues leave in English.

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
)
