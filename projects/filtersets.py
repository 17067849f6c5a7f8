import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.filters import SearchFilter
from core.widgets import QuickSelect
from members.models import Alliance, Organization
from projects.choices import TRL_CHOICES, AchievementStatus, Field, ProjectStage
from projects.models import Achievement, Milestone, Product, Project


class AchievementFilterSet(django_filters.FilterSet):
    """Shared by the catalogue page, the portal lists and the API."""

    q = SearchFilter(method="search", label=_("Search"))
    field = django_filters.ChoiceFilter(
        choices=Field.choices, label=_("Field"), empty_label=_("All fields"), widget=QuickSelect
    )
    status = django_filters.MultipleChoiceFilter(choices=AchievementStatus.choices)
    trl = django_filters.ChoiceFilter(
        choices=TRL_CHOICES,
        label=_("Readiness level"),
        empty_label=_("Any level"),
        widget=QuickSelect,
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
        widget=QuickSelect(label_column="name"),  # hundreds of institutes
    )
    alliance = django_filters.ModelChoiceFilter(
        queryset=Alliance.objects.all(),
        label=_("Alliance"),
        empty_label=_("All alliances"),
        widget=QuickSelect(label_column="name"),
    )

    class Meta:
        model = Achievement
        fields = ["q", "field", "trl", "trl_min", "organization", "alliance", "status"]

    def search(self, queryset, name, value):
        # The searcher's own confidential rows are searched by their confidential fields too.
        return queryset.search(value, user=getattr(self.request, "user", None))


class ProjectFilterSet(django_filters.FilterSet):
    q = SearchFilter(method="search", label=_("Search"))
    alliance = django_filters.ModelChoiceFilter(
        field_name="achievement__alliance",
        queryset=Alliance.objects.all(),
        label=_("Alliance"),
        empty_label=_("All alliances"),
    )
    stage = django_filters.ChoiceFilter(
        choices=ProjectStage.choices, label=_("Stage"), empty_label=_("All stages")
    )
    enterprise = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.filter(
            Exists(Project.objects.filter(enterprise=OuterRef("pk")))
        ),
        label=_("Enterprise"),
        empty_label=_("All enterprises"),
    )
    field = django_filters.ChoiceFilter(
        field_name="achievement__field",
        choices=Field.choices,
        label=_("Field"),
        empty_label=_("All fields"),
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("With overdue milestones"),
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = Project
        fields = ["q", "alliance", "stage", "enterprise", "field", "overdue", "achievement"]

    def search(self, queryset, name, value):
        return queryset.filter(title__icontains=value)

    def filter_overdue(self, queryset, name, value):
        overdue = Exists(Milestone.objects.overdue().filter(project=OuterRef("pk")))
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class ProductFilterSet(django_filters.FilterSet):
    q = SearchFilter(method="search", label=_("Search"))
    alliance = django_filters.ModelChoiceFilter(
        field_name="project__achievement__alliance", queryset=Alliance.objects.all()
    )
    field = django_filters.ChoiceFilter(
        field_name="project__achievement__field", choices=Field.choices
    )

    class Meta:
        model = Product
        fields = ["q", "project", "enterprise", "replaces_import", "alliance", "field"]

    def search(self, queryset, name, value):

        return queryset.filter(
            Q(name__icontains=value)
            | Q(replaced_product__icontains=value)
            | Q(application_areas__icontains=value)
        )


class MilestoneFilterSet(django_filters.FilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Milestone
        fields = ["project", "owner_organization", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))
