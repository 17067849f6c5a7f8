"""Form bases shared by the apps."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError

from core.idempotency import mark_done


class DateInput(forms.DateInput):
    """The browser's date picker, with the ISO value it expects."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ConstraintValidatedModelForm(forms.ModelForm):
    """Validates every model constraint, even those touching fields the form leaves out.

    Django skips a constraint that names a field missing from the form (a read-only status,
    say); the database would then refuse the save with an error page. Here the form shows
    the constraint's message instead.
    """

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            self.instance.validate_constraints()
        except ValidationError as error:
            self._update_errors(error)


def filtered(filterset):
    """The filterset's rows when its filters are valid, else the unfiltered queryset: a bad
    query string shows everything instead of failing."""
    if filterset.is_bound and filterset.is_valid():
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
