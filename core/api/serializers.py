"""Base serializer: the API runs the same validation as the admin and the forms."""

from __future__ import annotations

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.exceptions import validation_error_detail


class ValidatedModelSerializer(serializers.ModelSerializer):
    """Runs the model's ``full_clean()`` (fields, ``clean()``, uniqueness and constraints).

    The idea is NetBox's ``ValidatedModelSerializer``: a rule written once on the model
    holds for every way in.
    """

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        plain = {
            key: value
            for key, value in attrs.items()
            if not (
                (field := _model_field(model, key)) is not None
                and (field.many_to_many or field.one_to_many)
            )
        }
        if self.instance is None:
            instance = model(**plain)
        else:
            instance = copy.copy(self.instance)
            for key, value in plain.items():
                setattr(instance, key, value)
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(validation_error_detail(error)) from error
        return attrs


def _model_field(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - serializer-only fields are not model fields
        return None


class CommentSerializer(serializers.Serializer):
    """The body of a transition that takes an optional comment."""

    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class ReasonSerializer(serializers.Serializer):
    """The body of a transition that needs a reason."""

    reason = serializers.CharField(max_length=4000)


class UnreachedSerializer(serializers.Serializer):
    name = serializers.CharField()
    reason = serializers.CharField()


class MailingSerializer(serializers.Serializer):
    """What the write mailed: the addresses queued and who could not be reached."""

    queued = serializers.ListField(child=serializers.CharField())
    unreachable = UnreachedSerializer(many=True)
    mail_configured = serializers.BooleanField()


class MailingMixin(serializers.Serializer):
    """Adds ``mailing`` to the answer of a write that sends mail (null otherwise), so an
    API client is told, as the page is, whom mail was queued for."""

    mailing = serializers.SerializerMethodField()

    @extend_schema_field(MailingSerializer(allow_null=True))
    def get_mailing(self, obj):
        mailing = getattr(obj, "mailing", None)
        return mailing.as_dict() if mailing is not None else None
