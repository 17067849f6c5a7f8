"""The admin's doors a tester found open, each closed and kept closed."""

import pytest
import tablib

from members.models import Alliance, Membership, Organization
from members.resources import OrganizationResource
from projects import services
from projects.models import Achievement
from tests.factories import ContactFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def _versions(obj):
    return list(obj.history.values_list("history_id", flat=True))


# --- 500s -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/members/membership/?status=%00",
        "/admin/projects/achievement/?field=%00",
        "/admin/members/membership/?role__exact=%00",
        "/admin/members/organization/?kind=%00",
        "/admin/members/contact/?organization__kind=%00",
        "/admin/members/membership/?%00=1",
    ],
)
def test_a_nul_byte_in_a_filter_answers_the_changelist_error_redirect(client, secretariat_a, url):
    client.force_login(secretariat_a)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


@pytest.mark.parametrize(
    "url",
    [
        # Tried as an outsider: the autocomplete of a related field, searched for a NUL.
        "/admin/autocomplete/?app_label=members&model_name=membership&field_name=organization"
        "&term=%00",
        "/admin/autocomplete/?app_label=funds&model_name=deal&field_name=owner&term=a%00b",
    ],
)
def test_a_nul_byte_in_a_search_is_a_400_naming_it(client, superuser, url):
    client.force_login(superuser)
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    # The changelist's own search form refuses it with its message.
    listed = client.get("/admin/members/organization/?q=%00")
    assert listed.status_code == 200
    assert "Null characters are not allowed" in listed.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/members/membership/?status=bogus",
        "/admin/members/membership/?role__in=member,emperor",
        "/admin/members/membership/?term=forever",
        "/admin/members/membership/?term_end__year=99999999999999999999",
        "/admin/members/membership/?term_start=2024-02-30",
        "/admin/projects/achievement/?field=alchemy",
        "/admin/projects/achievement/?trl=10",
        "/admin/projects/achievement/?cooperation=licence",
        "/admin/projects/achievement/?alliance__id__exact=abc",
    ],
)
def test_a_value_outside_a_filters_choices_is_refused(client, secretariat_a, url):
    client.force_login(secretariat_a)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_valid_filter_values_still_filter(client, secretariat_a, org_a):
    client.force_login(secretariat_a)
    for query in ("status=active", "status__exact=active", "role__in=member,chairman", "term=90"):
        response = client.get(f"/admin/members/membership/?{query}")
        assert response.status_code == 200, query
    active = client.get("/admin/members/membership/?status=active").content.decode()
    expelled = client.get("/admin/members/membership/?status=expelled").content.decode()
    assert org_a.display_name in active  # the list names it in the reader's language
    assert org_a.display_name not in expelled


def test_export_with_a_format_in_the_query_string_is_a_400(client, secretariat_a, org_a):
    client.force_login(secretariat_a)
    response = client.get("/admin/members/membership/export/?format=0")
    assert response.status_code == 400
    assert client.get("/admin/members/membership/export/?status=%00").status_code == 400


def test_export_with_an_unknown_format_is_the_form_with_its_error(client, secretariat_a, org_a):
    client.force_login(secretariat_a)
    response = client.post(
        "/admin/members/membership/export/",
        {"format": "99", "resource": "0", "membershipresource_organization": "on"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "99" in response.context["form"].errors["format"][0]


def test_secretariat_opens_and_saves_its_alliance_without_changing_the_slug(
    client, secretariat_a, alliance_a
):
    client.force_login(secretariat_a)
    url = f"/admin/members/alliance/{alliance_a.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert "alliance-a" in page.content.decode()  # shown, read-only
    response = client.post(
        url, {"name": "先进材料联盟A（新）", "name_en": "Alliance A", "slug": "hijacked"}
    )
    assert response.status_code == 302
    alliance_a.refresh_from_db()
    assert alliance_a.name == "先进材料联盟A（新）"
    assert alliance_a.slug == "alliance-a"


def test_superuser_still_gets_the_slug_filled_in_from_the_english_name(client, superuser):
    client.force_login(superuser)
    response = client.get("/admin/members/alliance/add/")
    assert response.status_code == 200
    prepopulated = response.context["adminform"].prepopulated_fields
    assert [(p["field"].name, [d.name for d in p["dependencies"]]) for p in prepopulated] == [
        ("slug", ["name_en"])
    ]


# --- History ----------------------------------------------------------------------------------


def test_a_history_post_cannot_rename_another_alliances_organisation(client, secretariat_b, org_a):
    version = org_a.history.earliest("history_date").history_id
    before = _versions(org_a)
    client.force_login(secretariat_b)
    response = client.post(
        f"/admin/members/organization/{org_a.pk}/history/{version}/",
        {"name": "被改名的单位", "kind": "institute"},
    )
    assert response.status_code in (404, 405)
    org_a.refresh_from_db()
    assert org_a.name == "大连化学物理研究所A"
    assert _versions(org_a) == before


def test_the_history_version_page_is_read_only_even_for_its_own_secretariat(
    client, secretariat_a, org_a
):
    version = org_a.history.earliest("history_date").history_id
    url = f"/admin/members/organization/{org_a.pk}/history/{version}/"
    client.force_login(secretariat_a)
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert org_a.name in body
    assert 'name="_save"' not in body and 'name="name"' not in body  # no revert, no inputs
    response = client.post(url, {"name": "改名", "kind": "institute"})
    assert response.status_code == 405
    org_a.refresh_from_db()
    assert org_a.name == "大连化学物理研究所A"


def test_a_history_post_cannot_put_an_accepted_achievement_back_to_submitted(
    client, secretariat_a, submitted_a
):
    services.achievement_accept(achievement=submitted_a, actor=secretariat_a, comment="")
    submitted = submitted_a.history.filter(status="submitted").latest("history_date")
    events = submitted_a.events.count()
    before = _versions(submitted_a)
    client.force_login(secretariat_a)
    response = client.post(
        f"/admin/projects/achievement/{submitted_a.pk}/history/{submitted.history_id}/", {}
    )
    assert response.status_code == 405
    submitted_a.refresh_from_db()
    assert submitted_a.status == "accepted"
    assert submitted_a.events.count() == events
    assert _versions(submitted_a) == before


def test_history_pages_of_another_alliances_draft_are_404_and_silent(
    client, secretariat_b, draft_a
):
    version = draft_a.history.first().history_id
    client.force_login(secretariat_b)
    for url in (
        f"/admin/projects/achievement/{draft_a.pk}/history/",
        f"/admin/projects/achievement/{draft_a.pk}/history/{version}/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "机密工艺参数" not in response.content.decode()
        assert draft_a.title not in response.content.decode()


def test_a_secretariat_never_reads_a_draft_even_of_its_own_alliance(client, secretariat_a, draft_a):
    version = draft_a.history.first().history_id
    client.force_login(secretariat_a)
    assert client.get(f"/admin/projects/achievement/{draft_a.pk}/change/").status_code == 302
    assert client.get(f"/admin/projects/achievement/{draft_a.pk}/history/").status_code == 404
    url = f"/admin/projects/achievement/{draft_a.pk}/history/{version}/"
    assert client.get(url).status_code == 404
    assert draft_a.title not in client.get("/admin/projects/achievement/").content.decode()


def test_a_version_of_another_object_or_a_malformed_version_is_404(
    client, secretariat_a, org_a, enterprise_a
):
    other = enterprise_a.history.first().history_id
    client.force_login(secretariat_a)
    for version in (other, "abc", "99999999"):
        url = f"/admin/members/organization/{org_a.pk}/history/{version}/"
        assert client.get(url).status_code == 404, version
    assert client.get("/admin/members/organization/abc/history/").status_code == 404


def test_history_hides_the_confidential_details_of_the_draft_versions(
    client, secretariat_a, draft_a, submitter_a
):
    draft_a.confidential_details = "草稿时的机密"
    draft_a.save()
    services.achievement_submit(achievement=draft_a, actor=submitter_a)
    draft_version = draft_a.history.filter(status="draft").earliest("history_date")
    client.force_login(secretariat_a)
    history = client.get(f"/admin/projects/achievement/{draft_a.pk}/history/")
    assert history.status_code == 200
    assert "草稿时的机密" not in history.content.decode()
    detail = client.get(
        f"/admin/projects/achievement/{draft_a.pk}/history/{draft_version.history_id}/"
    )
    assert detail.status_code == 200
    assert draft_a.title in detail.content.decode()
    assert "机密工艺参数" not in detail.content.decode()
    change = client.get(f"/admin/projects/achievement/{draft_a.pk}/change/").content.decode()
    assert "草稿时的机密" in change  # the submitted achievement's own secretariat reads it


# --- Change pages and inlines -----------------------------------------------------------------


def test_the_alliances_secretariat_reads_the_confidential_parts(client, secretariat_a, submitted_a):
    client.force_login(secretariat_a)
    body = client.get(f"/admin/projects/achievement/{submitted_a.pk}/change/").content.decode()
    for text in ("机密工艺参数", "发明人甲", "CN-T-1", "测试专利"):
        assert text in body, text


def test_another_secretariat_does_not_read_even_a_public_achievement_in_the_admin(
    client, secretariat_b, accepted_a
):
    assert Achievement.objects.public().filter(pk=accepted_a.pk).exists()
    client.force_login(secretariat_b)
    response = client.get(f"/admin/projects/achievement/{accepted_a.pk}/change/")
    assert response.status_code == 302
    assert accepted_a.title not in client.get("/admin/projects/achievement/").content.decode()


def test_the_contact_inline_lists_only_the_contacts_the_user_keeps(client, secretariat_a, org_b):
    newcomer = OrganizationFactory(name="尚无联盟的单位")  # editable by every secretariat
    ContactFactory(organization=newcomer, name="无联盟联系人")
    ContactFactory(organization=org_b, name="乙方联系人")
    client.force_login(secretariat_a)
    page = client.get(f"/admin/members/organization/{newcomer.pk}/change/")
    assert page.status_code == 200
    assert "无联盟联系人" not in page.content.decode()
    response = client.get(f"/admin/members/organization/{org_b.pk}/change/")
    assert response.status_code == 302
    assert "乙方联系人" not in response.content.decode()


# --- Choices, lookups, import ----------------------------------------------------------------


def test_autocomplete_offers_only_organisations_in_scope(client, secretariat_a, org_a, org_b):
    client.force_login(secretariat_a)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "members", "model_name": "membership", "field_name": "organization"},
    )
    assert response.status_code == 200
    names = {row["text"] for row in response.json()["results"]}
    assert org_a.display_name in names  # in the reader's language
    assert org_b.display_name not in names


def test_a_form_refuses_a_foreign_key_outside_the_users_scope(
    client, secretariat_a, alliance_a, org_b
):
    client.force_login(secretariat_a)
    response = client.post(
        "/admin/members/membership/add/",
        {"alliance": alliance_a.pk, "organization": org_b.pk, "role": "member"},
    )
    assert response.status_code == 200
    assert "organization" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(alliance=alliance_a, organization=org_b).exists()


def test_a_row_keeps_a_current_value_outside_the_scope(client, secretariat_a, org_a, org_b):
    Organization.objects.filter(pk=org_a.pk).update(parent=org_b)
    client.force_login(secretariat_a)
    response = client.post(
        f"/admin/members/organization/{org_a.pk}/change/",
        {
            "name": org_a.name,
            "kind": "institute",
            "credit_code": org_a.credit_code,
            "parent": org_b.pk,
            "city": "大连市",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    org_a.refresh_from_db()
    assert (org_a.city, org_a.parent) == ("大连市", org_b)


def test_import_refuses_another_alliances_organisation_before_showing_it(secretariat_b, org_a):
    Organization.objects.filter(pk=org_a.pk).update(city="保密城市", website="https://a.example")
    dataset = tablib.Dataset(headers=["name", "credit_code"])
    dataset.append([org_a.name, org_a.credit_code])  # unchanged: once skipped, with a diff
    result = OrganizationResource(user=secretariat_b).import_data(dataset, dry_run=True)
    assert result.has_validation_errors()
    row = result.rows[0]
    assert row.import_type == "invalid"
    assert row.diff is None and row.original is None  # nothing of the record is shown
    assert "保密城市" not in str(result.invalid_rows[0].error_dict)
    org_a.refresh_from_db()
    assert org_a.city == "保密城市"


def test_import_of_memberships_into_another_alliance_changes_nothing(
    client, secretariat_b, org_a, alliance_a
):
    from members.resources import MembershipResource

    dataset = tablib.Dataset(headers=["alliance", "organization", "role", "status"])
    dataset.append([alliance_a.slug, org_a.name, "governing", "active"])
    result = MembershipResource(user=secretariat_b).import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert org_a.memberships.get().role == "member"


def test_staff_without_add_and_change_permissions_cannot_import(client, org_a):
    from tests.factories import UserFactory

    viewer = UserFactory(username="viewer", is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_organization"))
    client.force_login(viewer)
    assert client.get("/admin/members/organization/import/").status_code == 403
    assert Alliance.objects.count() >= 1
