from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api.serializers import DateField, MailingMixin, ValidatedModelSerializer, nested_rows
from projects.choices import Cooperation, ProjectStage
from projects.models import Achievement, Attachment, Inventor, IPItem, Milestone, Product, Project
from projects.validators import validate_inventors


class InventorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Inventor
        fields = ["name", "organization", "share"]


class IPItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = IPItem
        fields = ["number", "title", "jurisdiction", "legal_status", "filed_on"]
        # Uniqueness per achievement is checked on the whole list.
        validators = []


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "created", "url"]

    def get_url(self, attachment) -> str:
        request = self.context.get("request")
        path = attachment.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class AchievementSerializer(MailingMixin, serializers.ModelSerializer):
    """An achievement with its inventors and IP items, written in one request.

    ``confidential_details``, ``inventors``, ``ip_items`` and ``attachments`` read as null
    for those who may see only the public summary.
    """

    cooperation = serializers.ListField(
        child=serializers.ChoiceField(choices=Cooperation.choices), required=False
    )
    inventors = nested_rows(InventorSerializer, required=False, allow_null=True)
    ip_items = nested_rows(IPItemSerializer, required=False, allow_null=True)
    attachments = AttachmentSerializer(many=True, read_only=True, allow_null=True)
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Achievement._meta.get_field("organization").related_model.objects.all(),
        required=False,
        help_text="The owner; the submitter's own organisation when omitted.",
    )
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    alliance_name = serializers.CharField(source="alliance.name", read_only=True)

    class Meta:
        model = Achievement
        fields = [
            "mailing",
            "id",
            "title",
            "summary",
            "confidential_details",
            "is_confidential",
            "field",
            "alliance",
            "alliance_name",
            "organization",
            "organization_name",
            "trl",
            "trl_justification",
            "cooperation",
            "inventors",
            "ip_items",
            "attachments",
            "status",
            "submitted_at",
            "decided_at",
            "review_comment",
            "created",
            "updated",
        ]
        read_only_fields = ["status", "submitted_at", "decided_at", "review_comment"]
        extra_kwargs = {"confidential_details": {"allow_null": True}}

    def validate_inventors(self, value):

        try:
            validate_inventors(value or [])
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return value

    def validate_ip_items(self, value):
        numbers = [item["number"].strip() for item in value or []]
        if len(set(numbers)) != len(numbers):
            raise serializers.ValidationError(_("Each patent number is listed once."))
        return value

    confidential_fields = ("confidential_details", "inventors", "ip_items", "attachments")

    @classmethod
    def hidden_fields(cls, achievement, user) -> tuple[str, ...]:
        """The fields that read as null for ``user`` (the API's read path asks it too)."""
        if user is None or not achievement.confidential_visible_to(user):
            return cls.confidential_fields
        return ()

    @classmethod
    def hidden_on_every_row(cls, user) -> tuple[str, ...]:
        """The fields null on every row for ``user``: a visitor sees no confidential field
        (the read path then does not read them)."""
        if user is None or not user.is_authenticated:
            return cls.confidential_fields
        return ()

    def to_representation(self, achievement):
        data = super().to_representation(achievement)
        request = self.context.get("request")
        for key in self.hidden_fields(achievement, getattr(request, "user", None)):
            data[key] = None
        return data


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


# --- Projects ------------------------------------------------------------------------------


class ProjectSerializer(ValidatedModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    overdue_milestones = serializers.IntegerField(source="overdue_count", read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "achievement",
            "title",
            "pilot_organization",
            "enterprise",
            "enterprise_name",
            "stage",
            "stage_reason",
            "planned_capacity",
            "actual_capacity",
            "capacity_unit",
            "budget",
            "started_on",
            "pilot_started_on",
            "industrialization_started_on",
            "market_launched_on",
            "completed_on",
            "overdue_milestones",
            "created",
            "updated",
        ]
        read_only_fields = [
            "stage",
            "stage_reason",
            "pilot_started_on",
            "industrialization_started_on",
            "market_launched_on",
            "completed_on",
        ]
        extra_kwargs = {"title": {"required": False}, "started_on": {"required": False}}

    def validate(self, attrs):
        # Defaults the service would set, so that full_clean sees a complete project.
        if self.instance is None:
            achievement = attrs.get("achievement")
            attrs.setdefault("title", getattr(achievement, "title", "")[:300])

            attrs.setdefault("started_on", timezone.localdate())
        return super().validate(attrs)


class MoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=ProjectStage.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    on = DateField(required=False, help_text="The date of the move (today if omitted).")


class MilestoneSerializer(ValidatedModelSerializer):
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "project",
            "title",
            "due_on",
            "done_on",
            "owner_organization",
            "is_overdue",
            "created",
            "updated",
        ]


class ProductSerializer(ValidatedModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "project",
            "enterprise",
            "enterprise_name",
            "name",
            "launch_date",
            "annual_output",
            "output_unit",
            "domestic_market_share",
            "application_areas",
            "replaces_import",
            "replaced_product",
            "created",
            "updated",
        ]
        extra_kwargs = {"enterprise": {"required": False}}

    def validate(self, attrs):
        if self.instance is None and "enterprise" not in attrs and attrs.get("project"):
            attrs["enterprise"] = attrs["project"].enterprise
        return super().validate(attrs)


class CanalHopSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    chain = serializers.CharField()
    on = serializers.DateField(allow_null=True)
    organization = serializers.CharField(allow_null=True)
    days = serializers.IntegerField(
        allow_null=True, help_text="Days since the latest earlier hop reached on or before it."
    )
    skipped = serializers.BooleanField(
        help_text="Not reached, while a later hop was (passed over, not zero days)."
    )


class CanalThreadSerializer(serializers.Serializer):
    achievement = serializers.IntegerField()
    title = serializers.CharField()
    hops = CanalHopSerializer(many=True)
