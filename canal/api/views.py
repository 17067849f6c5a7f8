"""``GET /api/v1/canal/``: the canal dashboard's figures."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.response import Response

from canal import dashboard
from projects.choices import Field


class CanalQuerySerializer(serializers.Serializer):
    alliance = serializers.IntegerField(required=False, min_value=1)
    organization = serializers.IntegerField(required=False, min_value=1)
    field = serializers.ChoiceField(choices=Field.choices, required=False)
    year = serializers.IntegerField(required=False, min_value=1990, max_value=2100)


class CanalHopFiguresSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    chain = serializers.CharField()
    count = serializers.IntegerField(
        help_text="Achievements that reached the hop (its date exists)."
    )
    conversion = serializers.FloatField(
        allow_null=True,
        help_text="Of the achievements in the previous hop, the share that reached this one.",
    )
    went_on = serializers.IntegerField(
        allow_null=True, help_text="Achievements in both the previous hop and this one."
    )
    skipped_in = serializers.IntegerField(
        help_text="Achievements in this hop that never reached the previous one."
    )
    median_days = serializers.FloatField(allow_null=True)
    p90_days = serializers.FloatField(allow_null=True)


class CanalSerializer(serializers.Serializer):
    hops = CanalHopFiguresSerializer(many=True)
    timeline = serializers.ListField(
        child=serializers.DictField(), help_text="Per year: {year, hop key: count, ...}."
    )


class CanalPermission(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.is_authenticated and dashboard.may_see_dashboard(request.user)


class FiguresSchema(AutoSchema):
    """The route is a list route but answers one object (the figures), not an array."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class CanalViewSet(viewsets.ViewSet):
    """Funnel counts, conversions and median / 90th-percentile days per hop, and a timeline.

    Filters: ``alliance``, ``organization`` (with its subordinate units), ``field``, ``year``
    (of the first submission). The capital chain's hops are for the holding's analysts.
    Semantics: docs/canal.md.
    """

    permission_classes = [CanalPermission]
    pagination_class = None
    schema = FiguresSchema()

    @extend_schema(parameters=[CanalQuerySerializer], responses=CanalSerializer)
    def list(self, request):
        query = CanalQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = dashboard.Filters(**query.validated_data)
        hops, timeline = dashboard.figures(request.user, filters)
        data = {"hops": [hop.__dict__ for hop in hops], "timeline": timeline}
        return Response(CanalSerializer(data).data)
