"""A visitor applies to join an alliance; the secretariat approves in the admin."""

import re

import pytest
from playwright.sync_api import expect

from members.choices import ApplicationStatus, MembershipRole
from members.models import Membership, MembershipApplication
from tests.factories import MembershipFactory, make_credit_code

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = {
    "en": {
        "apply": "Apply to join",
        "send": "Send the application",
        "approve": "Approve the selected applications",
        "approved": "Approved",
    },
    "zh-hans": {
        "apply": "申请加入",
        "send": "提交申请",
        "approve": "批准所选入盟申请",
        "approved": "已批准",
    },
}


def test_visitor_applies_and_secretariat_approves_in_the_admin(
    new_page, language, alliance_a, secretariat_a
):
    text = TEXT[language]
    MembershipFactory(alliance=alliance_a, role=MembershipRole.CHAIRMAN)
    code = make_credit_code(2018)

    # A visitor finds the alliance on the home page and applies.
    visitor = new_page()
    visitor.goto("/")
    # Names in the reader's language: the English name for English readers.
    alliance_name = alliance_a.name_en if language == "en" else alliance_a.name
    visitor.get_by_role("link", name=alliance_name).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(alliance_name)
    visitor.get_by_role("link", name=text["apply"]).first.click()
    form = visitor.get_by_test_id("application-form")
    # First an incomplete form: the page says what is wrong and nothing is saved.
    form.get_by_role("button", name=text["send"]).click()
    expect(visitor.locator(".field.has-error").first).to_be_visible()
    assert not MembershipApplication.objects.exists()

    visitor.fill("#id_organization_name", "腾州新材料科技有限公司")
    visitor.fill("#id_organization_name_en", "Tengzhou New Materials Technology")
    visitor.select_option("#id_kind", "enterprise")
    visitor.fill("#id_credit_code", code)
    visitor.fill("#id_city", "滕州")
    visitor.fill("#id_contact_name", "王工")
    visitor.fill("#id_contact_email", "wang@example.cn")
    visitor.fill("#id_motivation", "我们可以承接 DMTO 下游产品的中试。")
    form.get_by_role("button", name=text["send"]).click()
    expect(visitor.get_by_test_id("application-done")).to_be_visible()
    application = MembershipApplication.objects.get()
    assert application.alliance == alliance_a

    # The secretariat logs in and approves it in the admin.
    secretary = new_page()
    secretary.goto("/admin/")
    secretary.fill("#id_username", "sec_a")
    secretary.fill("#id_password", "pass-word-123")
    secretary.locator("input[type=submit]").click()
    secretary.goto("/admin/members/membershipapplication/")
    row = secretary.locator("#result_list tbody tr", has_text="腾州新材料科技有限公司")
    row.locator("input.action-select").check()
    secretary.select_option("select[name=action]", "approve")
    secretary.locator("button[name=index]").click()
    expect(secretary.locator("ul.messagelist li.success")).to_contain_text(re.compile(r"1"))
    expect(row).to_contain_text(text["approved"])

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    membership = Membership.objects.get(pk=application.membership_id)
    assert membership.organization.credit_code == code

    # The new member appears in the public directory.
    visitor.goto(f"/alliances/{alliance_a.slug}/")
    expect(visitor.get_by_test_id("directory")).to_contain_text(
        "Tengzhou New Materials Technology" if language == "en" else "腾州新材料科技有限公司"
    )
