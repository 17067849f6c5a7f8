from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from canal import dashboard
from members.models import Alliance, Organization
from projects.choices import Field
from projects.models import CanalCell


class CanalFilterForm(forms.Form):
    alliance = forms.ModelChoiceField(
        label=_("Alliance"),
        queryset=Alliance.objects.all(),
        required=False,
        empty_label=_("All alliances"),
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        # Organisations with achievements in the canal, themselves or through subordinate
        # units: one index probe each in the canal's "all" cells, whatever the scale.
        queryset=Organization.objects.filter(
            Exists(
                CanalCell.objects.filter(
                    alliance_id=0, organization_id=OuterRef("pk"), field="", cohort=0
                )
            )
        ),
        required=False,
        empty_label=_("All organisations"),
    )
    field = forms.ChoiceField(
        label=_("Field"), choices=[("", _("All fields")), *Field.choices], required=False
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not dashboard.roles.reads_everything(user):
            self.fields["alliance"].queryset = Alliance.objects.filter(
                id__in=dashboard.roles.served_alliance_ids(user)
            )

    def filters(self) -> dashboard.Filters:
        if not self.is_valid():
            return dashboard.Filters()
        data = self.cleaned_data
        return dashboard.Filters(
            alliance=data["alliance"].pk if data.get("alliance") else None,
            organization=data["organization"].pk if data.get("organization") else None,
            field=data.get("field") or None,
            year=data.get("year"),
        )


class ImportSubstitutionFilterForm(forms.Form):
    """The public list's filters; an unknown value is ignored (the whole list shows)."""

    field = forms.ChoiceField(choices=[("", _("All fields")), *Field.choices], required=False)
    alliance = forms.ModelChoiceField(queryset=Alliance.objects.all(), required=False)

    def clean(self):
        # Drop what did not validate, keep the rest: a stale link still filters what it can.
        for name in list(self.errors):
            self.cleaned_data.pop(name, None)
        return self.cleaned_data
