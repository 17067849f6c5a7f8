from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import MailingMixin, ValidatedModelSerializer
from members.models import Alliance, Contact, Membership, MembershipApplication, Organization


class OrganizationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "name_en", "kind"]


class AllianceSerializer(ValidatedModelSerializer):
    chairman = serializers.SerializerMethodField()
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Alliance
        fields = [
            "id",
            "name",
            "name_en",
            "slug",
            "founded_on",
            "city",
            "focus_fields",
            "description",
            "chairman",
            "member_count",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]

    @extend_schema_field(OrganizationBriefSerializer(allow_null=True))
    def get_chairman(self, alliance):
        chairs = getattr(alliance, "chairman_memberships", None)
        if not chairs:
            return None
        return OrganizationBriefSerializer(chairs[0].organization).data


class OrganizationSerializer(ValidatedModelSerializer):
    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "name_en",
            "kind",
            "credit_code",
            "parent",
            "city",
            "website",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]


class MembershipSerializer(MailingMixin, ValidatedModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    alliance_name = serializers.CharField(source="alliance.name", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "mailing",
            "id",
            "alliance",
            "alliance_name",
            "organization",
            "organization_name",
            "role",
            "status",
            "term_start",
            "term_end",
            "joined_on",
            "withdrawal_reason",
            "created",
            "updated",
        ]
        # Status changes only through the transitions (withdraw, suspend, ...).
        read_only_fields = ["status", "withdrawal_reason", "created", "updated"]


class ContactSerializer(ValidatedModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "id",
            "organization",
            "name",
            "title",
            "email",
            "phone",
            "is_primary",
            "user",
            "created",
            "updated",
        ]
        # Linking a login gives it the organisation's rights: only in the admin.
        read_only_fields = ["user", "created", "updated"]


class MembershipApplicationSerializer(MailingMixin, ValidatedModelSerializer):
    class Meta:
        model = MembershipApplication
        fields = [
            "mailing",
            "id",
            "alliance",
            "organization_name",
            "organization_name_en",
            "kind",
            "credit_code",
            "city",
            "website",
            "contact_name",
            "contact_title",
            "contact_email",
            "contact_phone",
            "motivation",
            "status",
            "decided_at",
            "decision_comment",
            "membership",
            "created",
        ]
        read_only_fields = [
            "status",
            "decided_at",
            "decision_comment",
            "membership",
            "created",
        ]


class ApplicationSubmittedSerializer(MailingMixin, serializers.ModelSerializer):
    """What the public applicant gets back: no internal fields; ``mailing`` says whether
    the acknowledgement (reference and status link) was queued for its contact."""

    class Meta:
        model = MembershipApplication
        fields = ["id", "alliance", "organization_name", "status", "created", "mailing"]
        read_only_fields = fields


class ApproveSerializer(serializers.Serializer):
    role = serializers.ChoiceField(
        choices=Membership._meta.get_field("role").choices, required=False, default="member"
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)
