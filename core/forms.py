"""Form bases and fields shared by the apps."""

import datetime
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.idempotency import mark_done
from core.validation import validate_date_range, validate_no_nul

SEARCH_MAX_LENGTH = 200


class DateInput(forms.DateInput):
    """The browser's date picker, with the ISO value it expects; no date before 1900."""

    input_type = "date"

    def __init__(self, **kwargs):
        attrs = {"min": EARLIEST_DATE.isoformat(), **(kwargs.pop("attrs", None) or {})}
        super().__init__(format="%Y-%m-%d", attrs=attrs, **kwargs)


def _display_name(obj) -> str:
    return obj.display_name


def names_in_language(form) -> None:
    """Drop-downs of records with a name in two languages (``display_name``) show the
    reader's one: the English name to English readers where there is one."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and hasattr(queryset.model, "display_name"):
            field.label_from_instance = _display_name


class DateField(forms.DateField):
    """A date in the portal's range (1900-01-01 … 2100-12-31), with the browser's picker."""

    widget = DateInput
    default_validators = [validate_date_range]


class SearchField(forms.CharField):
    """The text of a search box: optional, at most 200 characters, no NUL character.

    (Django's CharField already refuses NUL; the check is restated so that the rule holds
    for this field whatever its base does.)
    """

    default_validators = [validate_no_nul]

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        kwargs.setdefault("label", gettext_lazy("Search"))
        super().__init__(**kwargs)


class SearchForm(forms.Form):
    """A lone search box, for pages without a FilterSet."""

    q = SearchField()

    def text(self) -> str:
        return self.cleaned_data.get("q", "").strip() if self.is_valid() else ""


class ConstraintValidatedModelForm(forms.ModelForm):
    """Validates every model constraint, even those touching fields the form leaves out.

    Django skips a constraint that names a field missing from the form (a read-only status,
    say); the database would then refuse the save with an error page. Here the form shows
    the constraint's message instead.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names_in_language(self)

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            self.instance.validate_constraints()
        except ValidationError as error:
            self._update_errors(error)


EARLIEST_DATE = datetime.date(1900, 1, 1)


class WholeInlineFormSet(forms.BaseInlineFormSet):
    """An inline formset whose submission must carry every row the parent already has, each
    kept or marked for deletion: a tampered management form (``TOTAL_FORMS=-1``,
    ``INITIAL_FORMS=0``) sends none of them, and saving the rows it does carry would
    delete the others silently (tried as an outsider: every inventor was deleted)."""

    def clean(self):
        super().clean()
        if self.instance is None or self.instance.pk is None:
            return
        existing = set(self.get_queryset().values_list("pk", flat=True))
        sent = {form.instance.pk for form in self.initial_forms if form.instance.pk}
        if existing - sent:
            raise ValidationError(
                _("The form came back without some of the rows it showed: reload the page.")
            )


def check_date_range(value, *, latest=None, earliest=EARLIEST_DATE):
    """Refuse a date before ``earliest`` (1 January 1900) or after ``latest`` (when given):
    a year typed as 2099 or 0202 is a slip of the keyboard, not a fact."""
    if value is None:
        return value
    if value < earliest:
        raise ValidationError(
            _("The date cannot be before %(date)s.") % {"date": earliest.isoformat()},
            code="date_too_early",
        )
    if latest is not None and value > latest:
        raise ValidationError(
            _("The date cannot be after %(date)s.") % {"date": latest.isoformat()},
            code="date_too_late",
        )
    return value


def without_empty(data):
    """The query data without blank values: a form's "all" option (``kind=``) means no
    filter, not an invalid choice."""
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        kept = [value for value in values if str(value).strip()]
        if kept:
            cleaned.setlist(key, kept)
    return cleaned


def filtered(filterset):
    """The filterset's rows when its filters are valid, else the unfiltered queryset: a bad
    query string shows everything instead of failing. Blank parameters are dropped first,
    so that an empty select does not void the other filters."""
    if not filterset.is_bound:
        names_in_language(filterset.form)
        return filterset.queryset
    filterset.data = without_empty(filterset.data)
    for cached in ("_form", "_qs"):  # rebuilt from the cleaned data
        filterset.__dict__.pop(cached, None)
    names_in_language(filterset.form)
    if filterset.is_valid():
        return filterset.qs
    return filterset.queryset


def service_errors_to_form(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        form.add_error(None, error)


def apply_service(
    request, form, action: Callable[[dict], object], success: str | Callable[[object], str]
):
    """Validate ``form`` and run ``action(cleaned_data)``; errors land on the form.

    ``success`` is the message to show, or a function of the action's result giving it.
    Answers what the action returned, or None when the form or the service said no.
    """
    if not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationError as error:
        service_errors_to_form(form, error)
        return None
    mark_done(request)
    messages.success(request, success(result) if callable(success) else success)
    return result if result is not None else True
