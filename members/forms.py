from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ConstraintValidatedModelForm
from members.models import Membership, MembershipApplication, Organization


class MembershipApplicationForm(ConstraintValidatedModelForm):
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

    def clean(self):
        cleaned = super().clean()
        alliance = cleaned.get("alliance")
        name = cleaned.get("organization_name")
        if alliance and name:
            organization = Organization.objects.matching(
                name=name, credit_code=cleaned.get("credit_code") or ""
            )
            if (
                organization is not None
                and Membership.objects.current()
                .filter(alliance=alliance, organization=organization)
                .exists()
            ):
                raise forms.ValidationError(
                    _("%(organization)s is already a member of %(alliance)s."),
                    params={"organization": organization, "alliance": alliance},
                    code="already_member",
                )
        return cleaned
