from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import ConstraintValidatedModelForm, DateField, DateInput
from core.idempotency import IdempotentFormMixin
from funds.choices import DealStage, Decision, ExitKind, Instrument, ValuationMethod
from funds.models import Deal, Fund
from members.models import Organization
from projects.models import Project

MONEY = {"max_digits": 18, "decimal_places": 2, "min_value": 0}


class DealForm(ConstraintValidatedModelForm):
    class Meta:
        model = Deal
        fields = ["company", "project", "source", "requested_amount", "pre_money_valuation"]

    def __init__(self, *args, fund, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.fund = fund
        self.instance.owner = user
        self.fields["company"].queryset = Organization.objects.order_by("name")
        self.fields["project"].queryset = Project.objects.visible_to(user).order_by("title")


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("Move to"), choices=())
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        help_text=_("Required to decline or hold a deal."),
    )

    def __init__(self, *args, deal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s, DealStage(s).label) for s in deal.legal_moves]


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.key}"] = forms.TypedChoiceField(
                label=f"{criterion.display_name} (×{criterion.weight.normalize()})",
                choices=[(i, str(i)) for i in range(1, 6)],
                coerce=int,
                widget=forms.RadioSelect,
            )
        self.order_fields([*(f"score_{c.key}" for c in self.criteria), "comment"])

    def scores(self) -> dict[str, int]:
        return {c.key: self.cleaned_data[f"score_{c.key}"] for c in self.criteria}


class DecisionForm(forms.Form):
    meeting_date = DateField(label=_("Meeting date"), widget=DateInput())
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, max_value=99)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0, max_value=99)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, max_value=99, initial=0)
    decision = forms.ChoiceField(
        label=pgettext_lazy("investment committee", "Decision"), choices=Decision.choices
    )
    conditions = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting_date"].initial = timezone.localdate()


class InvestmentForm(IdempotentFormMixin, forms.Form):
    amount = forms.DecimalField(label=_("Amount"), **MONEY)
    invested_on = DateField(label=_("Invested on"), widget=DateInput())
    instrument = forms.ChoiceField(label=_("Instrument"), choices=Instrument.choices)
    stake = forms.DecimalField(
        label=_("Stake (%)"),
        required=False,
        max_digits=6,
        decimal_places=3,
        min_value=0,
        max_value=100,
    )
    shares = forms.DecimalField(
        label=_("Shares"), required=False, max_digits=20, decimal_places=2, min_value=0
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invested_on"].initial = timezone.localdate()


class ValuationForm(forms.Form):
    valued_on = DateField(label=_("Valued on"), widget=DateInput())
    fair_value = forms.DecimalField(label=_("Fair value"), **MONEY)
    method = forms.ChoiceField(label=_("Method"), choices=ValuationMethod.choices)


class ExitForm(forms.Form):
    exited_on = DateField(label=_("Exited on"), widget=DateInput())
    kind = forms.ChoiceField(label=pgettext_lazy("exit", "Kind"), choices=ExitKind.choices)
    proceeds = forms.DecimalField(label=_("Proceeds"), **MONEY)


class CapitalCallForm(IdempotentFormMixin, forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=2, min_value=0.01)
    call_date = DateField(label=_("Call date"), widget=DateInput())
    due_date = DateField(label=pgettext_lazy("capital call", "Due date"), widget=DateInput())
    purpose = forms.CharField(label=_("Purpose"), required=False, max_length=300)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("call_date")
            and cleaned.get("due_date")
            and cleaned["due_date"] < cleaned["call_date"]
        ):
            self.add_error("due_date", _("The due date cannot be before the call date."))
        return cleaned


class PaymentForm(IdempotentFormMixin, forms.Form):
    """One instalment: its amount and date (and the bank's reference)."""

    amount = forms.DecimalField(
        label=_("Amount paid"), max_digits=18, decimal_places=2, min_value=Decimal("0.01")
    )
    paid_on = DateField(label=_("Paid on"), widget=DateInput())
    reference = forms.CharField(
        label=pgettext_lazy("payment record", "Reference"), required=False, max_length=100
    )


class ReopenForm(forms.Form):
    comment = forms.CharField(
        label=_("Why reopen it?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReferForm(forms.Form):
    """Hand a project over to a fund's deal flow."""

    fund = forms.ModelChoiceField(label=_("Fund"), queryset=Fund.objects.none())
    requested_amount = forms.DecimalField(
        label=_("Requested amount"), max_digits=18, decimal_places=2, min_value=Decimal("0.01")
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=4000)

    def __init__(self, *args, user, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = Fund.objects.referable_by(user, project).order_by("name")
