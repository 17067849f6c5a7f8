"""CSV/XLSX import and export of organisations and memberships (django-import-export).

Imports never duplicate an organisation: a row is matched to the existing record by its
unified social credit code, else by its name ignoring case and surrounding spaces. Each
refused row is reported with its reason; nothing outside the importing user's alliances
is touched.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, widgets

from core.admin_jobs import LabelledColumnsResource
from members import services
from members.choices import MembershipRole, MembershipStatus, OrganizationKind
from members.models import Alliance, Membership, Organization


class ScopedResource(LabelledColumnsResource):
    """A resource that knows the admin user it imports for; its columns are headed in the
    reader's language and its imports accept the documented English headers as well."""

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user


class ChoiceWidget(widgets.Widget):
    """Accepts a choice's value or its label (in either language) and exports the value."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return ""
        for choice in self.choices:
            if text.lower() in (choice.value, str(choice.label).lower()):
                return choice.value
        raise ValueError(
            _("“%(value)s” is not one of: %(choices)s")
            % {"value": text, "choices": ", ".join(self.choices.values)}
        )

    def render(self, value, obj=None, **kwargs):
        return value or ""


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key by a natural key; an unknown value is a row error with a message."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist as error:
            raise ValueError(
                _("No %(model)s “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "value": value}
            ) from error
        except self.model.MultipleObjectsReturned as error:
            raise ValueError(_("“%(value)s” is ambiguous.") % {"value": value}) from error


class OrganizationResource(ScopedResource):
    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceWidget(OrganizationKind))
    parent = fields.Field(
        attribute="parent",
        column_name="parent",
        widget=LookupWidget(Organization, field="name"),
    )

    class Meta:
        model = Organization
        fields = ("name", "name_en", "kind", "credit_code", "parent", "city", "website")
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_instance(self, instance_loader, row):
        name = str(row.get("name") or "")
        code = str(row.get("credit_code") or "")
        instance = Organization.objects.matching(name=name, credit_code=code)
        if instance is not None and not self.may_change(instance):
            # Refused before the row is compared: the preview of an unchanged row would
            # otherwise show the other alliance's record.
            raise ValidationError(
                _("%(name)s belongs to alliances you do not serve; it was not changed.")
                % {"name": name.strip() or code.strip()}
            )
        return instance

    def may_change(self, instance) -> bool:
        return (
            self.user is None
            or Organization.objects.editable_by(self.user).filter(pk=instance.pk).exists()
        )

    def before_save_instance(self, instance, row, **kwargs):
        # Imports run in the worker, without a request: the history names the importer.
        instance._history_user = self.user
        if instance.pk and not self.may_change(instance):
            raise ValidationError(
                _("%(name)s belongs to alliances you do not serve; it was not changed.")
                % {"name": instance}
            )


class MembershipResource(ScopedResource):
    # The columns computed in Python below, as the database reads them (streamed exports).
    export_paths = {
        "organization": "organization__name",
        "credit_code": "organization__credit_code",
        "kind": "organization__kind",
    }

    # The organisation's columns, named as on the organisation.
    column_labels = {
        "credit_code": Organization._meta.get_field("credit_code").verbose_name,
        "kind": Organization._meta.get_field("kind").verbose_name,
    }

    alliance = fields.Field(
        attribute="alliance",
        column_name="alliance",
        widget=LookupWidget(Alliance, field="slug"),
    )
    organization = fields.Field(attribute="organization", column_name="organization", readonly=True)
    credit_code = fields.Field(column_name="credit_code", readonly=True)
    kind = fields.Field(column_name="kind", readonly=True)
    role = fields.Field(attribute="role", column_name="role", widget=ChoiceWidget(MembershipRole))
    status = fields.Field(
        attribute="status", column_name="status", widget=ChoiceWidget(MembershipStatus)
    )

    class Meta:
        model = Membership
        fields = (
            "alliance",
            "organization",
            "credit_code",
            "kind",
            "role",
            "status",
            "term_start",
            "term_end",
            "joined_on",
            "withdrawal_reason",
        )
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def dehydrate_organization(self, membership):
        return membership.organization.name

    def dehydrate_credit_code(self, membership):
        return membership.organization.credit_code

    def dehydrate_kind(self, membership):
        return membership.organization.kind

    def _organization_for(self, row) -> Organization:
        """The row's organisation: matched, or created when the row says enough."""
        name = str(row.get("organization") or "").strip()
        code = str(row.get("credit_code") or "").strip()
        organization = Organization.objects.matching(name=name, credit_code=code)
        if organization is not None:
            return organization
        kind = ChoiceWidget(OrganizationKind).clean(row.get("kind"))
        if not name or not kind:
            raise ValidationError(
                _("Unknown organisation “%(name)s”: give its name and kind to create it.")
                % {"name": name}
            )
        organization = Organization(name=name, kind=kind, credit_code=code)
        organization.full_clean()
        organization.save()
        return organization

    def before_import_row(self, row, **kwargs):
        # Scope first: a row of another alliance is refused before anything is matched.
        slug = str(row.get("alliance") or "").strip()
        if (
            self.user is not None
            and Alliance.objects.filter(slug=slug).exists()
            and not Alliance.objects.editable_by(self.user).filter(slug=slug).exists()
        ):
            message = _("You do not serve the alliance “%(alliance)s”.") % {"alliance": slug}
            raise ValidationError({"alliance": message})

    def get_instance(self, instance_loader, row):
        alliance = Alliance.objects.filter(slug=str(row.get("alliance") or "").strip()).first()
        organization = Organization.objects.matching(
            name=str(row.get("organization") or ""), credit_code=str(row.get("credit_code") or "")
        )
        if alliance is None or organization is None:
            return None
        return (
            Membership.objects.current()
            .filter(alliance=alliance, organization=organization)
            .first()
        )

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # Scope first: a refused row must not leave a new organisation behind.
        if (
            self.user is not None
            and instance.alliance_id
            and not Alliance.objects.editable_by(self.user).filter(pk=instance.alliance_id).exists()
        ):
            raise ValidationError(
                {
                    "alliance": _("You do not serve the alliance “%(alliance)s”.")
                    % {"alliance": instance.alliance}
                }
            )
        if not instance.status:
            instance.status = MembershipStatus.ACTIVE
        if not instance.role:
            instance.role = MembershipRole.MEMBER
        if instance.organization_id is None:
            instance.organization = self._organization_for(row)

    def do_instance_save(self, instance, is_create):
        services.membership_save(membership=instance, actor=self.user, comment=_("Imported."))
