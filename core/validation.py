"""Rules shared by the admin, the forms and the API: constraint messages, date range, text."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
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


# --- Dates -------------------------------------------------------------------------------
# Every date the portal takes lies in this range: a year 9999 or 0001 is a typing slip or a
# probe, and date arithmetic near the ends of Python's range overflows.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def validate_date_range(value) -> None:
    """Refuse a date outside 1900-01-01 … 2100-12-31 (datetimes by their date)."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not isinstance(day, datetime.date):
        return
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _("Give a date between %(earliest)s and %(latest)s.")
            % {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
            code="date_out_of_range",
        )


def bound_model_dates() -> None:
    """Give every model's date fields the range check, so ``full_clean()`` (the admin, the
    forms, the API's serializers) refuses a date outside it.

    The check is added as a default validator, which migrations do not record.
    """
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.DateField)
                and not isinstance(field, models.DateTimeField)
                and validate_date_range not in field.default_validators
            ):
                field.default_validators = [*field.default_validators, validate_date_range]
                field.__dict__.pop("validators", None)  # drop a cached list


# --- Text --------------------------------------------------------------------------------


def validate_no_nul(value) -> None:
    """PostgreSQL text holds no NUL character: refuse it with a message, not a crash."""
    if isinstance(value, str) and "\x00" in value:
        raise ValidationError(_("Remove the NUL character from the text."), code="null_characters")
