"""Helpers shared by the admin, the forms and the API for constraint violations."""

from __future__ import annotations

from django.apps import apps
from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Django 6 labels the empty choice of a select "- Select an option -"; its own catalogue has
# no Chinese for it yet, so ours carries it (this mark puts the string in our catalogue).
BLANK_CHOICE_LABEL = gettext_lazy("- Select an option -")


# Rules enforced by triggers rather than model constraints: name -> message.
DATABASE_RULES: dict[str, str] = {}


def register_database_rule(name: str, message) -> None:
    DATABASE_RULES[name] = message


def constraint_message(error: IntegrityError) -> str:
    """The ``violation_error_message`` of the constraint an IntegrityError names."""
    name = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
    if name in DATABASE_RULES:
        return str(DATABASE_RULES[name])
    if name:
        for model in apps.get_models():
            for constraint in model._meta.constraints:
                if constraint.name == name:
                    return str(constraint.get_violation_error_message())
    return _("This change conflicts with existing data.")
