import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import SearchFilter
from funds.choices import DealStage
from funds.models import (
    CapitalCall,
    Commitment,
    CommitteeDecision,
    Deal,
    DealReview,
    Exit,
    Fund,
    Investment,
    Payment,
    Valuation,
)


class FundFilterSet(django_filters.FilterSet):
    q = SearchFilter(field_name="name", lookup_expr="icontains", label=_("Search"))

    class Meta:
        model = Fund
        fields = ["q", "manager", "currency", "vintage_year", "status"]


class DealFilterSet(django_filters.FilterSet):
    q = SearchFilter(method="search", label=_("Search"))
    stage = django_filters.MultipleChoiceFilter(choices=DealStage.choices, label=_("Stage"))
    alliance = django_filters.NumberFilter(
        field_name="project__achievement__alliance", label=_("Alliance")
    )

    class Meta:
        model = Deal
        fields = ["q", "fund", "company", "project", "source", "owner", "stage", "alliance"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(company__name__icontains=value) | Q(company__name_en__icontains=value)
        )


class CommitmentFilterSet(django_filters.FilterSet):
    class Meta:
        model = Commitment
        fields = ["fund", "limited_partner"]


class CapitalCallFilterSet(django_filters.FilterSet):
    class Meta:
        model = CapitalCall
        fields = ["fund"]


class PaymentFilterSet(django_filters.FilterSet):
    fund = django_filters.NumberFilter(field_name="allocation__call__fund", label=_("Fund"))
    capital_call = django_filters.NumberFilter(
        field_name="allocation__call", label=_("Capital call")
    )
    limited_partner = django_filters.NumberFilter(
        field_name="allocation__limited_partner", label=_("Limited partner")
    )

    class Meta:
        model = Payment
        fields = ["fund", "capital_call", "limited_partner", "paid_on"]


class DealReviewFilterSet(django_filters.FilterSet):
    class Meta:
        model = DealReview
        fields = ["deal", "reviewer"]


class CommitteeDecisionFilterSet(django_filters.FilterSet):
    class Meta:
        model = CommitteeDecision
        fields = ["deal", "decision"]


class InvestmentFilterSet(django_filters.FilterSet):
    class Meta:
        model = Investment
        fields = ["fund", "deal", "instrument"]


class ValuationFilterSet(django_filters.FilterSet):
    class Meta:
        model = Valuation
        fields = ["investment", "method"]


class ExitFilterSet(django_filters.FilterSet):
    class Meta:
        model = Exit
        fields = ["investment", "kind"]
