import pytest
import tablib

from members.choices import ApplicationStatus, MembershipRole, MembershipStatus
from members.models import Membership, Organization
from members.resources import MembershipResource, OrganizationResource
from tests.factories import (
    ContactFactory,
    MembershipApplicationFactory,
    MembershipFactory,
    OrganizationFactory,
    make_credit_code,
)

pytestmark = pytest.mark.django_db


def test_second_active_chairman_is_a_form_error_in_the_admin(client, secretariat_a, alliance_a):
    MembershipFactory(alliance=alliance_a, role=MembershipRole.CHAIRMAN)
    newcomer = OrganizationFactory()
    client.force_login(secretariat_a)
    response = client.post(
        "/admin/members/membership/add/",
        {"alliance": alliance_a.pk, "organization": newcomer.pk, "role": "chairman"},
    )
    assert response.status_code == 200  # the form again, with its error
    assert "at most one active chairman unit" in response.content.decode()
    assert not Membership.objects.filter(organization=newcomer).exists()


def test_secretariat_adds_a_member_in_the_admin(client, secretariat_a, alliance_a):
    organization = OrganizationFactory()
    client.force_login(secretariat_a)
    response = client.post(
        "/admin/members/membership/add/",
        {"alliance": alliance_a.pk, "organization": organization.pk, "role": "governing"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(organization=organization)
    assert membership.events.get().actor == secretariat_a


def test_secretariat_of_a_sees_only_alliance_a_in_the_admin(client, secretariat_a, org_a, org_b):
    client.force_login(secretariat_a)
    page = client.get("/admin/members/membership/").content.decode()
    assert org_a.display_name in page  # named in the reader's language
    assert org_b.display_name not in page
    membership_b = org_b.memberships.get()
    assert client.get(f"/admin/members/membership/{membership_b.pk}/change/").status_code == 302


def test_secretariat_of_a_cannot_post_changes_to_b(client, secretariat_a, org_b, alliance_b):
    membership = org_b.memberships.get()
    client.force_login(secretariat_a)
    client.post(
        f"/admin/members/membership/{membership.pk}/change/",
        {"alliance": alliance_b.pk, "organization": org_b.pk, "role": "governing"},
    )
    membership.refresh_from_db()
    assert membership.role == MembershipRole.MEMBER


def test_secretariat_of_a_cannot_read_contacts_or_applications_of_b(
    client, secretariat_a, org_b, alliance_b
):
    contact = ContactFactory(organization=org_b, name="乙方联系人")
    application = MembershipApplicationFactory(alliance=alliance_b, organization_name="乙方申请")
    client.force_login(secretariat_a)
    assert "乙方联系人" not in client.get("/admin/members/contact/").content.decode()
    assert "乙方申请" not in client.get("/admin/members/membershipapplication/").content.decode()
    assert client.get(f"/admin/members/contact/{contact.pk}/change/").status_code == 302
    assert (
        client.get(f"/admin/members/membershipapplication/{application.pk}/change/").status_code
        == 302
    )


def test_withdraw_action_needs_the_reason(client, secretariat_a, org_a):
    membership = org_a.memberships.get()
    client.force_login(secretariat_a)
    client.post(
        "/admin/members/membership/",
        {"action": "withdraw", "_selected_action": [membership.pk], "reason": ""},
    )
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    client.post(
        "/admin/members/membership/",
        {"action": "withdraw", "_selected_action": [membership.pk], "reason": "战略调整"},
    )
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.WITHDRAWN


def test_approve_action_in_the_admin(client, secretariat_a, alliance_a):
    application = MembershipApplicationFactory(alliance=alliance_a)
    client.force_login(secretariat_a)
    client.post(
        "/admin/members/membershipapplication/",
        {"action": "approve", "_selected_action": [application.pk]},
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED


def test_admin_lists_run_a_fixed_number_of_queries(
    client, secretariat_a, alliance_a, django_assert_max_num_queries
):
    client.force_login(secretariat_a)
    for count in (3, 27):
        MembershipFactory.create_batch(count, alliance=alliance_a)
        for url in ("/admin/members/membership/", "/admin/members/organization/"):
            with django_assert_max_num_queries(25):
                assert client.get(url).status_code == 200


def test_export_of_memberships_is_scoped(client, secretariat_a, org_a, org_b):
    client.force_login(secretariat_a)
    response = client.post(
        "/admin/members/membership/export/",
        {
            "format": "0",
            "resource": "0",
            "membershipresource_organization": "on",
            "membershipresource_alliance": "on",
            "membershipresource_role": "on",
        },
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert org_a.name in body
    assert org_b.name not in body


# --- Import ------------------------------------------------------------------------------


def test_organisation_import_matches_by_credit_code_instead_of_duplicating(secretariat_a, org_a):
    dataset = tablib.Dataset(headers=["name", "kind", "credit_code", "city"])
    dataset.append(["大连化物所（简称）", "institute", org_a.credit_code, "大连市"])
    dataset.append(["全新单位", "enterprise", make_credit_code(1234), "滕州"])
    result = OrganizationResource(user=secretariat_a).import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Organization.objects.filter(credit_code=org_a.credit_code).count() == 1
    org_a.refresh_from_db()
    assert org_a.city == "大连市"
    assert Organization.objects.filter(name="全新单位").exists()


def test_organisation_import_matches_by_normalised_name(secretariat_a, org_a):
    dataset = tablib.Dataset(headers=["name", "kind", "city"])
    dataset.append([f"  {org_a.name.upper()} ", "institute", "大连"])
    result = OrganizationResource(user=secretariat_a).import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Organization.objects.count() == 1


def test_organisation_import_reports_each_refused_row_with_its_reason(secretariat_a):
    dataset = tablib.Dataset(headers=["name", "kind", "credit_code"])
    dataset.append(["好单位", "enterprise", make_credit_code(5)])
    dataset.append(["坏代码单位", "enterprise", "91350100M000100Y44"])
    dataset.append(["坏类型单位", "spaceship", ""])
    result = OrganizationResource(user=secretariat_a).import_data(dataset, dry_run=True)
    invalid = {row.number: row.error_dict for row in result.invalid_rows}
    assert set(invalid) == {2, 3}
    assert "credit_code" in invalid[2]
    assert "kind" in invalid[3]
    assert not Organization.objects.exists()  # dry run


def test_organisation_import_does_not_touch_other_alliances_organisations(secretariat_a, org_b):
    dataset = tablib.Dataset(headers=["name", "kind", "city"])
    dataset.append([org_b.name, "institute", "篡改"])
    result = OrganizationResource(user=secretariat_a).import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    org_b.refresh_from_db()
    assert org_b.city != "篡改"


def test_membership_import_matches_organisations_and_refuses_foreign_alliances(
    secretariat_a, alliance_a, alliance_b, org_a
):
    dataset = tablib.Dataset(headers=["alliance", "organization", "credit_code", "kind", "role"])
    dataset.append([alliance_a.slug, "新成员单位", "", "enterprise", "member"])
    dataset.append([alliance_a.slug, org_a.name.lower(), "", "", "governing"])
    dataset.append([alliance_b.slug, "越权单位", "", "enterprise", "member"])
    dataset.append(["no-such-alliance", "某单位", "", "enterprise", "member"])
    result = MembershipResource(user=secretariat_a).import_data(dataset, dry_run=False)
    invalid = {row.number for row in result.invalid_rows}
    assert invalid == {3, 4}
    org_a_membership = Membership.objects.get(organization=org_a, alliance=alliance_a)
    assert org_a_membership.role == MembershipRole.GOVERNING  # updated, not duplicated
    assert Membership.objects.filter(alliance=alliance_a).count() == 2
    assert not Organization.objects.filter(name="越权单位").exists()


def test_import_through_the_admin_page(client, secretariat_a, org_a):
    """The upload is checked by a job, then saved by a second one once confirmed."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.models import ExportJob

    client.force_login(secretariat_a)
    csv = f"name,kind,credit_code,city\n{org_a.name},institute,{org_a.credit_code},旅顺\n"
    response = client.post(
        "/admin/members/organization/import/",
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("orgs.csv", csv.encode(), "text/csv"),
        },
    )
    check = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{check.pk}/"
    assert check.report["totals"]["update"] == 1 and not check.report["refused"]
    org_a.refresh_from_db()
    assert org_a.city != "旅顺"  # only checked
    confirm = client.post(f"/exports/{check.pk}/confirm/")
    saved = ExportJob.objects.exclude(pk=check.pk).get()
    assert confirm["Location"] == f"/exports/{saved.pk}/"
    assert saved.report["confirmed"] is True
    org_a.refresh_from_db()
    assert org_a.city == "旅顺"
    assert org_a.history.first().history_user == secretariat_a
    assert Organization.objects.count() == 1


def test_secretariat_cannot_link_a_login_to_a_contact(client, secretariat_a, org_a, outsider):
    contact = ContactFactory(organization=org_a)
    client.force_login(secretariat_a)
    client.post(
        f"/admin/members/contact/{contact.pk}/change/",
        {"organization": org_a.pk, "name": contact.name, "user": outsider.pk},
    )
    contact.refresh_from_db()
    assert contact.user is None
