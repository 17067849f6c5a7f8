import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.choices import AchievementStatus
from projects.models import Achievement
from tests.api_checks import APIResourceChecks
from tests.factories import member_achievement

pytestmark = pytest.mark.django_db

URL = "/api/v1/achievements/"


def payload(alliance, **extra):
    return {
        "title": "新型催化剂",
        "summary": "A catalyst 催化剂",
        "confidential_details": "配方",
        "field": "catalysis_process",
        "alliance": alliance.pk,
        "trl": 5,
        "trl_justification": "中试",
        "cooperation": ["licence"],
        "inventors": [{"name": "甲", "share": "70"}, {"name": "乙", "share": "30"}],
        "ip_items": [
            {
                "number": "CN1",
                "title": "专利",
                "jurisdiction": "CN",
                "legal_status": "filed",
                "filed_on": "2024-01-02",
            }
        ],
        **extra,
    }


class TestAchievements(APIResourceChecks):
    list_url = URL
    reader = "secretariat_a"
    writer = "submitter_a"
    outsider = "submitter_b"
    anonymous_may_read = True
    max_queries = 9

    def create_payload_for(self, request):
        return payload(request.getfixturevalue("alliance_a"))

    def update_payload_for(self, request, row):
        return None  # submitted rows are locked; drafts are updated in the tests below

    def make_rows(self, count, request):
        org, alliance = request.getfixturevalue("org_a"), request.getfixturevalue("alliance_a")
        for _ in range(count):
            member_achievement(org, alliance, status="submitted")


def test_submitter_creates_a_draft_with_inventors_and_patents_in_one_request(
    api, submitter_a, org_a, alliance_a
):
    response = api.as_user(submitter_a).post(URL, payload(alliance_a), format="json")
    assert response.status_code == 201, response.data
    achievement = Achievement.objects.get(pk=response.data["id"])
    assert achievement.organization == org_a
    assert achievement.status == AchievementStatus.DRAFT
    assert achievement.inventors.count() == 2
    assert achievement.ip_items.get().number == "CN1"
    assert response.data["inventors"][0]["name"] == "甲"


def test_shares_not_summing_to_100_get_a_field_message(api, submitter_a, org_a, alliance_a):
    body = payload(
        alliance_a, inventors=[{"name": "甲", "share": "70"}, {"name": "乙", "share": "20"}]
    )
    response = api.as_user(submitter_a).post(URL, body, format="json")
    assert response.status_code == 400
    assert "100" in str(response.data["inventors"])
    assert not Achievement.objects.exists()


def test_submitter_cannot_create_for_another_organisation(api, submitter_a, org_b, alliance_b):
    response = api.as_user(submitter_a).post(
        URL, payload(alliance_b, organization=org_b.pk), format="json"
    )
    assert response.status_code == 403
    assert not Achievement.objects.exists()


def test_submitter_edits_a_draft_but_not_a_submitted_one(api, submitter_a, draft_a, submitted_a):
    api.as_user(submitter_a)
    assert api.patch(f"{URL}{draft_a.pk}/", {"title": "新标题"}).status_code == 200
    draft_a.refresh_from_db()
    assert draft_a.title == "新标题"
    assert draft_a.inventors.count() == 2  # not given: kept
    response = api.patch(f"{URL}{submitted_a.pk}/", {"title": "偷改"})
    assert response.status_code == 403
    submitted_a.refresh_from_db()
    assert submitted_a.title != "偷改"


def test_whole_review_round_through_the_api(api, submitter_a, secretariat_a, draft_a):
    api.as_user(submitter_a)
    assert api.post(f"{URL}{draft_a.pk}/submit/").status_code == 200
    api.as_user(secretariat_a)
    no_comment = api.post(f"{URL}{draft_a.pk}/return/", {})
    assert no_comment.status_code == 400
    assert "comment" in no_comment.data
    returned = api.post(f"{URL}{draft_a.pk}/return/", {"comment": "补充专利"})
    assert returned.data["status"] == "returned"
    api.as_user(submitter_a)
    assert api.get(f"{URL}{draft_a.pk}/").data["review_comment"] == "补充专利"
    assert api.post(f"{URL}{draft_a.pk}/submit/").status_code == 200
    api.as_user(secretariat_a)
    accepted = api.post(f"{URL}{draft_a.pk}/accept/", {"comment": "通过"})
    assert accepted.status_code == 200
    draft_a.refresh_from_db()
    assert draft_a.status == AchievementStatus.ACCEPTED


def test_accepting_twice_is_a_400(api, secretariat_a, accepted_a):
    response = api.as_user(secretariat_a).post(f"{URL}{accepted_a.pk}/accept/")
    assert response.status_code == 400


def test_secretariat_of_b_cannot_decide(api, secretariat_b, submitted_a):
    response = api.as_user(secretariat_b).post(f"{URL}{submitted_a.pk}/accept/")
    assert response.status_code in (403, 404)
    submitted_a.refresh_from_db()
    assert submitted_a.status == AchievementStatus.SUBMITTED


def test_owner_cannot_accept_their_own(api, submitter_a, submitted_a):
    assert api.as_user(submitter_a).post(f"{URL}{submitted_a.pk}/accept/").status_code == 403


def test_anonymous_cannot_submit(api, draft_a):
    assert api.post(f"{URL}{draft_a.pk}/submit/").status_code == 401


def test_another_institute_cannot_read_a_draft(api, submitter_b, draft_a):
    api.as_user(submitter_b)
    assert api.get(f"{URL}{draft_a.pk}/").status_code == 404
    assert draft_a.pk not in [row["id"] for row in api.get(URL).data["results"]]


def test_public_reads_the_catalogue_without_confidential_parts(api, accepted_a, draft_a):
    data = api.get(URL).data
    assert [row["id"] for row in data["results"]] == [accepted_a.pk]
    row = data["results"][0]
    assert row["confidential_details"] is None
    assert row["inventors"] is None
    assert row["summary"]


def test_fund_manager_sees_confidential_details_of_accepted_ones(api, fund_manager, accepted_a):
    row = api.as_user(fund_manager).get(f"{URL}{accepted_a.pk}/").data
    assert row["confidential_details"] == "机密工艺参数"


def test_api_search_in_both_languages(api, org_a, alliance_a):
    member_achievement(
        org_a, alliance_a, status="accepted", summary="甲醇制烯烃 methanol to olefins"
    )
    member_achievement(org_a, alliance_a, status="accepted", summary="聚乳酸 polylactide")
    assert api.get(URL, {"q": "烯烃"}).data["count"] == 1
    assert api.get(URL, {"q": "olefin"}).data["count"] == 1
    assert api.get(URL, {"q": "polylactide", "trl": "6"}).data["count"] == 1


def test_upload_and_download_an_attachment(
    api, client, submitter_a, submitter_b, draft_a, pdf_bytes
):
    api.as_user(submitter_a)
    response = api.post(
        f"{URL}{draft_a.pk}/attachments/",
        {"file": SimpleUploadedFile("说明书.pdf", pdf_bytes, "application/pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.data
    path = f"/achievements/{draft_a.pk}/attachments/{response.data['id']}/"
    client.force_login(submitter_a)
    download = client.get(path)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes
    client.force_login(submitter_b)
    assert client.get(path).status_code == 404
    client.logout()
    assert client.get(path).status_code == 404


def test_disguised_upload_is_refused(api, submitter_a, draft_a):
    response = api.as_user(submitter_a).post(
        f"{URL}{draft_a.pk}/attachments/",
        {"file": SimpleUploadedFile("x.pdf", b"MZ not a pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert draft_a.attachments.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {"inventors": "not a list"},
        {"inventors": [{"name": "甲"}]},
        {"trl": 12},
        {"cooperation": ["bribery"]},
        {"ip_items": [{"number": "1", "title": "a", "legal_status": "expired-ish"}]},
    ],
)
def test_malformed_achievement_writes_are_400(api, submitter_a, org_a, alliance_a, body):
    response = api.as_user(submitter_a).post(URL, payload(alliance_a, **body), format="json")
    assert response.status_code == 400
    assert not Achievement.objects.exists()
