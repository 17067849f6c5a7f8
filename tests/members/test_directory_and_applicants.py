"""The member directory's filters, sorting and counts; the applicant's confirmation and
status page; the confirmation step of the admin actions that cannot be undone."""

import re

import pytest
from django.core import mail

from members.choices import ApplicationStatus, MembershipRole, MembershipStatus
from members.models import Membership, MembershipApplication, MembershipEvent
from tests.factories import MembershipApplicationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    """A Chinese reader: the directory shows the Chinese names."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


def _has_icu() -> bool:
    """Whether the database sorts Chinese in pinyin (its PostgreSQL has ICU)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT collprovider FROM pg_collation WHERE collname = 'reader_zh'")
        return cursor.fetchone()[0] == "i"


def _directory_names(response):
    table = response.content.decode().split('data-testid="directory"')[1].split("</table>")[0]
    return re.findall(r'<a href="/organizations/\d+/">([^<]+)</a>', table)


@pytest.fixture
def directory(alliance_a):
    MembershipFactory(
        alliance=alliance_a, organization__name="乙研究所", organization__kind="institute"
    )
    MembershipFactory(
        alliance=alliance_a,
        organization__name="甲公司",
        organization__kind="enterprise",
        organization__city="广州",
    )
    MembershipFactory(
        alliance=alliance_a, organization__name="丙大学", organization__kind="university"
    )
    return alliance_a


def test_directory_search_with_the_empty_all_kinds_select_still_filters(client, directory):
    # The form always sends kind= ("all kinds"): the search must still apply.
    response = client.get(f"/alliances/{directory.slug}/", {"q": "研究所", "kind": ""})
    assert _directory_names(response) == ["乙研究所"]


def test_directory_filters_by_kind_together_with_search(client, directory):
    response = client.get(f"/alliances/{directory.slug}/", {"q": "", "kind": "enterprise"})
    assert _directory_names(response) == ["甲公司"]
    response = client.get(f"/alliances/{directory.slug}/", {"q": "大学", "kind": "enterprise"})
    assert _directory_names(response) == []


def test_directory_shows_the_result_count(client, directory):
    response = client.get(
        f"/alliances/{directory.slug}/", {"kind": "institute"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert re.search(r'data-testid="result-count"[^>]*>1 result<', response.content.decode())


def test_directory_sorts_by_a_whitelisted_column_both_ways(client, directory):
    url = f"/alliances/{directory.slug}/"
    by_kind = _directory_names(client.get(url, {"ordering": "kind"}))
    # In the kinds' declared order (institute, university, enterprise), as the reader reads
    # the labels, not by the stored codes' spelling (enterprise < institute < university).
    assert by_kind == ["乙研究所", "丙大学", "甲公司"]
    assert _directory_names(client.get(url, {"ordering": "-kind"})) == by_kind[::-1]


def test_directory_ignores_an_ordering_outside_the_whitelist(client, directory):
    response = client.get(
        f"/alliances/{directory.slug}/", {"ordering": "organization__credit_code"}
    )
    assert response.status_code == 200
    assert len(_directory_names(response)) == 3


def test_directory_shows_english_names_to_english_readers(client, alliance_a):
    MembershipFactory(
        alliance=alliance_a,
        organization__name="滕州化工",
        organization__name_en="Tengzhou Chemicals",
    )
    english = client.get(f"/alliances/{alliance_a.slug}/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get(f"/alliances/{alliance_a.slug}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert _directory_names(english) == ["Tengzhou Chemicals"]
    assert _directory_names(chinese) == ["滕州化工"]


def test_directory_sorts_names_as_each_reader_sees_them(client, alliance_a):
    # A Chinese reader sorts by the Chinese names, in pinyin; an English reader sees, and
    # sorts by, the English names where there are any (tried as an outsider: code point
    # order, 上海 before 北京).
    names = (("甲化工", "Zeta Chemicals"), ("乙材料", "Alpha Materials"), ("丙所", ""))
    for name, name_en in names:
        MembershipFactory(
            alliance=alliance_a, organization__name=name, organization__name_en=name_en
        )
    url = f"/alliances/{alliance_a.slug}/"
    chinese = _directory_names(client.get(url, {"ordering": "name"}))
    if _has_icu():  # bing, jia, yi
        assert chinese == ["丙所", "甲化工", "乙材料"]
    else:  # the embedded PostgreSQL has no ICU: code point order
        assert chinese == sorted(chinese)
    english = _directory_names(client.get(url, {"ordering": "name"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert english == ["Alpha Materials", "Zeta Chemicals", "丙所"]
    backwards = client.get(url, {"ordering": "-name"}, HTTP_ACCEPT_LANGUAGE="en")
    assert _directory_names(backwards) == english[::-1]


def test_directory_sorts_cities_in_pinyin(client, alliance_a):
    cities = (("北京", "京所"), ("上海", "沪所"), ("兰州", "兰所"))
    for city, name in cities:
        MembershipFactory(alliance=alliance_a, organization__name=name, organization__city=city)
    url = f"/alliances/{alliance_a.slug}/"
    by_city = _directory_names(client.get(url, {"ordering": "city"}))
    if _has_icu():  # Beijing, Lanzhou, Shanghai
        assert by_city == ["京所", "兰所", "沪所"]
    else:
        assert by_city == ["沪所", "兰所", "京所"]  # 上 < 兰 < 北 in code points


# --- Applicants ----------------------------------------------------------------------------


def _apply(client, alliance):
    return client.post(
        "/join/",
        {
            "alliance": alliance.pk,
            "organization_name": "新申请单位",
            "kind": "enterprise",
            "contact_name": "李工",
            "contact_email": "li@example.cn",
            "motivation": "参与中试。",
        },
        follow=True,
    )


def test_applicant_gets_a_reference_a_status_link_and_a_mail(
    client, alliance_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _apply(client, alliance_a)
    application = MembershipApplication.objects.get()
    page = response.content.decode()
    assert response.status_code == 200
    assert application.reference in page
    assert application.get_status_url() in page
    assert len(application.status_token) >= 32
    (message,) = mail.outbox
    assert message.to == ["li@example.cn"]
    assert application.reference in message.subject
    assert f"http://testserver{application.get_status_url()}" in message.body


def test_status_page_shows_pending_then_the_rejection_reason(client, alliance_a, secretariat_a):
    application = MembershipApplicationFactory(alliance=alliance_a)
    page = client.get(application.get_status_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Pending" in page
    from members import services

    services.application_reject(application=application, actor=secretariat_a, reason="资料不全")
    page = client.get(application.get_status_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Rejected" in page
    assert "资料不全" in page


def test_status_page_of_an_unknown_token_is_404(client, alliance_a):
    MembershipApplicationFactory(alliance=alliance_a)
    assert client.get("/join/status/not-a-token/").status_code == 404


def test_each_application_has_its_own_token(alliance_a):
    first, second = MembershipApplicationFactory.create_batch(2, alliance=alliance_a)
    assert first.status_token != second.status_token


# --- Confirmation step of irreversible admin actions ----------------------------------------


def test_expel_asks_for_confirmation_before_doing_anything(client, secretariat_a, org_a):
    membership = org_a.memberships.get()
    client.force_login(secretariat_a)
    response = client.post(
        "/admin/members/membership/",
        {"action": "expel", "index": "0", "_selected_action": [membership.pk], "reason": "违约"},
    )
    assert response.status_code == 200
    assert 'name="post" value="yes"' in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_confirmed_expel_without_a_reason_changes_nothing(client, secretariat_a, org_a):
    membership = org_a.memberships.get()
    client.force_login(secretariat_a)
    response = client.post(
        "/admin/members/membership/",
        {"action": "expel", "post": "yes", "_selected_action": [membership.pk], "reason": " "},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_confirmed_expel_records_the_reason(client, secretariat_a, org_a):
    membership = org_a.memberships.get()
    client.force_login(secretariat_a)
    response = client.post(
        "/admin/members/membership/",
        {
            "action": "expel",
            "post": "yes",
            "_selected_action": [membership.pk],
            "reason": "严重违约",
        },
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.EXPELLED
    assert membership.events.latest("at").comment == "严重违约"


def test_hand_over_is_confirmed_and_records_the_reason_on_both_memberships(
    client, secretariat_a, alliance_a
):
    chair = MembershipFactory(alliance=alliance_a, role=MembershipRole.CHAIRMAN)
    heir = MembershipFactory(alliance=alliance_a, role=MembershipRole.GOVERNING)
    client.force_login(secretariat_a)
    data = {"action": "hand_over_chair", "_selected_action": [heir.pk]}
    client.post("/admin/members/membership/", {**data, "index": "0"})
    heir.refresh_from_db()
    assert heir.role == MembershipRole.GOVERNING  # not before the confirmation
    client.post("/admin/members/membership/", {**data, "post": "yes", "reason": "理事会决议"})
    heir.refresh_from_db()
    chair.refresh_from_db()
    assert (heir.role, chair.role) == (MembershipRole.CHAIRMAN, MembershipRole.GOVERNING)
    comments = set(
        MembershipEvent.objects.filter(membership__in=[heir, chair]).values_list(
            "comment", flat=True
        )
    )
    assert "理事会决议" in comments


def test_reject_goes_through_confirmation_and_keeps_the_reason(client, secretariat_a, alliance_a):
    application = MembershipApplicationFactory(alliance=alliance_a)
    client.force_login(secretariat_a)
    url = "/admin/members/membershipapplication/"
    data = {"action": "reject", "_selected_action": [application.pk]}
    assert client.post(url, {**data, "index": "0"}).status_code == 200
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING
    client.post(url, {**data, "post": "yes", "reason": "不符合入会条件"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.decision_comment == "不符合入会条件"
    assert Membership.objects.filter(alliance=alliance_a).count() == 0
