"""Submit → return with a comment → fix and resubmit → accept → found in the catalogue."""

import pytest
from playwright.sync_api import expect

from projects.choices import AchievementStatus
from projects.models import Achievement

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-word-123")
    page.get_by_test_id("login-form").locator("button[type=submit]").click()
    expect(page.locator(".who")).to_be_visible()


def test_achievement_review_round_to_the_public_catalogue(
    new_page, language, tmp_path, submitter_a, secretariat_a, alliance_a, pdf_bytes
):
    pdf = tmp_path / "技术说明.pdf"
    pdf.write_bytes(pdf_bytes)

    # The institute drafts and submits.
    institute = new_page()
    log_in(institute, "inst_a")
    institute.get_by_test_id("nav-mine").click()
    institute.get_by_test_id("new-achievement").click()
    institute.fill("#id_title", "低温甲醇制烯烃催化剂")
    institute.select_option("#id_alliance", str(alliance_a.pk))
    institute.select_option("#id_field", "catalysis_process")
    institute.fill("#id_summary", "一种低温高选择性分子筛催化剂 for methanol-to-olefins.")
    institute.fill("#id_confidential_details", "晶化温度曲线")
    institute.select_option("#id_trl", "6")
    institute.fill("#id_trl_justification", "完成千吨级中试")
    institute.check("input[name=cooperation][value=licence]")
    institute.fill("#id_inventors-0-name", "张研究员")
    institute.fill("#id_inventors-0-share", "60")
    institute.fill("#id_inventors-1-name", "李研究员")
    institute.fill("#id_inventors-1-share", "40")
    institute.fill("#id_ip-0-number", "CN202410000001")
    institute.fill("#id_ip-0-title", "低温分子筛催化剂及其制备方法")
    institute.fill("#id_ip-0-filed_on", "2024-05-06")
    institute.set_input_files("#id_files", str(pdf))
    institute.get_by_test_id("submit").click()
    expect(institute.get_by_test_id("achievement-status")).to_have_text(
        {"en": "Submitted", "zh-hans": "已提交"}[language]
    )
    achievement = Achievement.objects.get()
    assert achievement.status == AchievementStatus.SUBMITTED
    assert achievement.attachments.get().name == "技术说明.pdf"

    # The secretariat returns it with a comment.
    secretary = new_page()
    log_in(secretary, "sec_a")
    secretary.get_by_test_id("nav-review").click()
    secretary.get_by_test_id("review-queue").get_by_role(
        "link", name="低温甲醇制烯烃催化剂"
    ).click()
    secretary.check("input[name=decision][value=return]")
    secretary.fill("#id_comment", "请补充中试数据。")
    secretary.get_by_test_id("record-decision").click()
    expect(secretary.get_by_test_id("achievement-status")).to_have_text(
        {"en": "Returned for revision", "zh-hans": "退回修改"}[language]
    )

    # The institute sees the comment, fixes it and submits again.
    institute.get_by_test_id("nav-mine").click()
    institute.get_by_test_id("my-achievements").get_by_role(
        "link", name="低温甲醇制烯烃催化剂"
    ).click()
    expect(institute.get_by_test_id("review-comment")).to_contain_text("请补充中试数据。")
    institute.get_by_test_id("edit").click()
    expect(institute.get_by_test_id("review-comment")).to_contain_text("请补充中试数据。")
    institute.fill("#id_summary", "一种低温高选择性分子筛催化剂，千吨级中试选择性 85%。")
    institute.get_by_test_id("submit").click()
    expect(institute.get_by_test_id("achievement-status")).to_have_text(
        {"en": "Submitted", "zh-hans": "已提交"}[language]
    )

    # The secretariat accepts.
    secretary.reload()
    secretary.check("input[name=decision][value=accept]")
    secretary.get_by_test_id("record-decision").click()
    expect(secretary.get_by_test_id("achievement-status")).to_have_text(
        {"en": "Accepted", "zh-hans": "已接收"}[language]
    )
    expect(secretary.get_by_test_id("history")).to_contain_text("请补充中试数据。")

    # A visitor finds it in the catalogue by a word of its summary.
    visitor = new_page()
    visitor.goto("/catalogue/")
    visitor.get_by_test_id("search").fill("分子筛")
    visitor.get_by_test_id("search").press("Enter")
    visitor.get_by_test_id("catalogue").get_by_role("link", name="低温甲醇制烯烃催化剂").click()
    expect(visitor.get_by_test_id("summary")).to_contain_text("千吨级中试")
    expect(visitor.get_by_test_id("confidential")).to_have_count(0)
