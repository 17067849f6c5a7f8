"""Capital account statements: the figures against an independent computation, the page,
the PDF, and who may read them."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from funds.metrics import partner_flows
from funds.models import Exit, Investment
from funds.statements import capital_accounts, split_pro_rata
from tests.factories import CommitmentFactory, DealFactory, FundFactory
from tests.funds.ledger_fixture import add_rows, expected_account, make_ledger, nav, paid_by
from tests.pdf import pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db

D = Decimal
CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
DATES = ["2023-02-28", "2023-03-31", "2023-06-30", "2024-02-05", "2024-06-30", "2024-12-31"]


@pytest.fixture
def ledger(manager_x):
    return make_ledger([manager_x])


def url(ledger, partner, as_of=None, pdf=False):
    path = f"/funds/{ledger.fund.pk}/partners/{partner.pk}/statement/" + ("pdf/" if pdf else "")
    return path + (f"?as_of={as_of}" if as_of else "")


# --- The figures ----------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", DATES)
def test_capital_accounts_agree_with_an_independent_computation(ledger, as_of):
    on = datetime.date.fromisoformat(as_of)
    accounts = capital_accounts(ledger.fund, on)
    for partner in (ledger.a, ledger.b):
        account = accounts.account_of(partner.pk)
        expected = expected_account(ledger, partner.pk, on)
        for key in ("commitment", "called", "paid", "outstanding", "unfunded"):
            assert getattr(account, key) == expected[key], key
        # Shares are rounded to the cent: never a cent off the exact pro-rata share.
        assert abs(Fraction(account.distributions) - expected["distributions_exact"]) < Fraction(
            1, 100
        ) * len(ledger.distributions)
        assert abs(Fraction(account.nav_share) - expected["nav_share_exact"]) < Fraction(1, 100)
    # ... and they add up to the fund's figures to the cent.
    figures = accounts.figures
    assert sum(a.paid for a in accounts.accounts) == figures.paid_in
    assert sum(a.distributions for a in accounts.accounts) == figures.distributed
    assert sum(a.nav_share for a in accounts.accounts) == figures.nav == nav(ledger, on)


def test_capital_accounts_at_the_end_of_2024_to_the_cent(ledger):
    accounts = capital_accounts(ledger.fund, datetime.date(2024, 12, 31))
    a, b = accounts.account_of(ledger.a.pk), accounts.account_of(ledger.b.pk)
    assert (a.called, a.paid, a.outstanding, a.unfunded) == (
        D("21000000.01"),
        D("18000000.01"),
        D("3000000.00"),
        D("38999999.99"),
    )
    assert (b.called, b.paid, b.outstanding, b.unfunded) == (
        D("14000000.00"),
        D("10000000.00"),
        D("4000000.00"),
        D("26000000.00"),
    )
    # 7,777,777.77 shared 18,000,000.01 : 10,000,000.00 → 4,999,999.996 and 2,777,777.774;
    # the odd cent goes to the larger remainder.
    assert (a.distributions, b.distributions) == (D("5000000.00"), D("2777777.77"))
    # NAV 21,500,000 of holdings + 8,000,000.01 of cash, shared the same way.
    assert accounts.figures.nav == D("29500000.01")
    assert (a.nav_share, b.nav_share) == (D("18964285.72"), D("10535714.29"))
    assert a.dpi == D("5000000.00") / D("18000000.01")
    assert a.tvpi == (D("5000000.00") + D("18964285.72")) / D("18000000.01")
    assert a.irr is not None and b.irr is not None


def test_partner_flows_are_the_partners_dated_payments(ledger):
    assert partner_flows(ledger.fund, ledger.b, datetime.date(2024, 12, 31)) == [
        (datetime.date(2023, 4, 10), D("8000000.00")),
        (datetime.date(2024, 2, 10), D("2000000.00")),
    ]
    assert partner_flows(ledger.fund, ledger.b.pk, datetime.date(2024, 1, 1)) == [
        (datetime.date(2023, 4, 10), D("8000000.00"))
    ]
    for partner in (ledger.a, ledger.b):
        on = datetime.date(2024, 12, 31)
        flows = partner_flows(ledger.fund, partner, on)
        assert sum(amount for _, amount in flows) == paid_by(ledger, partner.pk, on)


def test_a_distribution_before_anything_is_paid_in_is_shared_by_commitment():
    fund = FundFactory()
    big = CommitmentFactory(fund=fund, amount=D("300.00")).limited_partner
    small = CommitmentFactory(fund=fund, amount=D("100.00")).limited_partner
    deal = DealFactory(fund=fund, stage="invested")
    investment = Investment.objects.create(
        deal=deal, fund=fund, amount=D("5.00"), invested_on=datetime.date(2024, 1, 2)
    )
    Exit.objects.create(
        investment=investment,
        exited_on=datetime.date(2024, 3, 1),
        kind="trade_sale",
        proceeds=D("10.01"),
    )
    accounts = capital_accounts(fund, datetime.date(2024, 12, 31))
    assert accounts.account_of(big.pk).distributions == D("7.51")
    assert accounts.account_of(small.pk).distributions == D("2.50")
    assert accounts.account_of(big.pk).dpi is None  # nothing paid in: no multiple


def test_split_pro_rata_adds_up_and_gives_the_odd_cents_to_the_largest_remainders():
    assert split_pro_rata(D("100.00"), {1: D(1), 2: D(1), 3: D(1)}) == {
        1: D("33.34"),
        2: D("33.33"),
        3: D("33.33"),
    }
    assert split_pro_rata(D("0.05"), {7: D(2), 3: D(1)}) == {7: D("0.03"), 3: D("0.02")}
    shares = split_pro_rata(D("7777777.77"), {1: D("18000000.01"), 2: D("10000000.00")})
    assert shares == {1: D("5000000.00"), 2: D("2777777.77")}
    assert split_pro_rata(D("5.00"), {1: D(0), 2: D(3)}) == {1: D("0.00"), 2: D("5.00")}


@pytest.mark.parametrize(
    "amount, weights",
    [
        (D("1.00"), {1: D(0), 2: D(0)}),
        (D("1.00"), {}),
        (D("1.001"), {1: D(1)}),
        (D("1"), {1: D(-1)}),
    ],
)
def test_split_pro_rata_refuses_what_it_cannot_share(amount, weights):
    with pytest.raises(ValueError):
        split_pro_rata(amount, weights)


# --- The page and the PDF -------------------------------------------------------------------


def test_the_statement_page_shows_the_account_in_both_languages(client, manager_x, ledger):
    client.force_login(manager_x)
    chinese = client.get(url(ledger, ledger.a, "2024-12-31"), **CHINESE)
    assert chinese.status_code == 200
    page = chinese.content.decode()
    assert '<td class="num" data-figure="paid">18,000,000.01 元</td>' in page
    assert '<td class="num" data-figure="unfunded">38,999,999.99 元</td>' in page
    assert '<td class="num" data-figure="distributions">5,000,000.00 元</td>' in page
    assert '<td class="num" data-figure="nav_share">18,964,285.72 元</td>' in page
    assert "光伏膜材料R" in page  # the distribution's origin
    english = client.get(url(ledger, ledger.a, "2024-12-31"), **ENGLISH).content.decode()
    assert '<td class="num" data-figure="paid">CNY 18,000,000.01</td>' in english
    assert "Capital account statement" in english
    assert "Unfunded commitment" in english


def test_the_statement_is_as_of_today_without_a_date(client, manager_x, ledger):
    client.force_login(manager_x)
    response = client.get(url(ledger, ledger.b), **ENGLISH)
    assert response.status_code == 200
    assert response.context["account"].as_of == datetime.date.today()


@pytest.mark.parametrize(
    "bad", ["2024-13-01", "yesterday", "2999-01-01", "0000-00-00", "%00", "9" * 30]
)
def test_a_bad_date_is_refused_with_a_message(client, manager_x, ledger, bad):
    client.force_login(manager_x)
    for pdf in (False, True):
        response = client.get(url(ledger, ledger.a, bad, pdf=pdf), **ENGLISH)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert 'data-testid="as-of-error"' in response.content.decode()
        assert response.context["account"] is None


def test_an_organisation_without_a_commitment_has_no_statement(client, manager_x, ledger, org_a):
    client.force_login(manager_x)
    assert client.get(url(ledger, org_a)).status_code == 404


def test_the_statement_pdf_reads_in_chinese(client, manager_x, ledger):
    client.force_login(manager_x)
    response = client.get(url(ledger, ledger.a, "2024-12-31", pdf=True), **CHINESE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in (
        "中国科学院控股有限公司R",
        "先进材料产业基金R",
        "60,000,000.00 元",
        "18,000,000.01 元",
        "3,000,000.00 元",
        "38,999,999.99 元",
        "5,000,000.00 元",
        "18,964,285.72 元",
        "29,500,000.01 元",  # the fund's NAV beside it
        "光伏膜材料R",
        "2024-12-31",
    ):
        assert expected in text, expected
    assert "Noto-Sans-CJK-SC" in pdf_fonts(response.content)


def test_the_statement_pdf_reads_in_english(client, manager_x, ledger):
    client.force_login(manager_x)
    response = client.get(url(ledger, ledger.b, "2024-12-31", pdf=True), **ENGLISH)
    text = pdf_text(response.content)
    for expected in (
        "Capital account statement",
        "Shandong Guidance Fund R",  # the partner's English name
        "CNY 40,000,000.00",
        "CNY 10,000,000.00",
        "CNY 2,777,777.77",
        "CNY 10,535,714.29",
        "Unfunded commitment",
        "Share of NAV",
    ):
        assert expected in text, expected


# --- Who may read it ------------------------------------------------------------------------


def test_another_funds_manager_and_outsiders_get_nothing(client, ledger, manager_y, outsider):
    for user in (manager_y, outsider):
        client.force_login(user)
        for pdf in (False, True):
            assert client.get(url(ledger, ledger.a, pdf=pdf)).status_code == 404
    client.logout()
    for pdf in (False, True):
        response = client.get(url(ledger, ledger.a, pdf=pdf))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_analyst_reads_every_funds_statements(client, ledger, analyst):
    client.force_login(analyst)
    assert client.get(url(ledger, ledger.a, "2024-12-31")).status_code == 200


def test_the_fund_page_links_each_partners_statement_and_the_reports(client, manager_x, ledger):
    client.force_login(manager_x)
    page = client.get(f"/funds/{ledger.fund.pk}/").content.decode()
    assert url(ledger, ledger.a) in page
    assert url(ledger, ledger.b) in page
    assert f"/funds/{ledger.fund.pk}/reports/2023/Q1/" in page


def test_the_statement_takes_the_same_queries_whatever_the_number_of_rows(
    client, manager_x, ledger, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager_x)
    client.get(url(ledger, ledger.a, "2024-12-31"))  # the session and the user, once
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(ledger, ledger.a, "2024-12-31")).status_code == 200
    add_rows(ledger)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url(ledger, ledger.a, "2024-12-31")).status_code == 200
    assert len(few.captured_queries) <= 16
