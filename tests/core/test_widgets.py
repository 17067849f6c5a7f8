"""QuickSelect renders what Django's Select renders; the API's FilterBackend answers what
the full FilterSet answers."""

from __future__ import annotations

import django_filters
import orjson
import pytest
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.api.filters import FilterBackend, narrowed, used_filters
from core.widgets import QuickSelect
from members.models import Organization
from projects.filtersets import AchievementFilterSet
from projects.models import Achievement
from tests.factories import OrganizationFactory, member_achievement

CHOICES = [("", "全部 <all>"), ("a&b", "A & B"), (3, "三"), ("x", 'say "x"')]


@pytest.mark.parametrize("value", [None, "", "a&b", 3, "3", "nope", ["x", "3"]])
def test_quick_select_renders_as_select(value):
    attrs = {"id": "id_pick", "required": True, "disabled": False, "data-x": "<y>"}
    expected = forms.Select(choices=CHOICES).render("pick", value, attrs)
    assert QuickSelect(choices=CHOICES).render("pick", value, attrs) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("chosen", [None, "first"])
def test_quick_select_reads_model_choices_as_pairs(chosen, django_assert_num_queries):
    first = OrganizationFactory(name="甲 & 乙研究所", name_en="")
    OrganizationFactory(name="丙研究所", name_en="")
    queryset = Organization.objects.order_by("name")
    slow = forms.ModelChoiceField(queryset, empty_label="全部")
    quick = forms.ModelChoiceField(
        queryset, empty_label="全部", widget=QuickSelect(label_column="name")
    )
    value = first.pk if chosen else None
    expected = slow.widget.render("organization", value, {"id": "id_organization"})
    with django_assert_num_queries(1):  # the pairs, no server-side cursor, no instances
        got = quick.widget.render("organization", value, {"id": "id_organization"})
    assert got == expected


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_quick_select_names_in_the_readers_language_as_a_model_choice_field_does(language):
    from django.utils import translation

    OrganizationFactory(name="甲研究所", name_en="Institute A")
    OrganizationFactory(name="乙研究所", name_en="")
    queryset = Organization.objects.order_by("name")
    with translation.override(language):
        slow = forms.ModelChoiceField(queryset).widget.render("o", None)
        quick = forms.ModelChoiceField(queryset, widget=QuickSelect(label_column="name"))
        assert quick.widget.render("o", None) == slow
        assert ("Institute A" in slow) == (language == "en") and "乙研究所" in slow


@pytest.mark.django_db
def test_the_filter_backend_builds_only_the_filters_asked_for(org_a, alliance_a):
    params = {"trl_min": "3", "page": "2", "ordering": "title"}
    assert used_filters(AchievementFilterSet, params) == ("trl_min",)
    assert list(narrowed(AchievementFilterSet, ("trl_min",)).base_filters) == ["trl_min"]
    assert narrowed(AchievementFilterSet, ("trl_min",)) is narrowed(
        AchievementFilterSet, ("trl_min",)
    )
    member_achievement(org_a, alliance_a, status="accepted", trl=2)
    high = member_achievement(org_a, alliance_a, status="accepted", trl=7)

    class View:
        filterset_class = AchievementFilterSet

    request = APIRequestFactory().get("/", params)
    rows = FilterBackend().filter_queryset(Request(request), Achievement.objects.all(), View())
    assert list(rows) == [high]
    # No filter named: the queryset as it was, no FilterSet built.
    bare = Request(APIRequestFactory().get("/", {"page": "1"}))
    queryset = Achievement.objects.all()
    assert FilterBackend().filter_queryset(bare, queryset, View()) is queryset


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params", [{"organization": "999999"}, {"trl_min": "x"}, {"status": "nope", "field": "?"}]
)
def test_a_bad_filter_is_refused_as_the_full_filterset_refuses_it(api, params):
    response = api.get("/api/v1/achievements/", params)
    assert response.status_code == 400

    class View:
        filterset_class = AchievementFilterSet

    request = Request(APIRequestFactory().get("/", params))
    with pytest.raises(ValidationError) as full:
        DjangoFilterBackend().filter_queryset(request, Achievement.objects.all(), View())
    assert orjson.loads(response.content) == orjson.loads(orjson.dumps(full.value.detail))


def test_a_range_filter_is_named_by_its_suffixed_parameters():
    class ByLevel(django_filters.FilterSet):
        trl = django_filters.RangeFilter()

        class Meta:
            model = Achievement
            fields = ["field"]

    assert used_filters(ByLevel, {"trl_max": "4"}) == ("trl",)
    assert used_filters(ByLevel, {"trl_x": "4", "field": ""}) == ("field",)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_quick_select_names_records_in_the_readers_language(language, django_assert_num_queries):
    from django.utils import translation

    OrganizationFactory(name="甲研究所", name_en="Institute A")
    OrganizationFactory(name="乙公司", name_en="")
    queryset = Organization.objects.order_by("name")
    slow = forms.ModelChoiceField(queryset, empty_label="全部")
    slow.label_from_instance = lambda organization: organization.display_name
    quick = forms.ModelChoiceField(
        queryset, empty_label="全部", widget=QuickSelect(label_column="name")
    )
    with translation.override(language):
        expected = slow.widget.render("organization", None, {"id": "id_organization"})
        with django_assert_num_queries(1):
            got = quick.widget.render("organization", None, {"id": "id_organization"})
    assert got == expected
    assert ("Institute A" in got) is (language == "en")
    assert "乙公司" in got  # no English name: the Chinese one
