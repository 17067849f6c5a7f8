"""Fund pages show money in the reader's language: short in tables and cards, in full on calls."""

import datetime
from decimal import Decimal

import pytest

from funds import services

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def call_x(fund_x, manager_x):
    return services.capital_call_create(
        fund=fund_x,
        actor=manager_x,
        amount=Decimal("100100.00"),
        call_date=TODAY,
        due_date=TODAY,
    )


def test_call_notice_gives_the_amounts_in_full_and_in_capital_numerals(client, manager_x, call_x):
    allocation = call_x.allocations.get()
    client.force_login(manager_x)
    url = f"/calls/{call_x.pk}/notices/{allocation.pk}/"

    chinese = client.get(url, **CHINESE).content.decode()
    assert '<strong data-testid="notice-amount">100,100.00 元</strong>' in chinese
    assert "1,000,000.00 元" in chinese  # the partner's commitment
    assert '<td data-testid="notice-capitals">人民币壹拾万零壹佰元整</td>' in chinese

    english = client.get(url, **ENGLISH).content.decode()
    assert '<strong data-testid="notice-amount">CNY 100,100.00</strong>' in english
    assert "CNY 1,000,000.00" in english
    # English readers get the amount in English words, and the Chinese statutory form
    # labelled as such (the wording the bank and the agreement go by).
    assert (
        '<td data-testid="notice-words">One hundred thousand one hundred yuan only</td>' in english
    )
    assert "Your part in Chinese capital numerals (the statutory form)" in english
    assert '<td data-testid="notice-capitals" lang="zh-Hans">人民币壹拾万零壹佰元整</td>' in english
    assert "notice-words" not in chinese


def test_call_notice_of_a_fund_in_another_currency_has_no_capital_numerals(
    client, manager_x, fund_x, call_x
):
    fund_x.currency = "USD"
    fund_x.save(update_fields=["currency"])
    allocation = call_x.allocations.get()
    client.force_login(manager_x)
    page = client.get(f"/calls/{call_x.pk}/notices/{allocation.pk}/", **ENGLISH).content.decode()
    assert "USD 100,100.00" in page
    assert "notice-capitals" not in page


def test_call_detail_lists_the_allocations_in_full(client, manager_x, call_x):
    client.force_login(manager_x)
    chinese = client.get(f"/calls/{call_x.pk}/", **CHINESE).content.decode()
    assert '<p data-testid="call-amount">100,100.00 元 · ' in chinese
    assert "<th>100,100.00 元</th>" in chinese  # the total
    english = client.get(f"/calls/{call_x.pk}/", **ENGLISH).content.decode()
    assert "<th>CNY 100,100.00</th>" in english
    # the payment form still takes the plain figure
    assert 'name="amount" value="100100.00"' in english


def test_fund_pages_show_short_amounts_with_the_full_figure_on_hover(
    client, manager_x, fund_x, deal_x
):
    client.force_login(manager_x)
    chinese = client.get(f"/funds/{fund_x.pk}/", **CHINESE).content.decode()
    assert '<strong data-figure="committed" title="1,000,000.00 元">100 万元</strong>' in chinese
    assert "10 亿元" in chinese  # the target size
    english = client.get(f"/funds/{fund_x.pk}/", **ENGLISH).content.decode()
    assert '<strong data-figure="committed" title="CNY 1,000,000.00">CNY 1 million</strong>' in (
        english
    )
    assert "CNY 1 billion" in english

    assert "<td>10 亿元</td>" in client.get("/funds/", **CHINESE).content.decode()
    assert (
        "<td>CNY 1 million</td>"
        in client.get(f"/funds/{fund_x.pk}/deals/", **ENGLISH).content.decode()
    )
    board = client.get(f"/funds/{fund_x.pk}/board/", **CHINESE).content.decode()
    assert '<div class="muted">100 万元</div>' in board
    deal = client.get(f"/deals/{deal_x.pk}/", **CHINESE).content.decode()
    assert '<dd title="1,000,000.00 元">100 万元</dd>' in deal


def test_the_fund_page_names_no_currency_code_to_chinese_readers(client, manager_x, fund_x):
    client.force_login(manager_x)
    chinese = client.get(f"/funds/{fund_x.pk}/", **CHINESE).content.decode()
    assert "CNY" not in chinese
    # The note names the currency, not a unit: the figures are in 万元 and 亿元, each
    # with its unit (tried as an outsider: "单位：元" over figures in 亿元).
    assert "币种：人民币" in chinese and "单位：" not in chinese
    english = client.get(f"/funds/{fund_x.pk}/", **ENGLISH).content.decode()
    assert "in Chinese yuan." in english


def test_fund_figures_name_the_investees_in_the_readers_language(client, manager_x, fund_x):
    from funds.models import Investment
    from tests.factories import DealFactory

    deal = DealFactory(
        fund=fund_x,
        owner=manager_x,
        stage="invested",
        company__name="丙公司",
        company__name_en="C Co",
    )
    Investment.objects.create(
        deal=deal, fund=fund_x, amount=Decimal("100000.00"), invested_on=TODAY
    )
    client.force_login(manager_x)
    english = client.get(f"/funds/{fund_x.pk}/", **ENGLISH).content.decode()
    assert "<td>C Co</td>" in english and "丙公司" not in english
    chinese = client.get(f"/funds/{fund_x.pk}/", **CHINESE).content.decode()
    assert "<td>丙公司</td>" in chinese


def test_review_criteria_read_in_the_readers_language(client, manager_x, fund_x, deal_x):
    """Default criteria stored in Chinese (the fund was created by a Chinese reader) read in
    English for English readers; a criterion the team named itself reads as entered."""
    from funds.models import ReviewCriterion

    fund_x.criteria.filter(key="technology").update(name="技术")
    fund_x.criteria.filter(key="market").update(name="Market")
    ReviewCriterion.objects.create(fund=fund_x, key="maturity", name="工艺成熟度", weight=5)
    type(deal_x).objects.filter(pk=deal_x.pk).update(stage="screening")  # open to scoring
    client.force_login(manager_x)
    english = client.get(f"/deals/{deal_x.pk}/", **ENGLISH).content.decode()
    assert "<th>Technology</th>" in english and "<th>Market</th>" in english
    assert "Technology (×25)" in english  # the scoring form's label
    assert "<th>工艺成熟度</th>" in english
    assert "技术" not in english
    chinese = client.get(f"/deals/{deal_x.pk}/", **CHINESE).content.decode()
    assert "<th>技术</th>" in chinese and "<th>市场</th>" in chinese
    assert "Technology" not in chinese
