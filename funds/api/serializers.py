from decimal import Decimal

from rest_framework import serializers

from core.api.serializers import DateField, MailingMixin, ValidatedModelSerializer
from funds.choices import DealStage, Decision, ExitKind, Instrument, ValuationMethod
from funds.models import (
    CapitalCall,
    CapitalCallAllocation,
    Commitment,
    CommitteeDecision,
    Deal,
    DealReview,
    Exit,
    Fund,
    Investment,
    Payment,
    ReviewCriterion,
    Valuation,
)
from members.models import Organization


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewCriterion
        fields = ["key", "name", "weight"]


class FundSerializer(ValidatedModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)
    team = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Fund
        fields = [
            "id",
            "name",
            "manager",
            "target_size",
            "currency",
            "vintage_year",
            "status",
            "team",
            "criteria",
            "created",
            "updated",
        ]


def _money(**kwargs):
    # No max_digits: a sum of many 18-digit amounts never overflows the answer.
    return serializers.DecimalField(max_digits=None, decimal_places=2, **kwargs)


def _multiple(**kwargs):
    return serializers.DecimalField(max_digits=None, decimal_places=4, allow_null=True, **kwargs)


class FundMetricsSerializer(serializers.Serializer):
    """The fund's figures as of a date; docs/architecture.md ("Fund figures") defines each."""

    as_of = serializers.DateField()
    currency = serializers.CharField()
    committed = _money(help_text="Sum of the limited partners' commitments.")
    called = _money(help_text="Sum of the capital calls dated on or before as_of.")
    paid_in = _money(help_text="Sum of the partners' payments, each on its own date.")
    invested = _money(help_text="The fund's investments at cost.")
    distributed = _money(help_text="Exit proceeds, all passed on to the partners on the exit date.")
    nav = _money(help_text="nav_holdings + nav_cash.")
    nav_holdings = _money(
        help_text="Fair value of the unexited holdings: the latest valuation on or before "
        "as_of, cost without one."
    )
    nav_cash = _money(
        help_text="Uninvested cash: paid in − invested + proceeds − distributed, never below 0."
    )
    dpi = _multiple(help_text="distributed / paid_in; null while nothing is paid in.")
    rvpi = _multiple(help_text="nav / paid_in; null while nothing is paid in.")
    tvpi = _multiple(help_text="(distributed + nav) / paid_in; null while nothing is paid in.")
    irr = serializers.FloatField(
        allow_null=True,
        help_text="XIRR (365-day) of the partners' dated cash flows with the NAV as the final "
        "flow, as a decimal fraction (0.1744 for 17.44 %); null when not defined.",
    )
    irr_note = serializers.CharField(
        allow_null=True,
        help_text="Why the IRR is not defined, or that several rates fit; null otherwise.",
    )
    investments = serializers.ListField(child=serializers.DictField())


class CommitmentSerializer(ValidatedModelSerializer):
    limited_partner_name = serializers.CharField(source="limited_partner.name", read_only=True)

    class Meta:
        model = Commitment
        fields = [
            "id",
            "fund",
            "limited_partner",
            "limited_partner_name",
            "amount",
            "committed_on",
            "created",
            "updated",
        ]


class AllocationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)

    class Meta:
        model = CapitalCallAllocation
        fields = ["id", "limited_partner", "amount", "paid_amount", "paid_on", "status"]
        read_only_fields = fields


class CapitalCallSerializer(MailingMixin, serializers.ModelSerializer):
    allocations = AllocationSerializer(many=True, read_only=True)

    class Meta:
        model = CapitalCall
        fields = [
            "mailing",
            "id",
            "fund",
            "number",
            "amount",
            "call_date",
            "due_date",
            "purpose",
            "allocations",
            "created",
        ]
        read_only_fields = ["number", "allocations", "created"]


class MetricsQuerySerializer(serializers.Serializer):
    as_of = DateField(required=False, help_text="Default: today.")


class _ScopedPrimaryKey(serializers.PrimaryKeyRelatedField):
    """A related row by id, read through a property (no pk-only shortcut)."""

    def use_pk_only_optimization(self):
        return False


class PaymentSerializer(serializers.ModelSerializer):
    """One instalment a limited partner paid on a capital call."""

    capital_call = _ScopedPrimaryKey(queryset=CapitalCall.objects.all())
    limited_partner = _ScopedPrimaryKey(queryset=Organization.objects.all())

    class Meta:
        model = Payment
        fields = [
            "id",
            "capital_call",
            "limited_partner",
            "amount",
            "paid_on",
            "reference",
            "recorded_by",
            "created",
        ]
        read_only_fields = ["recorded_by", "created"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:  # only the calls the user sees can be named
            fields["capital_call"].queryset = CapitalCall.objects.visible_to(request.user)
        return fields


class DealSerializer(ValidatedModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True)
    days_in_stage = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Deal
        fields = [
            "id",
            "fund",
            "company",
            "company_name",
            "project",
            "source",
            "owner",
            "requested_amount",
            "pre_money_valuation",
            "currency",
            "stage",
            "stage_reason",
            "days_in_stage",
            "average_score",
            "created",
            "updated",
        ]
        read_only_fields = ["stage", "stage_reason", "average_score"]
        extra_kwargs = {"owner": {"required": False}}

    def validate(self, attrs):
        if self.instance is None and "owner" not in attrs and "request" in self.context:
            attrs["owner"] = self.context["request"].user
        return super().validate(attrs)


class DealReopenSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=4000, help_text="Why the deal is reopened.")


class DealMoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=DealStage.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class DealReviewSerializer(serializers.ModelSerializer):
    scores = serializers.DictField(child=serializers.IntegerField(min_value=1, max_value=5))

    class Meta:
        model = DealReview
        fields = ["id", "deal", "reviewer", "scores", "weighted_score", "comment", "created"]
        read_only_fields = ["reviewer", "weighted_score", "created"]
        validators = []  # once per reviewer: the service answers with the model's message


class CommitteeDecisionSerializer(serializers.ModelSerializer):
    decision = serializers.ChoiceField(choices=Decision.choices)

    class Meta:
        model = CommitteeDecision
        fields = [
            "id",
            "deal",
            "meeting_date",
            "votes_for",
            "votes_against",
            "votes_abstain",
            "decision",
            "conditions",
            "created",
        ]
        read_only_fields = ["created"]


class InvestmentSerializer(serializers.ModelSerializer):
    instrument = serializers.ChoiceField(choices=Instrument.choices, default=Instrument.EQUITY)

    class Meta:
        model = Investment
        fields = [
            "id",
            "deal",
            "fund",
            "amount",
            "invested_on",
            "instrument",
            "stake",
            "shares",
            "created",
        ]
        read_only_fields = ["fund", "created"]


class ValuationSerializer(serializers.ModelSerializer):
    method = serializers.ChoiceField(choices=ValuationMethod.choices, default=ValuationMethod.COST)

    class Meta:
        model = Valuation
        fields = ["id", "investment", "valued_on", "fair_value", "method", "created"]
        read_only_fields = ["created"]
        validators = []


class ExitSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ExitKind.choices)

    class Meta:
        model = Exit
        fields = ["id", "investment", "exited_on", "kind", "proceeds", "created"]
        read_only_fields = ["created"]
        validators = []


class ReferSerializer(serializers.Serializer):
    """The body of a referral; the funds offered are those the user may refer to."""

    fund = serializers.PrimaryKeyRelatedField(queryset=Fund.objects.all())
    requested_amount = serializers.DecimalField(
        max_digits=18, decimal_places=2, min_value=Decimal("0.01")
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class ReferralSerializer(serializers.Serializer):
    """The deal a referral created (the fund's own resources have the rest)."""

    id = serializers.IntegerField()
    fund = serializers.IntegerField(source="fund_id")
    project = serializers.IntegerField(source="project_id")
    company = serializers.IntegerField(source="company_id")
    stage = serializers.CharField()
