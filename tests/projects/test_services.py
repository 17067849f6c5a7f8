from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from projects import services
from projects.choices import AchievementStatus
from projects.files import validate_attachment
from projects.models import Achievement, Inventor
from projects.validators import validate_inventors
from tests.factories import member_achievement

pytestmark = pytest.mark.django_db


# --- Inventors ---------------------------------------------------------------------------


def test_shares_must_sum_to_exactly_100():
    validate_inventors(
        [{"name": "甲", "share": Decimal("33.34")}, {"name": "乙", "share": "66.66"}]
    )
    with pytest.raises(ValidationError, match="sum to exactly 100"):
        validate_inventors([{"name": "甲", "share": "50"}, {"name": "乙", "share": "49.99"}])


def test_an_inventor_is_listed_once_ignoring_case_and_spaces():
    with pytest.raises(ValidationError, match="listed twice"):
        validate_inventors([{"name": "Li Wei", "share": "50"}, {"name": " li wei", "share": "50"}])


def test_the_database_refuses_a_submitted_achievement_whose_shares_are_not_100(submitted_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Inventor.objects.filter(achievement=submitted_a).first().delete()
        # the deferred constraint trigger fires at commit; force the check now
        from django.db import connection

        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")


# --- Attachments -------------------------------------------------------------------------


def test_a_pdf_is_accepted(pdf_bytes):
    assert validate_attachment(SimpleUploadedFile("a.pdf", pdf_bytes)) == "application/pdf"


def test_a_disguised_file_is_refused():
    exe = SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ValidationError, match="content"):
        validate_attachment(exe)


def test_a_pdf_named_as_word_is_refused(pdf_bytes):
    with pytest.raises(ValidationError):
        validate_attachment(SimpleUploadedFile("report.docx", pdf_bytes))


def test_an_oversize_file_is_refused(settings, pdf_bytes):
    settings.ALLIANCE_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="at most"):
        validate_attachment(SimpleUploadedFile("big.pdf", pdf_bytes + b"0" * 200))


def test_office_files_are_recognised_by_content():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    upload = SimpleUploadedFile("data.xlsx", buffer.getvalue())
    assert validate_attachment(upload).endswith("spreadsheetml.sheet")
    with pytest.raises(ValidationError):
        validate_attachment(SimpleUploadedFile("data.docx", buffer.getvalue()))


# --- Transitions -------------------------------------------------------------------------


def test_owner_submits_a_draft(
    draft_a, submitter_a, secretariat_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.achievement_submit(achievement=draft_a, actor=submitter_a)
    draft_a.refresh_from_db()
    assert draft_a.status == AchievementStatus.SUBMITTED
    assert draft_a.submitted_at is not None
    assert mailoutbox[0].to == [secretariat_a.email]


def test_submitting_an_incomplete_draft_says_what_is_missing(org_a, alliance_a, submitter_a):
    draft = member_achievement(org_a, alliance_a, trl=None, inventors=[])
    with pytest.raises(ValidationError) as error:
        services.achievement_submit(achievement=draft, actor=submitter_a)
    assert {"trl", "inventors"} <= set(error.value.message_dict)
    draft.refresh_from_db()
    assert draft.status == AchievementStatus.DRAFT


@pytest.mark.parametrize("status", ["submitted", "accepted", "rejected"])
def test_submitting_from_a_locked_state_is_illegal(org_a, alliance_a, submitter_a, status):
    achievement = member_achievement(org_a, alliance_a, status=status, review_comment="x")
    with pytest.raises(ValidationError):
        services.achievement_submit(achievement=achievement, actor=submitter_a)


def test_another_institute_cannot_submit(draft_a, submitter_b):
    with pytest.raises(PermissionDenied):
        services.achievement_submit(achievement=draft_a, actor=submitter_b)


def test_secretariat_accepts(
    submitted_a, secretariat_a, submitter_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.achievement_accept(achievement=submitted_a, actor=secretariat_a, comment="好")
    submitted_a.refresh_from_db()
    assert submitted_a.status == AchievementStatus.ACCEPTED
    assert submitted_a.decided_at is not None
    assert submitter_a.email in mailoutbox[0].to


def test_return_needs_a_comment_and_reopens_the_form(submitted_a, secretariat_a, submitter_a):
    with pytest.raises(ValidationError):
        services.achievement_return(achievement=submitted_a, actor=secretariat_a, comment=" ")
    services.achievement_return(achievement=submitted_a, actor=secretariat_a, comment="补充数据")
    submitted_a.refresh_from_db()
    assert submitted_a.status == AchievementStatus.RETURNED
    assert submitted_a.review_comment == "补充数据"
    # the owner edits and submits again
    submitted_a.title = "修改后的标题"
    services.achievement_save(achievement=submitted_a, actor=submitter_a)
    services.achievement_submit(achievement=submitted_a, actor=submitter_a)
    submitted_a.refresh_from_db()
    assert submitted_a.status == AchievementStatus.SUBMITTED
    assert [e.to_status for e in submitted_a.events.all()] == ["returned", "submitted"]


def test_reject_needs_a_reason(submitted_a, secretariat_a):
    with pytest.raises(ValidationError):
        services.achievement_reject(achievement=submitted_a, actor=secretariat_a, comment="")
    services.achievement_reject(achievement=submitted_a, actor=secretariat_a, comment="重复")
    submitted_a.refresh_from_db()
    assert submitted_a.status == AchievementStatus.REJECTED


@pytest.mark.parametrize(
    "decide", ["achievement_accept", "achievement_return", "achievement_reject"]
)
@pytest.mark.parametrize("status", ["draft", "accepted", "returned", "rejected"])
def test_deciding_anything_but_a_submitted_achievement_is_illegal(
    org_a, alliance_a, secretariat_a, decide, status
):
    achievement = member_achievement(org_a, alliance_a, status=status, review_comment="x")
    with pytest.raises(ValidationError):
        getattr(services, decide)(achievement=achievement, actor=secretariat_a, comment="c")


@pytest.mark.parametrize("persona", ["secretariat_b", "submitter_a", "analyst", "fund_manager"])
def test_only_the_alliances_secretariat_decides(request, submitted_a, persona):
    with pytest.raises(PermissionDenied):
        services.achievement_accept(achievement=submitted_a, actor=request.getfixturevalue(persona))
    submitted_a.refresh_from_db()
    assert submitted_a.status == AchievementStatus.SUBMITTED


def test_a_submitted_achievement_cannot_be_edited(submitted_a, submitter_a):
    submitted_a.title = "偷偷修改"
    with pytest.raises(ValidationError):
        services.achievement_save(achievement=submitted_a, actor=submitter_a)
    assert Achievement.objects.get(pk=submitted_a.pk).title != "偷偷修改"


def test_owner_must_be_a_member_of_the_alliance(org_a, alliance_b, submitter_a):
    achievement = Achievement(alliance=alliance_b, title="t", summary="s", field="other")
    with pytest.raises(ValidationError) as error:
        services.achievement_save(achievement=achievement, actor=submitter_a)
    assert "alliance" in error.value.message_dict


def test_only_drafts_can_be_deleted(submitted_a, draft_a, submitter_a):
    with pytest.raises(ValidationError):
        services.achievement_delete(achievement=submitted_a, actor=submitter_a)
    services.achievement_delete(achievement=draft_a, actor=submitter_a)
    assert not Achievement.objects.filter(pk=draft_a.pk).exists()


# --- Search ------------------------------------------------------------------------------


def test_catalogue_search_finds_a_word_of_the_summary_in_english_and_chinese(org_a, alliance_a):
    dmto = member_achievement(
        org_a,
        alliance_a,
        status="accepted",
        title="DMTO",
        summary="甲醇制烯烃技术 converts methanol into ethylene and propylene.",
    )
    other = member_achievement(org_a, alliance_a, status="accepted", summary="聚乳酸餐盒 tableware")
    assert list(Achievement.objects.public().search("propylene")) == [dmto]
    assert list(Achievement.objects.public().search("烯烃")) == [dmto]
    assert list(Achievement.objects.public().search("甲醇制烯烃")) == [dmto]
    assert list(Achievement.objects.public().search("餐盒")) == [other]
    assert list(Achievement.objects.public().search("methanol 烯烃")) == [dmto]
    assert list(Achievement.objects.public().search("nonexistentword")) == []


def test_search_by_patents_is_for_those_who_may_read_them_and_follows_changes(
    org_a, alliance_a, submitter_a, submitter_b
):
    from django.contrib.auth.models import AnonymousUser

    achievement = member_achievement(
        org_a, alliance_a, status="accepted", ip_items=[("CN-X-1", "流化床反应器")]
    )
    assert list(Achievement.objects.search("流化床", user=submitter_a)) == [achievement]
    assert list(Achievement.objects.search("CN-X-1", user=submitter_a)) == [achievement]
    # The patents are confidential: the public and another institute find nothing by them.
    assert list(Achievement.objects.search("流化床")) == []
    assert list(Achievement.objects.search("流化床", user=AnonymousUser())) == []
    assert list(Achievement.objects.search("流化床", user=submitter_b)) == []
    achievement.ip_items.all().delete()
    assert list(Achievement.objects.search("流化床", user=submitter_a)) == []


def test_search_ranks_title_matches_first(org_a, alliance_a):
    in_summary = member_achievement(org_a, alliance_a, title="其他", summary="催化剂 catalyst")
    in_title = member_achievement(org_a, alliance_a, title="催化剂", summary="其他 other")
    assert list(Achievement.objects.search("催化剂")) == [in_title, in_summary]


@pytest.mark.parametrize("text", ["", "   ", "!!!", "'&|:*", "a" * 1000, "\x00"])
def test_odd_search_text_does_not_fail(text, org_a, alliance_a):
    accepted = member_achievement(org_a, alliance_a, title="催化剂", summary="其他 other")
    found = list(Achievement.objects.search(text))
    # Nothing in such text matches a word of the achievement; an empty query finds all.
    assert found == [] or found == [accepted]
