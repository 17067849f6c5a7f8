"""Board to committee, two reviews, approval, investment, and the fund page's new figures."""

import datetime

import pytest
from playwright.sync_api import expect

from funds.models import Deal
from members import roles
from tests.e2e.test_achievement_journey import log_in
from tests.factories import CommitmentFactory, DealFactory, FundFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCORES = {
    "technology": 5,
    "market": 4,
    "team": 4,
    "ip_strength": 5,
    "import_substitution": 5,
    "financials": 3,
}


def score(page, deal, scores):
    page.goto(f"/deals/{deal.pk}/")
    page.get_by_test_id("review-form").locator("xpath=..").locator("summary").click()
    for key, value in scores.items():
        page.check(f"input[name=score_{key}][value='{value}']")
    page.get_by_test_id("review-form").locator("button[type=submit]").click()


def test_fund_manager_takes_a_deal_from_the_board_to_an_investment(new_page, language):
    lead = UserFactory(username="lead_mgr", groups=[roles.FUND_MANAGER])
    colleague = UserFactory(username="second_mgr", groups=[roles.FUND_MANAGER])
    fund = FundFactory(name="先进材料产业基金E2E", team=[lead, colleague])
    CommitmentFactory(fund=fund, amount="900000000.00")
    deal = DealFactory(
        fund=fund,
        owner=lead,
        company__name="聚乳酸科技E2E",
        company__name_en="",
        requested_amount="60000000.00",
    )

    page = new_page()
    log_in(page, "lead_mgr")
    page.get_by_test_id("nav-funds").click()
    page.get_by_role("link", name="先进材料产业基金E2E").click()
    expect(page.locator("[data-figure=invested]")).to_have_text(
        {"en": "CNY 0", "zh-hans": "0 元"}[language]
    )
    page.get_by_test_id("board-link").click()

    # Across the board, one column at a time, with the card's own form.
    for stage in ("screening", "due_diligence", "committee"):
        card = page.get_by_test_id(f"deal-{deal.pk}")
        card.locator("select").select_option(stage)
        card.get_by_test_id(f"move-{deal.pk}").click()
        expect(
            page.locator(f"[data-stage={stage}]").get_by_test_id(f"deal-{deal.pk}")
        ).to_be_visible()

    # Two reviewers score it.
    score(page, deal, SCORES)
    expect(page.get_by_test_id("average-score")).to_have_text("4.45")
    other = new_page()
    log_in(other, "second_mgr")
    score(other, deal, dict.fromkeys(SCORES, 3))
    expect(other.get_by_test_id("average-score")).to_have_text("3.73")

    # The committee approves.
    page.goto(f"/deals/{deal.pk}/")
    page.fill("#id_meeting_date", datetime.date.today().isoformat())
    page.fill("#id_votes_for", "5")
    page.fill("#id_votes_against", "0")
    page.select_option("#id_decision", "approve")
    page.get_by_test_id("decision-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("deal-stage")).to_have_text(
        {"en": "Approved", "zh-hans": "已批准"}[language]
    )

    # An investment is recorded.
    page.fill("#id_amount", "50000000")
    page.get_by_test_id("investment-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("deal-stage")).to_have_text(
        {"en": "Invested", "zh-hans": "已投资"}[language]
    )
    assert Deal.objects.get(pk=deal.pk).stage == "invested"

    # The fund page shows the new figures.
    page.goto(f"/funds/{fund.pk}/")
    fifty_million = {"en": "CNY 50 million", "zh-hans": "5,000 万元"}[language]
    expect(page.locator("[data-figure=invested]")).to_have_text(fifty_million)
    expect(page.locator("[data-figure=nav]")).to_have_text(fifty_million)
    expect(page.locator("[data-figure=nav]")).to_have_attribute(
        "title", {"en": "CNY 50,000,000.00", "zh-hans": "50,000,000.00 元"}[language]
    )
    expect(page.get_by_test_id("investments")).to_contain_text("聚乳酸科技E2E")
