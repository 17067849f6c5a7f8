from django import forms

from core.forms import ConstraintValidatedModelForm
from core.idempotency import IdempotentFormMixin
from members.models import MembershipApplication


class MembershipApplicationForm(IdempotentFormMixin, ConstraintValidatedModelForm):
    """The public "join the alliance" form."""

    class Meta:
        model = MembershipApplication
        fields = [
            "alliance",
            "organization_name",
            "organization_name_en",
            "kind",
            "credit_code",
            "city",
            "website",
            "contact_name",
            "contact_title",
            "contact_email",
            "contact_phone",
            "motivation",
        ]
        widgets = {"motivation": forms.Textarea(attrs={"rows": 5})}
