import pytest

from members.choices import MembershipRole, MembershipStatus
from members.models import MembershipApplication
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_home_lists_alliances_with_chairman_and_counts(client, alliance_a):
    chair = MembershipFactory(alliance=alliance_a, role=MembershipRole.CHAIRMAN)
    MembershipFactory.create_batch(2, alliance=alliance_a)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert alliance_a.name in page
    assert chair.organization.name in page


def test_home_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for count in (3, 30):
        for _ in range(count):
            MembershipFactory(role=MembershipRole.CHAIRMAN)
        with django_assert_max_num_queries(6):
            assert client.get("/").status_code == 200


def test_alliance_page_shows_chairman_governing_units_and_directory(client, alliance_a):
    chair = MembershipFactory(alliance=alliance_a, role=MembershipRole.CHAIRMAN)
    invited = MembershipFactory(alliance=alliance_a, role=MembershipRole.INVITED_GOVERNING)
    member = MembershipFactory(alliance=alliance_a, organization__name="普通会员单位")
    gone = MembershipFactory(
        alliance=alliance_a,
        status=MembershipStatus.WITHDRAWN,
        withdrawal_reason="x",
        organization__name="已退出单位",
    )
    # Chinese names: English readers see the organisations' English names.
    page = client.get(f"/alliances/{alliance_a.slug}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = page.content.decode()
    for name in (chair.organization.name, invited.organization.name, member.organization.name):
        assert name in page
    assert gone.organization.name not in page


def test_directory_search(client, alliance_a):
    MembershipFactory(alliance=alliance_a, organization__name="大连某研究所")
    MembershipFactory(
        alliance=alliance_a, organization__name="广州某公司", organization__city="广州"
    )
    page = client.get(
        f"/alliances/{alliance_a.slug}/", {"q": "研究所"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "大连某研究所" in page
    assert "广州某公司" not in page


def test_directory_runs_a_fixed_number_of_queries(
    client, alliance_a, django_assert_max_num_queries
):
    for count in (3, 27):
        MembershipFactory.create_batch(count, alliance=alliance_a)
        with django_assert_max_num_queries(6):
            assert client.get(f"/alliances/{alliance_a.slug}/").status_code == 200


def test_bad_directory_filters_do_not_fail(client, alliance_a):
    response = client.get(f"/alliances/{alliance_a.slug}/", {"kind": "spaceship", "page": "x"})
    assert response.status_code == 200


def test_unknown_alliance_is_404(client):
    assert client.get("/alliances/nope/").status_code == 404


def test_organisation_page_of_a_member(client, org_a, alliance_a):
    page = client.get(f"/organizations/{org_a.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = page.content.decode()
    assert org_a.name in page
    assert alliance_a.name in page


def test_organisation_outside_every_alliance_is_not_public(client):
    lone = OrganizationFactory()
    assert client.get(f"/organizations/{lone.pk}/").status_code == 404


def test_join_form_shows_clear_errors_and_saves_nothing(client, alliance_a):
    response = client.post(
        "/join/",
        {
            "alliance": alliance_a.pk,
            "organization_name": "",
            "contact_email": "bad",
            "credit_code": "91350100M000100Y44",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page
    assert "check character" in page
    assert not MembershipApplication.objects.exists()


def test_join_form_refuses_a_current_member(client, alliance_a, org_a):
    response = client.post(
        f"/alliances/{alliance_a.slug}/join/",
        {
            "alliance": alliance_a.pk,
            "organization_name": org_a.name,
            "kind": "institute",
            "contact_name": "张三",
            "contact_email": "z@example.cn",
            "motivation": "再次申请",
        },
    )
    assert "already a member" in response.content.decode()
    assert not MembershipApplication.objects.exists()


def test_join_form_saves_a_valid_application(client, alliance_a):
    response = client.post(
        "/join/",
        {
            "alliance": alliance_a.pk,
            "organization_name": "新材料公司",
            "kind": "enterprise",
            "contact_name": "李四",
            "contact_email": "li@example.cn",
            "motivation": "希望加入",
        },
    )
    assert response.status_code == 302
    assert MembershipApplication.objects.get().organization_name == "新材料公司"


def test_a_second_pending_application_is_refused(client, alliance_a):
    data = {
        "alliance": alliance_a.pk,
        "organization_name": "新材料公司",
        "kind": "enterprise",
        "contact_name": "李四",
        "contact_email": "li@example.cn",
        "motivation": "希望加入",
    }
    client.post("/join/", data)
    response = client.post("/join/", {**data, "organization_name": " 新材料公司 "})
    assert "already waiting" in response.content.decode()
    assert MembershipApplication.objects.count() == 1


def test_pages_read_in_chinese_when_the_language_is_switched(client, alliance_a):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "联盟" in page
    assert "理事长单位" in page  # "Chairman unit"
    assert "申请加入" in page  # "Apply to join"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Chairman unit" in client.get("/").content.decode()


def test_login_and_logout(client, secretariat_a):
    response = client.post("/accounts/login/", {"username": "sec_a", "password": "pass-word-123"})
    assert response.status_code == 302
    assert client.get("/").context["user"].is_authenticated
    client.post("/accounts/logout/")
    assert not client.get("/").context["user"].is_authenticated


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_home_orders_alliances_by_founding_date(client):
    import datetime

    from tests.factories import AllianceFactory

    AllianceFactory(name="后成立联盟", founded_on=datetime.date(2021, 1, 1))
    AllianceFactory(name="先成立联盟", founded_on=datetime.date(2018, 1, 1))
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert page.index("先成立联盟") < page.index("后成立联盟")


def test_directory_filters_by_kind(client, alliance_a):
    MembershipFactory(
        alliance=alliance_a, organization__name="某研究所", organization__kind="institute"
    )
    MembershipFactory(
        alliance=alliance_a, organization__name="某公司", organization__kind="enterprise"
    )
    page = client.get(
        f"/alliances/{alliance_a.slug}/", {"kind": "enterprise"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "某公司" in page
    assert "某研究所" not in page


def test_english_readers_see_english_names_on_home_and_organisation_pages(
    client, org_a, alliance_a
):
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert alliance_a.name_en in home
    assert alliance_a.name not in home
    page = client.get(f"/organizations/{org_a.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert org_a.name_en in page
    assert org_a.name not in page
