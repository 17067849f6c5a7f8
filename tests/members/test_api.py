import datetime

import pytest

from members.choices import ApplicationStatus, MembershipRole, MembershipStatus
from members.models import Contact, Membership, MembershipApplication, MembershipEvent, Organization
from tests.api_checks import APIResourceChecks
from tests.factories import (
    ContactFactory,
    MembershipApplicationFactory,
    MembershipFactory,
    OrganizationFactory,
    make_credit_code,
)

pytestmark = pytest.mark.django_db


class TestAlliances(APIResourceChecks):
    list_url = "/api/v1/alliances/"
    anonymous_may_read = True
    writer = "secretariat_a"
    max_queries = 6

    def make_rows(self, count, request):
        for _ in range(count):
            membership = MembershipFactory(role=MembershipRole.CHAIRMAN)
            MembershipFactory(alliance=membership.alliance)


class TestOrganizations(APIResourceChecks):
    list_url = "/api/v1/organizations/"
    anonymous_may_read = True
    reader = writer = "secretariat_a"
    outsider = "secretariat_b"
    max_queries = 6

    def make_rows(self, count, request):
        MembershipFactory.create_batch(count, alliance=request.getfixturevalue("alliance_a"))

    def create_payload_for(self, request):
        return {"name": "新材料研究院", "kind": "institute", "credit_code": make_credit_code(7)}

    def update_payload_for(self, request, row):
        return {"city": "滕州"}


class TestMemberships(APIResourceChecks):
    list_url = "/api/v1/memberships/"
    anonymous_may_read = True
    reader = writer = "secretariat_a"
    outsider = "secretariat_b"
    max_queries = 6

    def make_rows(self, count, request):
        MembershipFactory.create_batch(count, alliance=request.getfixturevalue("alliance_a"))

    def create_payload_for(self, request):
        alliance = request.getfixturevalue("alliance_a")
        return {"alliance": alliance.pk, "organization": OrganizationFactory().pk, "role": "member"}

    def update_payload_for(self, request, row):
        return {"term_end": "2030-12-31"}


class TestContacts(APIResourceChecks):
    list_url = "/api/v1/contacts/"
    reader = writer = "secretariat_a"
    outsider = "secretariat_b"
    delete_allowed = True
    max_queries = 6

    def make_rows(self, count, request):
        organization = request.getfixturevalue("org_a")
        ContactFactory.create_batch(count, organization=organization)

    def create_payload_for(self, request):
        organization = request.getfixturevalue("org_a")
        return {"organization": organization.pk, "name": "李工", "email": "li@example.cn"}

    def update_payload_for(self, request, row):
        return {"phone": "0632-1234567"}


class TestApplications(APIResourceChecks):
    list_url = "/api/v1/membership-applications/"
    reader = "secretariat_a"
    outsider = "secretariat_b"
    anonymous_may_create = True
    max_queries = 6

    def make_rows(self, count, request):
        alliance = request.getfixturevalue("alliance_a")
        MembershipApplicationFactory.create_batch(count, alliance=alliance)


# --- Memberships: the chairman rule, scoping, transitions ---------------------------------


def test_second_active_chairman_is_refused_with_a_400_naming_the_rule(
    api, secretariat_a, alliance_a
):
    MembershipFactory(alliance=alliance_a, role=MembershipRole.CHAIRMAN)
    newcomer = OrganizationFactory()
    response = api.as_user(secretariat_a).post(
        "/api/v1/memberships/",
        {"alliance": alliance_a.pk, "organization": newcomer.pk, "role": "chairman"},
    )
    assert response.status_code == 400
    assert "chairman" in " ".join(response.data["non_field_errors"]).lower()
    assert not Membership.objects.filter(organization=newcomer).exists()


def test_secretariat_adds_a_member_and_the_change_is_recorded(api, secretariat_a, alliance_a):
    organization = OrganizationFactory()
    response = api.as_user(secretariat_a).post(
        "/api/v1/memberships/",
        {
            "alliance": alliance_a.pk,
            "organization": organization.pk,
            "role": "governing",
            "term_start": "2026-01-01",
            "term_end": "2028-12-31",
        },
    )
    assert response.status_code == 201, response.data
    membership = Membership.objects.get(pk=response.data["id"])
    assert membership.status == MembershipStatus.ACTIVE
    event = MembershipEvent.objects.get(membership=membership)
    assert (event.from_status, event.to_status, event.actor) == ("", "active", secretariat_a)


def test_term_ending_before_it_starts_is_refused(api, secretariat_a, alliance_a):
    response = api.as_user(secretariat_a).post(
        "/api/v1/memberships/",
        {
            "alliance": alliance_a.pk,
            "organization": OrganizationFactory().pk,
            "term_start": "2026-01-01",
            "term_end": "2025-01-01",
        },
    )
    assert response.status_code == 400
    assert "term" in str(response.data).lower()


def test_secretariat_of_a_cannot_change_memberships_of_b(api, secretariat_a, org_b, alliance_b):
    membership = Membership.objects.get(organization=org_b, alliance=alliance_b)
    response = api.as_user(secretariat_a).patch(
        f"/api/v1/memberships/{membership.pk}/", {"role": "governing"}
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == MembershipRole.MEMBER


def test_secretariat_of_a_cannot_add_members_to_b(api, secretariat_a, alliance_b):
    organization = OrganizationFactory()
    response = api.as_user(secretariat_a).post(
        "/api/v1/memberships/", {"alliance": alliance_b.pk, "organization": organization.pk}
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(organization=organization).exists()


def test_secretariat_of_a_cannot_move_a_membership_into_b(
    api, secretariat_a, org_a, alliance_a, alliance_b
):
    membership = Membership.objects.get(organization=org_a, alliance=alliance_a)
    response = api.as_user(secretariat_a).patch(
        f"/api/v1/memberships/{membership.pk}/", {"alliance": alliance_b.pk}
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.alliance == alliance_a


def test_secretariat_of_a_cannot_withdraw_a_membership_of_b(api, secretariat_a, org_b):
    membership = org_b.memberships.get()
    response = api.as_user(secretariat_a).post(
        f"/api/v1/memberships/{membership.pk}/withdraw/", {"reason": "test"}
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_withdraw_needs_a_reason(api, secretariat_a, org_a):
    membership = org_a.memberships.get()
    response = api.as_user(secretariat_a).post(f"/api/v1/memberships/{membership.pk}/withdraw/", {})
    assert response.status_code == 400
    assert "reason" in response.data
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_withdraw_records_the_reason_and_the_event(api, secretariat_a, org_a):
    membership = org_a.memberships.get()
    response = api.as_user(secretariat_a).post(
        f"/api/v1/memberships/{membership.pk}/withdraw/", {"reason": "业务调整"}
    )
    assert response.status_code == 200, response.data
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.WITHDRAWN
    assert membership.withdrawal_reason == "业务调整"
    assert membership.events.last().to_status == MembershipStatus.WITHDRAWN


def test_withdrawing_twice_is_an_illegal_transition(api, secretariat_a, org_a):
    membership = org_a.memberships.get()
    api.as_user(secretariat_a)
    api.post(f"/api/v1/memberships/{membership.pk}/withdraw/", {"reason": "a"})
    response = api.post(f"/api/v1/memberships/{membership.pk}/withdraw/", {"reason": "b"})
    assert response.status_code == 400
    membership.refresh_from_db()
    assert membership.withdrawal_reason == "a"


def test_hand_over_chair_through_the_api(api, secretariat_a, alliance_a, org_a):
    chair = MembershipFactory(alliance=alliance_a, role=MembershipRole.CHAIRMAN)
    successor = org_a.memberships.get()
    response = api.as_user(secretariat_a).post(
        f"/api/v1/memberships/{successor.pk}/hand-over-chair/", {}
    )
    assert response.status_code == 200, response.data
    chair.refresh_from_db()
    successor.refresh_from_db()
    assert chair.role == MembershipRole.GOVERNING
    assert successor.role == MembershipRole.CHAIRMAN


def test_public_sees_only_active_memberships(api, alliance_a):
    MembershipFactory(alliance=alliance_a)
    hidden = MembershipFactory(
        alliance=alliance_a, status=MembershipStatus.WITHDRAWN, withdrawal_reason="x"
    )
    ids = {row["id"] for row in api.get("/api/v1/memberships/").data["results"]}
    assert hidden.pk not in ids
    assert len(ids) == 1


def test_anonymous_cannot_withdraw(api, org_a):
    membership = org_a.memberships.get()
    response = api.post(f"/api/v1/memberships/{membership.pk}/withdraw/", {"reason": "x"})
    assert response.status_code == 401


def test_analyst_reads_everything_but_writes_nothing(api, analyst, org_a, org_b):
    api.as_user(analyst)
    assert api.get("/api/v1/memberships/").data["count"] == 2
    membership = org_a.memberships.get()
    response = api.patch(f"/api/v1/memberships/{membership.pk}/", {"role": "governing"})
    assert response.status_code == 403


def test_filters_and_ordering(api, alliance_a, alliance_b):
    MembershipFactory(alliance=alliance_a, role=MembershipRole.GOVERNING)
    MembershipFactory(alliance=alliance_a)
    MembershipFactory(alliance=alliance_b)
    data = api.get("/api/v1/memberships/", {"alliance": alliance_a.pk, "role": "governing"}).data
    assert data["count"] == 1
    ordered = api.get("/api/v1/memberships/", {"ordering": "-joined_on"}).data
    assert ordered["count"] == 3


@pytest.mark.parametrize(
    "query",
    [
        {"alliance": "not-a-number"},
        {"role": "pope"},
        {"page": "999"},
        {"page_size": "-1"},
        {"ordering": "no_such_field"},
        {"term_end_before": "yesterday"},
    ],
)
def test_malformed_queries_never_answer_500(api, org_a, query):
    response = api.get("/api/v1/memberships/", query)
    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize(
    "body",
    [
        {"alliance": "x", "organization": None},
        {"alliance": [], "organization": {}},
        {"term_start": "2026-13-45"},
        "not json at all",
    ],
)
def test_malformed_writes_answer_400(api, secretariat_a, org_a, body):
    before = Membership.objects.count()
    if isinstance(body, str):
        response = api.as_user(secretariat_a).post(
            "/api/v1/memberships/", body, content_type="application/json"
        )
    else:
        response = api.as_user(secretariat_a).post("/api/v1/memberships/", body, format="json")
    assert response.status_code == 400
    assert Membership.objects.count() == before


# --- Organisations -------------------------------------------------------------------------


def test_bad_credit_code_check_character_is_refused(api, secretariat_a):
    good = make_credit_code(7)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = api.as_user(secretariat_a).post(
        "/api/v1/organizations/", {"name": "新单位", "kind": "enterprise", "credit_code": bad}
    )
    assert response.status_code == 400
    assert "check character" in response.data["credit_code"][0]
    assert not Organization.objects.filter(name="新单位").exists()


def test_organization_name_is_unique_ignoring_case_and_spaces(api, secretariat_a):
    OrganizationFactory(name="Levima Advanced Materials")
    response = api.as_user(secretariat_a).post(
        "/api/v1/organizations/", {"name": "  levima advanced materials ", "kind": "enterprise"}
    )
    assert response.status_code == 400
    assert Organization.objects.filter(name__iexact="Levima Advanced Materials").count() == 1


def test_duplicate_credit_code_is_refused(api, secretariat_a):
    existing = OrganizationFactory()
    response = api.as_user(secretariat_a).post(
        "/api/v1/organizations/",
        {"name": "另一个名字", "kind": "enterprise", "credit_code": existing.credit_code},
    )
    assert response.status_code == 400


def test_secretariat_of_a_cannot_edit_an_organisation_of_b(api, secretariat_a, org_b):
    response = api.as_user(secretariat_a).patch(
        f"/api/v1/organizations/{org_b.pk}/", {"city": "北京"}
    )
    assert response.status_code == 403
    org_b.refresh_from_db()
    assert org_b.city != "北京"


def test_a_secretariat_cannot_change_an_organisation_in_no_alliance_it_did_not_add(
    api, client, secretariat_a, secretariat_b, alliance_a
):
    """Tried as an outsider: the secretariat changed a fund's limited partner (in no
    alliance) through the API and the admin. It may list it (to make it a member) but
    change only its alliances' organisations and those its secretariat added."""
    partner = OrganizationFactory(name="山东省引导基金", website="https://guide.example.cn/")
    response = api.as_user(secretariat_a).patch(
        f"/api/v1/organizations/{partner.pk}/", {"website": "https://x.example.cn/"}
    )
    assert response.status_code == 403
    client.force_login(secretariat_a)
    change = f"/admin/members/organization/{partner.pk}/change/"
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # read-only
    posted = client.post(change, {"name": partner.name, "kind": partner.kind, "website": "x"})
    assert posted.status_code == 403
    partner.refresh_from_db()
    assert partner.website == "https://guide.example.cn/"
    # Still offered as a new member of the secretariat's alliance.
    offered = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "members",
            "model_name": "membership",
            "field_name": "organization",
            "term": "引导基金",
        },
    )
    assert [row["id"] for row in offered.json()["results"]] == [str(partner.pk)]

    # One the secretariat adds itself it completes before it joins; another alliance's
    # secretariat does not.
    created = api.as_user(secretariat_a).post(
        "/api/v1/organizations/", {"name": "新成员单位", "kind": "enterprise"}
    )
    assert created.status_code == 201
    added = created.data["id"]
    assert (
        api.as_user(secretariat_a)
        .patch(f"/api/v1/organizations/{added}/", {"city": "滕州"})
        .status_code
        == 200
    )
    assert (
        api.as_user(secretariat_b)
        .patch(f"/api/v1/organizations/{added}/", {"city": "北京"})
        .status_code
        == 403
    )
    assert Organization.objects.get(pk=added).city == "滕州"


def test_public_directory_hides_organisations_without_active_membership(api, org_a):
    lone = OrganizationFactory()
    ids = {row["id"] for row in api.get("/api/v1/organizations/").data["results"]}
    assert org_a.pk in ids
    assert lone.pk not in ids
    assert api.get(f"/api/v1/organizations/{lone.pk}/").status_code == 404


def test_deleting_an_organisation_with_memberships_answers_409(api, superuser, org_a):
    response = api.as_user(superuser).delete(f"/api/v1/organizations/{org_a.pk}/")
    assert response.status_code == 409
    assert Organization.objects.filter(pk=org_a.pk).exists()


# --- Contacts ----------------------------------------------------------------------------


def test_secretariat_of_a_cannot_read_contacts_of_b(api, secretariat_a, org_a, org_b):
    mine = ContactFactory(organization=org_a)
    theirs = ContactFactory(organization=org_b)
    api.as_user(secretariat_a)
    ids = {row["id"] for row in api.get("/api/v1/contacts/").data["results"]}
    assert mine.pk in ids
    assert theirs.pk not in ids
    assert api.get(f"/api/v1/contacts/{theirs.pk}/").status_code == 404


def test_secretariat_of_a_cannot_add_a_contact_to_b(api, secretariat_a, org_b):
    response = api.as_user(secretariat_a).post(
        "/api/v1/contacts/", {"organization": org_b.pk, "name": "冒名"}
    )
    assert response.status_code == 403
    assert not Contact.objects.filter(name="冒名").exists()


def test_submitter_sees_only_own_organisations_contacts(api, submitter_a, org_a, org_b):
    ContactFactory(organization=org_b)
    api.as_user(submitter_a)
    orgs = {row["organization"] for row in api.get("/api/v1/contacts/").data["results"]}
    assert orgs == {org_a.pk}


def test_second_primary_liaison_is_refused(api, secretariat_a, org_a):
    ContactFactory(organization=org_a, is_primary=True)
    response = api.as_user(secretariat_a).post(
        "/api/v1/contacts/", {"organization": org_a.pk, "name": "第二联络人", "is_primary": True}
    )
    assert response.status_code == 400


def test_anonymous_cannot_read_contacts(api, org_a):
    ContactFactory(organization=org_a)
    assert api.get("/api/v1/contacts/").status_code == 401


# --- Applications ------------------------------------------------------------------------


def _application(alliance, **changes) -> dict:
    """A join application's body, as the public sends it."""
    return {
        "alliance": alliance.pk,
        "organization_name": "申请单位",
        "kind": "enterprise",
        "contact_name": "王工",
        "contact_email": "wang@example.cn",
        "motivation": "合作",
        **changes,
    }


def test_anyone_can_apply_and_sees_no_internal_fields(api, alliance_a):
    response = api.post("/api/v1/membership-applications/", _application(alliance_a))
    assert response.status_code == 201, response.data
    assert set(response.data) == {
        "id",
        "alliance",
        "organization_name",
        "status",
        "created",
        "mailing",
    }
    assert MembershipApplication.objects.get().status == ApplicationStatus.PENDING


def test_an_application_through_the_api_is_acknowledged_as_through_the_form(
    api, alliance_a, mailoutbox, django_capture_on_commit_callbacks
):
    """Tried as an outsider: the join form mails the applicant its reference, the API did
    not. Both do, and the answer says whom it was queued for."""
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/membership-applications/", _application(alliance_a))
    assert response.status_code == 201
    assert response.data["mailing"]["queued"] == ["wang@example.cn"]
    application = MembershipApplication.objects.get()
    assert [m.to for m in mailoutbox] == [["wang@example.cn"]]
    assert application.reference in mailoutbox[0].subject
    assert application.get_status_url() in mailoutbox[0].body


@pytest.mark.parametrize(("decision", "body"), [("approve", {}), ("reject", {"reason": "不全"})])
def test_a_decision_through_the_api_says_whom_it_mailed(
    api, secretariat_a, alliance_a, decision, body, django_capture_on_commit_callbacks
):
    """Tried as an outsider: approve and reject answered ``"mailing": null`` while the
    applicant's mail was queued."""
    application = MembershipApplicationFactory(alliance=alliance_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(secretariat_a).post(
            f"/api/v1/membership-applications/{application.pk}/{decision}/", body
        )
    assert response.status_code == 200, response.data
    assert response.data["mailing"]["queued"] == [application.contact_email]


def test_application_with_bad_email_and_credit_code_gets_field_messages(api, alliance_a):
    response = api.post(
        "/api/v1/membership-applications/",
        _application(alliance_a, contact_email="not-an-email", credit_code="91350100M000100Y44"),
    )
    assert response.status_code == 400
    assert {"contact_email", "credit_code"} <= set(response.data)
    assert not MembershipApplication.objects.exists()


def test_secretariat_of_a_cannot_read_or_decide_applications_of_b(
    api, secretariat_a, alliance_a, alliance_b
):
    mine = MembershipApplicationFactory(alliance=alliance_a)
    theirs = MembershipApplicationFactory(alliance=alliance_b)
    api.as_user(secretariat_a)
    ids = {row["id"] for row in api.get("/api/v1/membership-applications/").data["results"]}
    assert ids == {mine.pk}
    assert api.get(f"/api/v1/membership-applications/{theirs.pk}/").status_code == 404
    response = api.post(f"/api/v1/membership-applications/{theirs.pk}/approve/", {})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ApplicationStatus.PENDING


def test_secretariat_approves_an_application(api, secretariat_a, alliance_a, mailoutbox):
    application = MembershipApplicationFactory(alliance=alliance_a)
    response = api.as_user(secretariat_a).post(
        f"/api/v1/membership-applications/{application.pk}/approve/", {"role": "member"}
    )
    assert response.status_code == 200, response.data
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.membership.alliance == alliance_a
    assert application.membership.organization.name == application.organization_name


def test_secretariat_rejects_with_a_reason(api, secretariat_a, alliance_a):
    application = MembershipApplicationFactory(alliance=alliance_a)
    api.as_user(secretariat_a)
    no_reason = api.post(f"/api/v1/membership-applications/{application.pk}/reject/", {})
    assert no_reason.status_code == 400
    response = api.post(
        f"/api/v1/membership-applications/{application.pk}/reject/", {"reason": "材料不全"}
    )
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.decision_comment == "材料不全"


def test_anonymous_cannot_list_applications(api, alliance_a):
    MembershipApplicationFactory(alliance=alliance_a)
    assert api.get("/api/v1/membership-applications/").status_code == 401


# --- Authentication ----------------------------------------------------------------------


def test_token_authentication(api, secretariat_a, org_a):
    response = api.post("/api/v1/auth/token/", {"username": "sec_a", "password": "pass-word-123"})
    assert response.status_code == 200
    token = response.data["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/contacts/").status_code == 200


def test_wrong_password_gets_400_not_a_token(api, secretariat_a):
    response = api.post("/api/v1/auth/token/", {"username": "sec_a", "password": "wrong"})
    assert response.status_code == 400
    assert "token" not in response.data


def test_api_root_lists_every_resource(api):
    data = api.get("/api/v1/").data
    for name in (
        "alliances",
        "organizations",
        "memberships",
        "contacts",
        "membership-applications",
    ):
        assert name in data


def test_schema_and_swagger_ui_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert b"swagger-ui" in page.content
    # served locally: no CDN in the page
    assert b"cdn.jsdelivr" not in page.content


def test_page_size_is_capped_at_100(api, alliance_a):
    MembershipFactory.create_batch(105, alliance=alliance_a)
    response = api.get("/api/v1/memberships/", {"page_size": 1000})
    assert response.status_code == 200
    assert response.data["count"] == 105
    assert len(response.data["results"]) == 100
    assert response.data["next"] is not None


def test_lapsed_membership_frees_the_chair(alliance_a):
    chair = MembershipFactory(
        alliance=alliance_a,
        role=MembershipRole.CHAIRMAN,
        term_end=datetime.date(2020, 1, 1),
        term_start=datetime.date(2017, 1, 1),
    )
    chair.status = MembershipStatus.LAPSED
    chair.save()
    successor = MembershipFactory(alliance=alliance_a, role=MembershipRole.CHAIRMAN)
    assert list(
        Membership.objects.filter(
            alliance=alliance_a, role=MembershipRole.CHAIRMAN, status=MembershipStatus.ACTIVE
        )
    ) == [successor]
