import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.choices import AchievementStatus
from projects.models import Achievement
from tests.factories import member_achievement

pytestmark = pytest.mark.django_db


def form_data(alliance, **extra):
    data = {
        "title": "新型分子筛催化剂",
        "alliance": alliance.pk,
        "field": "catalysis_process",
        "summary": "高选择性分子筛 zeolite",
        "confidential_details": "",
        "trl": "5",
        "trl_justification": "中试验证",
        "cooperation": ["licence"],
        "inventors-TOTAL_FORMS": "2",
        "inventors-INITIAL_FORMS": "0",
        "inventors-0-name": "甲",
        "inventors-0-share": "60",
        "inventors-1-name": "乙",
        "inventors-1-share": "40",
        "ip-TOTAL_FORMS": "1",
        "ip-INITIAL_FORMS": "0",
        "ip-0-number": "CN2024",
        "ip-0-title": "分子筛专利",
        "ip-0-jurisdiction": "CN",
        "ip-0-legal_status": "filed",
        "ip-0-filed_on": "2024-03-01",
    }
    data.update(extra)
    return data


def edit_data(achievement, alliance, **extra):
    """``form_data`` sent back on the edit form of ``achievement`` (made from it): its two
    inventors and its patent as the rows the form showed."""
    inventors = list(achievement.inventors.order_by("-share"))
    return form_data(
        alliance,
        **{
            "inventors-INITIAL_FORMS": "2",
            "inventors-0-id": inventors[0].pk,
            "inventors-1-id": inventors[1].pk,
            "ip-INITIAL_FORMS": "1",
            "ip-0-id": achievement.ip_items.get().pk,
        },
        **extra,
    )


def test_submitter_saves_a_draft_then_submits(client, submitter_a, alliance_a, org_a, pdf_bytes):
    client.force_login(submitter_a)
    data = form_data(alliance_a, files=SimpleUploadedFile("a.pdf", pdf_bytes), save="1")
    response = client.post("/my/achievements/new/", data)
    assert response.status_code == 302
    achievement = Achievement.objects.get()
    assert achievement.status == AchievementStatus.DRAFT
    assert achievement.attachments.get().name == "a.pdf"
    edit = f"/my/achievements/{achievement.pk}/edit/"
    response = client.post(edit, edit_data(achievement, alliance_a, submit="1"))
    assert response.status_code == 302
    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.SUBMITTED
    # the form is locked now
    assert client.get(edit).status_code == 302


def test_shares_not_100_are_a_form_error(client, submitter_a, alliance_a, org_a):
    client.force_login(submitter_a)
    response = client.post(
        "/my/achievements/new/", form_data(alliance_a, **{"inventors-1-share": "30"})
    )
    assert response.status_code == 200
    assert "sum to exactly 100" in response.content.decode()
    assert not Achievement.objects.exists()


def test_disguised_attachment_is_a_form_error(client, submitter_a, alliance_a, org_a):
    client.force_login(submitter_a)
    data = form_data(alliance_a, files=SimpleUploadedFile("x.pdf", b"GIF89a not a pdf"))
    response = client.post("/my/achievements/new/", data)
    assert "matches its name" in response.content.decode()
    assert not Achievement.objects.exists()


def test_another_institute_cannot_open_a_draft_by_guessing_its_url(client, submitter_b, draft_a):
    client.force_login(submitter_b)
    assert client.get(f"/achievements/{draft_a.pk}/").status_code == 404
    assert client.get(f"/my/achievements/{draft_a.pk}/edit/").status_code == 404
    assert client.post(f"/my/achievements/{draft_a.pk}/delete/").status_code == 404


def test_public_detail_shows_the_summary_only(client, accepted_a):
    page = client.get(f"/achievements/{accepted_a.pk}/").content.decode()
    assert accepted_a.summary in page
    assert "机密工艺参数" not in page
    assert "发明人甲" not in page


def test_secretariat_returns_and_the_submitter_sees_the_comment(
    client, secretariat_a, submitter_a, submitted_a
):
    client.force_login(secretariat_a)
    assert submitted_a.title in client.get("/review/achievements/").content.decode()
    response = client.post(
        f"/achievements/{submitted_a.pk}/review/", {"decision": "return", "comment": "请补充数据"}
    )
    assert response.status_code == 302
    client.force_login(submitter_a)
    page = client.get(f"/my/achievements/{submitted_a.pk}/edit/").content.decode()
    assert "请补充数据" in page


def test_return_without_comment_changes_nothing(client, secretariat_a, submitted_a):
    client.force_login(secretariat_a)
    client.post(f"/achievements/{submitted_a.pk}/review/", {"decision": "return", "comment": ""})
    submitted_a.refresh_from_db()
    assert submitted_a.status == AchievementStatus.SUBMITTED


def test_secretariat_of_b_cannot_review_a(client, secretariat_b, submitted_a):
    client.force_login(secretariat_b)
    response = client.post(f"/achievements/{submitted_a.pk}/review/", {"decision": "accept"})
    assert response.status_code == 404
    submitted_a.refresh_from_db()
    assert submitted_a.status == AchievementStatus.SUBMITTED


def test_review_queue_is_for_the_secretariat(client, submitter_a):
    client.force_login(submitter_a)
    assert client.get("/review/achievements/").status_code == 403


def test_catalogue_search_and_filters(client, org_a, alliance_a):
    member_achievement(org_a, alliance_a, status="accepted", title="甲醇制烯烃", summary="methanol")
    member_achievement(
        org_a, alliance_a, status="accepted", title="聚乳酸", summary="tableware", trl=3
    )
    member_achievement(org_a, alliance_a, status="submitted", title="未公开成果")
    page = client.get("/catalogue/").content.decode()
    assert "甲醇制烯烃" in page and "聚乳酸" in page and "未公开成果" not in page
    assert "聚乳酸" not in client.get("/catalogue/", {"q": "烯烃"}).content.decode()
    assert "甲醇制烯烃" not in client.get("/catalogue/", {"trl": "3"}).content.decode()
    assert client.get("/catalogue/", {"trl": "banana", "page": "-3"}).status_code == 200


@pytest.mark.parametrize(
    ("url", "persona"),
    [
        ("/catalogue/", None),
        ("/my/achievements/", "submitter_a"),
        ("/my/achievements/?ordering=-alliance", "submitter_a"),
        ("/review/achievements/", "secretariat_a"),
        ("/review/achievements/?ordering=institute", "secretariat_a"),
    ],
)
def test_achievement_lists_run_a_fixed_number_of_queries(
    request, client, org_a, alliance_a, django_assert_max_num_queries, url, persona
):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    for count in (3, 27):
        for _ in range(count):
            member_achievement(
                org_a, alliance_a, status="accepted" if persona != "secretariat_a" else "submitted"
            )
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_my_achievements_and_the_review_queue_sort_and_count(
    client, submitter_a, secretariat_a, org_a, alliance_a
):
    for title, trl in (("乙成果", 5), ("甲成果", 7), ("丙成果", 3)):
        member_achievement(org_a, alliance_a, status="submitted", title=title, trl=trl)

    def titles(url):
        response = client.get(url)
        return [a.title for a in response.context["page"]], response.content.decode()

    client.force_login(submitter_a)
    newest_first, page = titles("/my/achievements/")
    assert newest_first == ["丙成果", "甲成果", "乙成果"]
    assert ">3 results<" in page and 'href="?ordering=trl"' in page
    assert titles("/my/achievements/?ordering=trl")[0] == ["丙成果", "乙成果", "甲成果"]
    assert titles("/my/achievements/?ordering=-trl")[0] == ["甲成果", "乙成果", "丙成果"]

    client.force_login(secretariat_a)
    queue, page = titles("/review/achievements/?ordering=-trl")
    assert queue == ["甲成果", "乙成果", "丙成果"] and ">3 results<" in page
    assert '<input type="hidden" name="ordering" value="-trl">' in page  # kept by the filter
    assert 'aria-sort="descending"' in page


def test_user_without_organisation_cannot_create(client, outsider):
    client.force_login(outsider)
    assert client.get("/my/achievements/new/").status_code == 403


def test_detail_shows_history_recorded_without_a_user(client, secretariat_a, submitted_a):
    from projects.models import AchievementEvent

    AchievementEvent.objects.create(
        achievement=submitted_a, from_status="draft", to_status="submitted"
    )
    client.force_login(secretariat_a)
    response = client.get(f"/achievements/{submitted_a.pk}/")
    assert response.status_code == 200
    assert "Submitted" in response.content.decode()


@pytest.mark.parametrize(
    "tampered",
    [
        {"inventors-TOTAL_FORMS": "-1"},
        {"inventors-TOTAL_FORMS": "0", "inventors-INITIAL_FORMS": "0"},
        {"ip-TOTAL_FORMS": "-1"},
        {"ip-TOTAL_FORMS": "0", "ip-INITIAL_FORMS": "0"},
    ],
)
def test_a_tampered_formset_deletes_nothing(client, submitter_a, alliance_a, org_a, tampered):
    """Tried as an outsider: ``inventors-TOTAL_FORMS=-1`` on the edit form answered 302
    and every inventor was gone. Rows the form showed must come back, kept or deleted."""
    client.force_login(submitter_a)
    client.post("/my/achievements/new/", form_data(alliance_a, save="1"))
    achievement = Achievement.objects.get()
    data = edit_data(achievement, alliance_a, save="1") | tampered
    response = client.post(f"/my/achievements/{achievement.pk}/edit/", data)
    assert response.status_code == 200
    assert "reload the page" in response.content.decode()
    assert achievement.inventors.count() == 2 and achievement.ip_items.count() == 1


@pytest.mark.parametrize(("share", "said"), [("50", "they sum to 50 %"), ("40.5", "40.5 %")])
def test_the_shares_total_reads_as_a_plain_number(client, submitter_a, alliance_a, share, said):
    """Tried as an outsider: one inventor with 50 % read "当前合计 5E+1%"."""
    client.force_login(submitter_a)
    data = form_data(alliance_a, **{"inventors-TOTAL_FORMS": "1", "inventors-0-share": share})
    response = client.post("/my/achievements/new/", data)
    assert response.status_code == 200
    assert said in response.content.decode() and "E+" not in response.content.decode()
