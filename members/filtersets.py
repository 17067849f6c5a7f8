"""One FilterSet per model, shared by the API and the portal's list pages."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import DateFilter, SearchFilter
from members.choices import MembershipRole, MembershipStatus, OrganizationKind
from members.models import Alliance, Contact, Membership, MembershipApplication, Organization


class AllianceFilterSet(django_filters.FilterSet):
    q = SearchFilter(method="search", label=_("Search"))

    class Meta:
        model = Alliance
        fields = ["slug", "city"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(name_en__icontains=value)
            | Q(focus_fields__icontains=value)
        )


class OrganizationFilterSet(django_filters.FilterSet):
    q = SearchFilter(method="search", label=_("Search"))
    kind = django_filters.MultipleChoiceFilter(choices=OrganizationKind.choices)
    alliance = django_filters.ModelChoiceFilter(
        queryset=Alliance.objects.all(),
        field_name="memberships__alliance",
        distinct=True,
        label=_("Alliance"),
    )

    class Meta:
        model = Organization
        fields = ["kind", "parent", "city", "credit_code"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(name_en__icontains=value)
            | Q(credit_code__iexact=value.strip())
            | Q(city__icontains=value)
        )


class MembershipFilterSet(django_filters.FilterSet):
    q = SearchFilter(method="search", label=_("Search"))
    role = django_filters.MultipleChoiceFilter(choices=MembershipRole.choices)
    status = django_filters.MultipleChoiceFilter(choices=MembershipStatus.choices)
    kind = django_filters.MultipleChoiceFilter(
        field_name="organization__kind", choices=OrganizationKind.choices, label=_("Kind")
    )
    term_end_before = DateFilter(field_name="term_end", lookup_expr="lte")
    term_end_after = DateFilter(field_name="term_end", lookup_expr="gte")

    class Meta:
        model = Membership
        fields = ["alliance", "organization", "role", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(organization__name__icontains=value)
            | Q(organization__name_en__icontains=value)
            | Q(organization__city__icontains=value)
        )


class ContactFilterSet(django_filters.FilterSet):
    q = SearchFilter(method="search", label=_("Search"))

    class Meta:
        model = Contact
        fields = ["organization", "is_primary"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(email__icontains=value) | Q(title__icontains=value)
        )


class MembershipApplicationFilterSet(django_filters.FilterSet):
    q = SearchFilter(method="search", label=_("Search"))

    class Meta:
        model = MembershipApplication
        fields = ["alliance", "status", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(organization_name__icontains=value)
            | Q(organization_name_en__icontains=value)
            | Q(contact_name__icontains=value)
        )
