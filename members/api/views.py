from django.db.models import Count, Prefetch, Q
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.serializers import CommentSerializer, ReasonSerializer
from core.api.viewsets import ReadPathMixin, ScopedModelViewSet
from core.idempotency import idempotent
from members import roles, services
from members.api.serializers import (
    AllianceSerializer,
    ApplicationSubmittedSerializer,
    ApproveSerializer,
    ContactSerializer,
    MembershipApplicationSerializer,
    MembershipSerializer,
    OrganizationSerializer,
)
from members.choices import MembershipRole, MembershipStatus
from members.filtersets import (
    AllianceFilterSet,
    ContactFilterSet,
    MembershipApplicationFilterSet,
    MembershipFilterSet,
    OrganizationFilterSet,
)
from members.models import Alliance, Contact, Membership, MembershipApplication, Organization


class AllianceViewSet(ScopedModelViewSet):
    """Alliances with their chairman unit and number of active members; public to read."""

    queryset = Alliance.objects.annotate(
        # member_count
        member_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE))
    ).prefetch_related(
        # chairman
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(
                role=MembershipRole.CHAIRMAN, status=MembershipStatus.ACTIVE
            ).select_related("organization"),
            to_attr="chairman_memberships",
        )
    )
    serializer_class = AllianceSerializer
    filterset_class = AllianceFilterSet
    ordering_fields = ["name", "name_en", "founded_on", "city", "member_count"]
    ordering = ["founded_on", "name"]
    public_read = True
    write_roles = (roles.SECRETARIAT,)
    http_method_names = ["get", "put", "patch", "head", "options", "post"]

    def get_queryset(self):
        return self.queryset  # public

    def create(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            self.permission_denied(request)
        return super().create(request, *args, **kwargs)


class OrganizationViewSet(ReadPathMixin, ScopedModelViewSet):
    """The organisation master; the public sees the member directory."""

    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    ordering_fields = ["name", "name_en", "kind", "city", "created"]
    ordering = ["name"]
    public_read = True
    write_roles = (roles.SECRETARIAT,)


class MembershipViewSet(ReadPathMixin, ScopedModelViewSet):
    """Organisation × alliance; active ones are public, the rest the secretariat's."""

    queryset = Membership.objects.select_related(
        "alliance",  # alliance_name
        "organization",  # organization_name
    )
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet
    ordering_fields = ["role", "status", "term_start", "term_end", "joined_on", "created"]
    ordering = ["alliance__name", "role", "organization__name"]
    public_read = True
    write_roles = (roles.SECRETARIAT,)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    save_with = staticmethod(services.membership_save)

    def _transition(self, request, service, body_serializer, **extra):
        membership = self.get_object()
        self.check_editable(membership)
        body = body_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = service(membership=membership, actor=request.user, **body.validated_data)
        return Response(MembershipSerializer(membership).data)

    @extend_schema(request=ReasonSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The organisation leaves the alliance; the reason is required."""
        return self._transition(request, services.membership_withdraw, ReasonSerializer)

    @extend_schema(request=ReasonSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def expel(self, request, pk=None):
        return self._transition(request, services.membership_expel, ReasonSerializer)

    @extend_schema(request=CommentSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._transition(request, services.membership_suspend, CommentSerializer)

    @extend_schema(request=CommentSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        return self._transition(request, services.membership_reinstate, CommentSerializer)

    @extend_schema(request=CommentSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"], url_path="hand-over-chair")
    def hand_over_chair(self, request, pk=None):
        """Make this member the chairman unit; the old chairman becomes a governing unit."""
        return self._transition(request, services.membership_hand_over_chair, CommentSerializer)


class ContactViewSet(ScopedModelViewSet):
    """People of member organisations; never public."""

    queryset = Contact.objects.select_related("organization")
    serializer_class = ContactSerializer
    filterset_class = ContactFilterSet
    ordering_fields = ["name", "email", "created"]
    ordering = ["organization__name", "-is_primary", "name"]
    write_roles = (roles.SECRETARIAT,)


class ApplicationPermission(permissions.BasePermission):
    """Anybody may apply (``POST``); only the secretariat reads and decides."""

    def has_permission(self, request, view):
        if view.action == "create":
            return True
        return request.user.is_authenticated


class MembershipApplicationViewSet(ScopedModelViewSet):
    """Applications to join; ``POST`` is the public join form."""

    queryset = MembershipApplication.objects.select_related("alliance")
    serializer_class = MembershipApplicationSerializer
    filterset_class = MembershipApplicationFilterSet
    permission_classes = [ApplicationPermission]
    ordering_fields = ["created", "organization_name", "status"]
    ordering = ["-created"]
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        request=MembershipApplicationSerializer,
        responses={201: ApplicationSubmittedSerializer},
    )
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.application_submit(
            application=MembershipApplication(**serializer.validated_data)
        )
        # The applicant is mailed its reference and status link, as by the join form.
        application.mailing = services.application_acknowledge(
            application=application,
            status_url=request.build_absolute_uri(application.get_status_url()),
        )
        return Response(
            ApplicationSubmittedSerializer(application).data, status=status.HTTP_201_CREATED
        )

    def _decide(self, request, service, body_serializer):
        application = self.get_object()
        self.check_editable(application)
        body = body_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = service(application=application, actor=request.user, **body.validated_data)
        application.refresh_from_db()
        # Whom the decision was mailed to, as the service queued it (it answers the
        # application, or the membership an approval made; both carry the mailing).
        application.mailing = getattr(decided, "mailing", None)
        return Response(MembershipApplicationSerializer(application).data)

    @extend_schema(request=ApproveSerializer, responses=MembershipApplicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve: the organisation (matched by credit code or name, else created) joins."""
        return self._decide(request, services.application_approve, ApproveSerializer)

    @extend_schema(request=ReasonSerializer, responses=MembershipApplicationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, services.application_reject, ReasonSerializer)
