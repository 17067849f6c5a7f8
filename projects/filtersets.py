import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from members.models import Alliance, Organization
from projects.choices import TRL_CHOICES, AchievementStatus, Field
from projects.models import Achievement


class AchievementFilterSet(django_filters.FilterSet):
    """Shared by the catalogue page, the portal lists and the API."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    field = django_filters.ChoiceFilter(
        choices=Field.choices, label=_("Field"), empty_label=_("All fields")
    )
    status = django_filters.MultipleChoiceFilter(choices=AchievementStatus.choices)
    trl = django_filters.ChoiceFilter(
        choices=TRL_CHOICES, label=_("Readiness level"), empty_label=_("Any level")
    )
    trl_min = django_filters.NumberFilter(
        field_name="trl", lookup_expr="gte", label=_("Level at least")
    )
    organization = django_filters.ModelChoiceFilter(
        # EXISTS, not a join: the catalogue may hold hundreds of thousands of achievements.
        queryset=Organization.objects.filter(
            Exists(Achievement.objects.filter(organization=OuterRef("pk")))
        ),
        label=_("Institute"),
        empty_label=_("All institutes"),
    )
    alliance = django_filters.ModelChoiceFilter(
        queryset=Alliance.objects.all(), label=_("Alliance"), empty_label=_("All alliances")
    )

    class Meta:
        model = Achievement
        fields = ["q", "field", "trl", "trl_min", "organization", "alliance", "status"]

    def search(self, queryset, name, value):
        return queryset.search(value)
