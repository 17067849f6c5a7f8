"""Each rule holds at every entrance: the page, the API and (where it writes) the admin.

The rules live in one place (a QuerySet method or a service); these tests knock on each
door with the same forbidden request and check that nothing was written.
"""

from __future__ import annotations

import pytest

from members.models import MembershipApplication
from projects.models import Project

pytestmark = pytest.mark.django_db


def _application(alliance, organization) -> dict:
    return {
        "alliance": alliance.pk,
        "organization_name": f"  {organization.name.upper()} ",  # matched ignoring case/spaces
        "kind": "institute",
        "contact_name": "张三",
        "contact_email": "z@example.cn",
        "motivation": "再次申请",
    }


def test_a_current_member_cannot_apply_through_the_page(client, alliance_a, org_a):
    response = client.post(f"/alliances/{alliance_a.slug}/join/", _application(alliance_a, org_a))
    assert response.status_code == 200
    assert "already a member" in response.content.decode()
    assert not MembershipApplication.objects.exists()


def test_a_current_member_cannot_apply_through_the_api(api, alliance_a, org_a):
    response = api.post(
        "/api/v1/membership-applications/", _application(alliance_a, org_a), format="json"
    )
    assert response.status_code == 400
    assert "already a member" in str(response.data)
    assert not MembershipApplication.objects.exists()


def test_a_second_pending_application_is_refused_through_the_api(api, alliance_a):
    body = {
        "alliance": alliance_a.pk,
        "organization_name": "新申请单位",
        "kind": "enterprise",
        "contact_name": "李四",
        "contact_email": "l@example.cn",
        "motivation": "申请加入",
    }
    assert api.post("/api/v1/membership-applications/", body, format="json").status_code == 201
    again = api.post("/api/v1/membership-applications/", body, format="json")
    assert again.status_code in (400, 409)
    assert MembershipApplication.objects.count() == 1


def test_an_institute_cannot_open_a_project_through_the_page(
    client, submitter_b, accepted_a, enterprise_a
):
    client.force_login(submitter_b)
    response = client.post(
        f"/achievements/{accepted_a.pk}/projects/new/",
        {"enterprise": enterprise_a.pk, "started_on": "2024-01-02"},
    )
    assert response.status_code in (403, 404)
    assert not Project.objects.exists()


def test_an_institute_cannot_open_a_project_through_the_api(
    api, submitter_a, accepted_a, enterprise_a
):
    # The owner institute may read its accepted achievement, but is no enterprise.
    response = api.as_user(submitter_a).post(
        "/api/v1/projects/",
        {"achievement": accepted_a.pk, "enterprise": enterprise_a.pk, "budget": "1000.00"},
        format="json",
    )
    assert response.status_code == 403
    assert not Project.objects.exists()


def test_an_enterprise_cannot_open_a_project_for_another_enterprise_through_the_api(
    api, enterprise_user, accepted_a, enterprise_a, alliance_a
):
    from tests.factories import MembershipFactory, OrganizationFactory

    other = OrganizationFactory(kind="enterprise")
    MembershipFactory(alliance=alliance_a, organization=other)
    response = api.as_user(enterprise_user).post(
        "/api/v1/projects/",
        {"achievement": accepted_a.pk, "enterprise": other.pk, "budget": "1000.00"},
        format="json",
    )
    assert response.status_code == 403
    assert not Project.objects.exists()
