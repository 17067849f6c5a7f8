from decimal import Decimal

from rest_framework import serializers

from core.api.serializers import MailingMixin, ValidatedModelSerializer
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
    ReviewCriterion,
    Valuation,
)


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


class FundMetricsSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    currency = serializers.CharField()
    committed = serializers.DecimalField(max_digits=18, decimal_places=2)
    called = serializers.DecimalField(max_digits=18, decimal_places=2)
    paid_in = serializers.DecimalField(max_digits=18, decimal_places=2)
    invested = serializers.DecimalField(max_digits=18, decimal_places=2)
    distributed = serializers.DecimalField(max_digits=18, decimal_places=2)
    nav = serializers.DecimalField(max_digits=18, decimal_places=2)
    dpi = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    rvpi = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    tvpi = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    irr = serializers.DecimalField(
        max_digits=14,
        decimal_places=6,
        allow_null=True,
        help_text="XIRR of the partners' dated cash flows; null when not defined.",
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


class PaymentSerializer(serializers.Serializer):
    limited_partner = serializers.IntegerField()
    paid_amount = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0)
    paid_on = serializers.DateField()


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
