from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.serializers import CommentSerializer
from core.api.viewsets import ANY_AUTHENTICATED, ReadPathMixin, ScopedModelViewSet
from core.canal import achievement_thread
from members import roles
from projects import services
from projects.api.serializers import (
    AchievementSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    CanalThreadSerializer,
    MilestoneSerializer,
    MoveSerializer,
    ProductSerializer,
    ProjectSerializer,
)
from projects.filtersets import (
    AchievementFilterSet,
    MilestoneFilterSet,
    ProductFilterSet,
    ProjectFilterSet,
)
from projects.models import Achievement, Milestone, Product, Project


class AchievementViewSet(ReadPathMixin, ScopedModelViewSet):
    """Achievements; the public reads the accepted, non-confidential catalogue.

    ``?q=`` searches title and summary in English and Chinese (ranked); where the user may
    read an achievement's confidential fields, also its details, patents and inventors.
    """

    delete_with = staticmethod(services.achievement_delete)  # drafts, by their owner
    queryset = Achievement.objects.select_related(
        "organization",  # organization_name
        "alliance",  # alliance_name
    ).prefetch_related(
        "inventors",  # inventors
        "ip_items",  # ip_items
        "attachments",  # attachments
    )
    serializer_class = AchievementSerializer
    filterset_class = AchievementFilterSet
    ordering_fields = ["created", "updated", "submitted_at", "title", "trl"]
    public_read = True
    # Submitters write their own; the secretariat decides. The services check the rest.
    write_roles = (roles.INSTITUTE_SUBMITTER, roles.SECRETARIAT)

    def _split(self, serializer):
        data = dict(serializer.validated_data)
        return data, data.pop("inventors", None), data.pop("ip_items", None)

    def save_new(self, serializer):
        data, inventors, ip_items = self._split(serializer)
        return services.achievement_save(
            achievement=Achievement(**data),
            actor=self.request.user,
            inventors=inventors,
            ip_items=ip_items,
        )

    def save_changes(self, serializer):
        data, inventors, ip_items = self._split(serializer)
        achievement = serializer.instance
        for key, value in data.items():
            setattr(achievement, key, value)
        return services.achievement_save(
            achievement=achievement, actor=self.request.user, inventors=inventors, ip_items=ip_items
        )

    def _transition(self, request, service):
        achievement = self.get_object()
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = service(achievement=achievement, actor=request.user, **body.validated_data)
        achievement = self.get_queryset().get(pk=achievement.pk)
        achievement.mailing = getattr(done, "mailing", None)
        return Response(self.get_serializer(achievement).data)

    @extend_schema(request=CommentSerializer, responses=AchievementSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The owner submits a draft or a returned achievement for review."""
        return self._transition(request, services.achievement_submit)

    @extend_schema(request=CommentSerializer, responses=AchievementSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The alliance's secretariat accepts a submitted achievement."""
        return self._transition(request, services.achievement_accept)

    @extend_schema(request=CommentSerializer, responses=AchievementSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_for_revision(self, request, pk=None):
        """The secretariat returns it for revision; the comment is required."""
        return self._transition(request, services.achievement_return)

    @extend_schema(request=CommentSerializer, responses=AchievementSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """The secretariat rejects it; the comment (the reason) is required."""
        return self._transition(request, services.achievement_reject)

    @extend_schema(responses=CanalThreadSerializer)
    @action(detail=True, methods=["get"], permission_classes=[IsAuthenticated])
    def canal(self, request, pk=None):
        """The achievement's thread from IP to exit: each hop's date, organisation and days;
        for logged-in users, as the thread's page (the catalogue itself is public)."""
        achievement = self.get_object()
        thread = {
            "achievement": achievement.pk,
            "title": achievement.title,
            "hops": achievement_thread(achievement, request.user),
        }
        return Response(CanalThreadSerializer(thread).data)

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        """Upload a file (PDF, Word, Excel, PowerPoint, PNG, JPEG) to an editable achievement."""
        achievement = self.get_object()
        body = AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            attachment = services.attachment_add(
                achievement=achievement, actor=request.user, upload=body.validated_data["file"]
            )
        return Response(
            AttachmentSerializer(attachment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


# --- Projects ------------------------------------------------------------------------------


class ProjectViewSet(ScopedModelViewSet):
    """Commercialization projects; the stage changes only through ``move``."""

    queryset = Project.objects.select_related(
        "enterprise"  # enterprise_name
    ).with_overdue()  # overdue_milestones
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    ordering_fields = ["started_on", "title", "stage", "budget"]
    ordering = ["-started_on", "-id"]
    write_roles = ANY_AUTHENTICATED  # the services check the organisation
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    save_with = staticmethod(services.project_save)

    @extend_schema(request=MoveSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the project to its next stage, on hold or terminated (with a comment)."""
        project = self.get_object()
        body = MoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.project_move(project=project, actor=request.user, **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=project.pk)).data)


class MilestoneViewSet(ScopedModelViewSet):
    queryset = Milestone.objects.all()
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilterSet
    ordering_fields = ["due_on", "done_on"]
    ordering = ["due_on", "id"]
    write_roles = ANY_AUTHENTICATED
    save_with = staticmethod(services.milestone_save)


class ProductViewSet(ScopedModelViewSet):
    """Products made from the projects; public to read (with their import substitution)."""

    queryset = Product.objects.select_related("enterprise")  # enterprise_name
    serializer_class = ProductSerializer
    filterset_class = ProductFilterSet
    ordering_fields = ["name", "launch_date", "domestic_market_share"]
    ordering = ["name", "id"]
    public_read = True
    write_roles = ANY_AUTHENTICATED
    save_with = staticmethod(services.product_save)
