import datetime

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import ReadPathMixin, ScopedModelViewSet
from core.idempotency import KEY_PARAMETER, IdempotentCreateMixin, idempotent
from funds import services
from funds.api.serializers import (
    CapitalCallSerializer,
    CommitmentSerializer,
    CommitteeDecisionSerializer,
    DealMoveSerializer,
    DealReviewSerializer,
    DealSerializer,
    ExitSerializer,
    FundMetricsSerializer,
    FundSerializer,
    InvestmentSerializer,
    PaymentSerializer,
    ReferralSerializer,
    ReferSerializer,
    ValuationSerializer,
)
from funds.filtersets import (
    CapitalCallFilterSet,
    CommitmentFilterSet,
    CommitteeDecisionFilterSet,
    DealFilterSet,
    DealReviewFilterSet,
    ExitFilterSet,
    FundFilterSet,
    InvestmentFilterSet,
    ValuationFilterSet,
)
from funds.metrics import fund_figures
from funds.models import (
    CapitalCall,
    Commitment,
    CommitteeDecision,
    Deal,
    DealReview,
    Exit,
    Fund,
    Investment,
    Valuation,
)
from members import roles
from projects.models import Project


class FundDataViewSet(ScopedModelViewSet):
    """Fund data: the fund's team and the holding's analysts read; the team writes."""

    write_roles = (roles.FUND_MANAGER,)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class FundViewSet(FundDataViewSet):
    queryset = Fund.objects.select_related("manager").prefetch_related(
        "team",  # team
        "criteria",  # criteria
    )
    serializer_class = FundSerializer
    filterset_class = FundFilterSet
    ordering_fields = ["name", "vintage_year", "target_size"]
    ordering = ["-vintage_year", "name"]
    save_with = staticmethod(services.fund_save)

    @extend_schema(
        parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE, description="Default: today.")],
        responses=FundMetricsSerializer,
    )
    @action(detail=True, methods=["get"])
    def metrics(self, request, pk=None):
        """Committed, called, paid in, invested, distributed, NAV, DPI, RVPI, TVPI, IRR, MOIC."""
        fund = self.get_object()
        as_of = None
        if request.query_params.get("as_of"):
            try:
                as_of = datetime.date.fromisoformat(request.query_params["as_of"])
            except ValueError as error:
                raise serializers.ValidationError(
                    {"as_of": ["Give a date as YYYY-MM-DD."]}
                ) from error
        figures = fund_figures(fund, as_of)
        data = {**figures.__dict__, "currency": fund.currency}
        return Response(FundMetricsSerializer(data).data)


class CommitmentViewSet(FundDataViewSet):
    queryset = Commitment.objects.select_related("limited_partner")  # limited_partner_name
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilterSet
    ordering_fields = ["amount", "committed_on"]
    ordering = ["fund", "-amount", "id"]
    save_with = staticmethod(services.commitment_save)


class CapitalCallViewSet(IdempotentCreateMixin, FundDataViewSet):
    """Capital calls; their allocations are created with them, pro rata to commitments."""

    queryset = CapitalCall.objects.prefetch_related("allocations")  # allocations
    serializer_class = CapitalCallSerializer
    filterset_class = CapitalCallFilterSet
    ordering_fields = ["call_date", "number", "amount"]
    ordering = ["fund", "number"]
    http_method_names = ["get", "post", "head", "options"]
    create_with = staticmethod(services.capital_call_create)

    @extend_schema(
        request=PaymentSerializer, responses=CapitalCallSerializer, parameters=[KEY_PARAMETER]
    )
    @action(detail=True, methods=["post"], url_path="record-payment")
    @idempotent
    def record_payment(self, request, pk=None):
        """Record what a limited partner has paid of its allocation (the running total)."""
        call = self.get_object()
        body = PaymentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        allocation = get_object_or_404(
            call.allocations, limited_partner_id=body.validated_data["limited_partner"]
        )
        services.allocation_record_payment(
            allocation=allocation,
            actor=request.user,
            paid_amount=body.validated_data["paid_amount"],
            paid_on=body.validated_data["paid_on"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=call.pk)).data)


class DealViewSet(ReadPathMixin, FundDataViewSet):
    """Deal flow; the stage changes through ``move``, committee decisions and investments."""

    queryset = Deal.objects.select_related("company")  # company_name
    serializer_class = DealSerializer
    filterset_class = DealFilterSet
    ordering_fields = ["created", "requested_amount", "stage", "average_score", "stage_changed_at"]
    ordering = ["-created", "-id"]
    save_with = staticmethod(services.deal_save)

    @extend_schema(request=DealMoveSerializer, responses=DealSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        deal = self.get_object()
        body = DealMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.deal_move(deal=deal, actor=request.user, **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=deal.pk)).data)


class DealReviewViewSet(FundDataViewSet):
    """Reviews: the reviewer is the requesting user, once per deal."""

    queryset = DealReview.objects.all()
    serializer_class = DealReviewSerializer
    filterset_class = DealReviewFilterSet
    ordering_fields = ["created", "weighted_score"]
    ordering = ["deal", "created", "id"]
    http_method_names = ["get", "post", "head", "options"]
    create_with = staticmethod(services.review_submit)


class CommitteeDecisionViewSet(FundDataViewSet):
    queryset = CommitteeDecision.objects.all()
    serializer_class = CommitteeDecisionSerializer
    filterset_class = CommitteeDecisionFilterSet
    ordering_fields = ["meeting_date"]
    ordering = ["deal", "meeting_date", "id"]
    http_method_names = ["get", "post", "head", "options"]
    create_with = staticmethod(services.committee_decide)


class InvestmentViewSet(IdempotentCreateMixin, FundDataViewSet):
    queryset = Investment.objects.all()
    serializer_class = InvestmentSerializer
    filterset_class = InvestmentFilterSet
    ordering_fields = ["invested_on", "amount"]
    ordering = ["fund", "invested_on", "id"]
    http_method_names = ["get", "post", "head", "options"]
    create_with = staticmethod(services.investment_record)


class ValuationViewSet(FundDataViewSet):
    queryset = Valuation.objects.all()
    serializer_class = ValuationSerializer
    filterset_class = ValuationFilterSet
    ordering_fields = ["valued_on", "fair_value"]
    ordering = ["investment", "valued_on", "id"]
    http_method_names = ["get", "post", "head", "options"]
    create_with = staticmethod(services.valuation_record)


class ExitViewSet(FundDataViewSet):
    queryset = Exit.objects.all()
    serializer_class = ExitSerializer
    filterset_class = ExitFilterSet
    ordering_fields = ["exited_on", "proceeds"]
    ordering = ["exited_on", "id"]
    http_method_names = ["get", "post", "head", "options"]
    create_with = staticmethod(services.exit_record)


class ProjectReferralViewSet(viewsets.GenericViewSet):
    """``POST /api/v1/projects/{id}/refer/``: the funds' action on a project."""

    queryset = Project.objects.all()
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ReferSerializer

    def get_queryset(self):
        return Project.objects.visible_to(self.request.user)

    @extend_schema(request=ReferSerializer, responses={201: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def refer(self, request, pk=None):
        """Hand the project (industrialization or later) to a fund as a sourced deal."""
        project = self.get_object()
        body = ReferSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        deal = services.deal_refer_from_project(
            project=project, actor=request.user, **body.validated_data
        )
        return Response(ReferralSerializer(deal).data, status=201)
