"""A fund manager opens a partner's capital account statement from the fund page, moves its
date, and downloads the partner's call notice as a PDF."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from funds.models import CapitalCallAllocation
from members import roles
from tests.e2e.test_achievement_journey import log_in
from tests.factories import UserFactory
from tests.funds.ledger_fixture import make_ledger
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db(transaction=True)


def test_fund_manager_reads_a_statement_and_downloads_a_call_notice(new_page, language):
    manager = UserFactory(username="mgr_statement", groups=[roles.FUND_MANAGER])
    ledger = make_ledger([manager])
    chinese = language == "zh-hans"
    partner = "中国科学院控股有限公司R" if chinese else "CAS Holdings R"  # in the reader's language

    page = new_page()
    log_in(page, "mgr_statement")
    page.goto(f"/funds/{ledger.fund.pk}/")
    page.get_by_test_id(f"statement-{ledger.a.pk}").click()
    expect(page.get_by_test_id("statement-partner")).to_have_text(partner)

    # As of the end of 2024, against the figures worked out in tests/funds/ledger_fixture.py.
    page.fill("#id_as_of", "2024-12-31")
    page.get_by_test_id("as-of-form").locator("button[type=submit]").click()
    cell = page.get_by_test_id("statement").locator
    expect(cell("[data-figure=paid]")).to_have_text(
        "18,000,000.01 元" if chinese else "CNY 18,000,000.01"
    )
    expect(cell("[data-figure=unfunded]")).to_have_text(
        "38,999,999.99 元" if chinese else "CNY 38,999,999.99"
    )
    expect(cell("[data-figure=nav_share]")).to_have_text(
        "18,964,285.72 元" if chinese else "CNY 18,964,285.72"
    )
    with page.expect_download() as statement:
        page.get_by_test_id("statement-pdf").click()
    assert statement.value.suggested_filename == (
        f"statement-{ledger.fund.code}-{ledger.a.pk}-2024-12-31.pdf"
    )

    # From the fund page to call 2 and partner A's notice, then its PDF.
    page.goto(f"/funds/{ledger.fund.pk}/")
    page.get_by_test_id("calls").get_by_role("link", name="2", exact=True).click()
    allocation = CapitalCallAllocation.objects.get(call=ledger.calls[1], limited_partner=ledger.a)
    page.locator(f"a[href='{allocation.get_absolute_url()}']").click()
    expect(page.get_by_test_id("notice-liaison")).to_have_text("王晓明")
    expect(page.get_by_test_id("notice-capitals")).to_have_text("人民币陆佰万元零壹分")
    with page.expect_download() as notice:
        page.get_by_test_id("notice-pdf").click()
    reference = f"{ledger.fund.code}-02-{ledger.a.pk}"
    assert notice.value.suggested_filename == f"call-notice-{reference}.pdf"
    text = pdf_text(Path(notice.value.path()).read_bytes())
    for expected in (
        partner,
        "王晓明",
        "人民币陆佰万元零壹分",
        "6,000,000.01 元" if chinese else "CNY 6,000,000.01",
        "中国银行滕州支行",
        "2345 6789 0123 4567",
        reference,
    ):
        assert expected in text, expected
