from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import (
    ConstraintValidatedModelForm,
    DateField,
    DateInput,
    WholeInlineFormSet,
    check_date_range,
)
from members import roles
from members.models import Alliance, Organization
from projects.choices import Cooperation, ProjectStage
from projects.files import validate_attachment
from projects.models import Achievement, Inventor, IPItem, Milestone, Product, Project
from projects.validators import validate_inventors


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the pattern of Django's file-upload documentation)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class AchievementForm(ConstraintValidatedModelForm):
    cooperation = forms.MultipleChoiceField(
        label=_("Cooperation wanted"),
        choices=Cooperation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    files = MultipleFileField(
        label=_("Add attachments"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint, PNG or JPEG."),
    )

    class Meta:
        model = Achievement
        fields = [
            "title",
            "alliance",
            "field",
            "summary",
            "confidential_details",
            "is_confidential",
            "trl",
            "trl_justification",
            "cooperation",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "confidential_details": forms.Textarea(attrs={"rows": 4}),
            "trl_justification": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Only alliances the user's organisation is an active member of.
        org_id = self.instance.organization_id or roles.organization_id(user)
        self.fields["alliance"].queryset = Alliance.objects.filter(
            memberships__organization_id=org_id, memberships__status="active"
        ).distinct()
        if org_id:
            self.instance.organization_id = org_id

    def clean_files(self):
        uploads = self.cleaned_data.get("files") or []
        for upload in uploads:
            validate_attachment(upload)
        return uploads


class InventorForm(forms.ModelForm):
    class Meta:
        model = Inventor
        fields = ["name", "organization", "share"]


class BaseInventorFormSet(WholeInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        try:
            validate_inventors(self.rows())
        except ValidationError as error:
            raise ValidationError(error.messages) from error

    def rows(self) -> list[dict]:
        return [
            {key: form.cleaned_data[key] for key in ("name", "organization", "share")}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class IPItemForm(forms.ModelForm):
    class Meta:
        model = IPItem
        fields = ["number", "title", "jurisdiction", "legal_status", "filed_on"]
        widgets = {"filed_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filed_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_filed_on(self):
        # A patent is filed on a past day: never in the future, never before 1900.
        return check_date_range(self.cleaned_data.get("filed_on"), latest=timezone.localdate())


class BaseIPItemFormSet(WholeInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        numbers = [row["number"].strip() for row in self.rows()]
        if len(set(numbers)) != len(numbers):
            raise ValidationError(_("Each patent number is listed once."))

    def rows(self) -> list[dict]:
        keys = ("number", "title", "jurisdiction", "legal_status", "filed_on")
        return [
            {key: form.cleaned_data[key] for key in keys}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


InventorFormSet = forms.inlineformset_factory(
    Achievement,
    Inventor,
    form=InventorForm,
    formset=BaseInventorFormSet,
    extra=2,
    can_delete=True,
    max_num=50,
)
IPItemFormSet = forms.inlineformset_factory(
    Achievement,
    IPItem,
    form=IPItemForm,
    formset=BaseIPItemFormSet,
    extra=1,
    can_delete=True,
    max_num=100,
)


class ReviewForm(forms.Form):
    DECISIONS = [
        ("accept", _("Accept")),
        ("return", _("Return for revision")),
        ("reject", _("Reject")),
    ]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The submitter sees it. Required to return or reject."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") in ("return", "reject")
            and not cleaned.get("comment", "").strip()
        ):
            self.add_error("comment", _("Give the comment the submitter will see."))
        return cleaned


# --- Projects ------------------------------------------------------------------------------


class ProjectForm(ConstraintValidatedModelForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "pilot_organization",
            "enterprise",
            "planned_capacity",
            "capacity_unit",
            "budget",
            "started_on",
        ]
        widgets = {"started_on": DateInput()}

    def __init__(self, *args, achievement, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.achievement = achievement
        members = Organization.objects.filter(
            memberships__alliance_id=achievement.alliance_id, memberships__status="active"
        ).distinct()
        self.fields["pilot_organization"].queryset = members
        self.fields["enterprise"].queryset = members
        self.fields["title"].required = False
        self.fields["started_on"].initial = timezone.localdate()


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("Move to"), choices=())
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the project goes on hold or is terminated."),
    )
    on = DateField(label=_("Date"), required=False, widget=DateInput())

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [
            (stage, ProjectStage(stage).label) for stage in project.legal_moves
        ]
        self.fields["on"].initial = timezone.localdate()


class MilestoneForm(ConstraintValidatedModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "owner_organization"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project
        self.fields["owner_organization"].queryset = Organization.objects.filter(
            pk__in=[pk for pk in (project.enterprise_id, project.pilot_organization_id) if pk]
        )


class ProductForm(ConstraintValidatedModelForm):
    class Meta:
        model = Product
        fields = [
            "name",
            "launch_date",
            "annual_output",
            "output_unit",
            "domestic_market_share",
            "application_areas",
            "replaces_import",
            "replaced_product",
        ]
        widgets = {"launch_date": DateInput()}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project
        self.instance.enterprise_id = project.enterprise_id
