"""Form bases shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError


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
