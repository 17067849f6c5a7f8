from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import ReadPathMixin, ScopedModelViewSet
from core.idempotency import IdempotentCreateMixin
from funds import services
from funds.api.serializers import (
    CapitalCallSerializer,
    CommitmentSerializer,
    CommitteeDecisionSerializer,
    DealMoveSerializer,
    DealReopenSerializer,
    DealReviewSerializer,
    DealSerializer,
    ExitSerializer,
    FundMetricsSerializer,
    FundSerializer,
    InvestmentSerializer,
    MetricsQuerySerializer,
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
    PaymentFilterSet,
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
    Payment,
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
        parameters=[MetricsQuerySerializer],
        responses=FundMetricsSerializer,
    )
    @action(detail=True, methods=["get"])
    def metrics(self, request, pk=None):
        """Committed, called, paid in, invested, distributed, NAV, DPI, RVPI, TVPI, IRR, MOIC."""
        fund = self.get_object()
        query = MetricsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        figures = fund_figures(fund, query.validated_data.get("as_of"))
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


class PaymentViewSet(IdempotentCreateMixin, FundDataViewSet):
    """Payments: one instalment of a limited partner on a capital call, on its own date."""

    queryset = Payment.objects.select_related(
        "allocation__call", "allocation__limited_partner"
    )  # capital_call, limited_partner
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilterSet
    ordering_fields = ["paid_on", "amount", "created"]
    ordering = ["paid_on", "id"]
    http_method_names = ["get", "post", "head", "options"]
    create_with = staticmethod(services.payment_record)


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

    @extend_schema(request=DealReopenSerializer, responses=DealSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Take a declined deal back to screening, with the reason (kept as an event)."""
        deal = self.get_object()
        body = DealReopenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.deal_reopen(deal=deal, actor=request.user, **body.validated_data)
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
