"""The quarterly report: figures as of the quarter's end against an independent computation,
the NAV roll-forward, the J-curve, the PDF in both languages, access and query counts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funds.statements import quarter_bounds, quarter_report, reportable_quarters
from tests.funds.ledger_fixture import add_rows, make_ledger, nav, paid_by
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

D = Decimal
CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def ledger(manager_x):
    return make_ledger([manager_x])


def url(ledger, year, quarter, pdf=False):
    return f"/funds/{ledger.fund.pk}/reports/{year}/Q{quarter}/" + ("pdf/" if pdf else "")


def test_quarter_bounds():
    assert quarter_bounds(2024, 1) == (datetime.date(2024, 1, 1), datetime.date(2024, 3, 31))
    assert quarter_bounds(2024, 4) == (datetime.date(2024, 10, 1), datetime.date(2024, 12, 31))
    with pytest.raises(ValueError):
        quarter_bounds(2024, 5)


def test_the_reportable_quarters_run_from_the_vintage_year_to_today(ledger):
    quarters = reportable_quarters(ledger.fund, datetime.date(2024, 5, 20))
    assert quarters == [(2024, 2), (2024, 1), (2023, 4), (2023, 3), (2023, 2), (2023, 1)]


@pytest.mark.parametrize(
    "year, quarter, contributions, distributed",
    [
        (2023, 1, "12000000.00", "0"),
        (2023, 2, "8000000.00", "0"),
        (2024, 1, "8000000.01", "0"),
        (2024, 2, "0", "7777777.77"),
        (2024, 3, "0", "0"),
    ],
)
def test_the_nav_rolls_forward_over_the_quarter(ledger, year, quarter, contributions, distributed):
    report = quarter_report(ledger.fund, year, quarter, today=datetime.date(2025, 1, 1))
    start, end = quarter_bounds(year, quarter)
    assert report.as_of == end and not report.to_date
    assert report.opening.nav == nav(ledger, start - datetime.timedelta(days=1))
    assert report.figures.nav == nav(ledger, end)
    assert report.contributions == D(contributions)
    assert report.distributed == D(distributed)
    assert (
        report.opening.nav + report.contributions - report.distributed + report.change_in_value
        == report.figures.nav
    )
    partners = (ledger.a.pk, ledger.b.pk)
    assert report.figures.paid_in == sum(paid_by(ledger, p, end) for p in partners)


def test_the_report_of_2024_q3(ledger):
    report = quarter_report(ledger.fund, 2024, 3, today=datetime.date(2025, 1, 1))
    assert [(call.number, paid) for call, paid in report.calls] == [(3, D("0"))]
    assert [(v.valued_on, v.fair_value) for v in report.valuations] == [
        (datetime.date(2024, 8, 15), D("21500000.00"))
    ]
    assert [row["company"] for row in report.holdings] == ["聚乳酸科技R"]  # the other was sold
    assert report.figures.nav == D("29500000.01")  # 21,500,000 held + 8,000,000.01 cash
    assert report.change_in_value == D("3500000.00")  # 18 → 21.5 million
    # The J-curve: the partners' net flow per quarter from the vintage year, cumulated.
    assert [(f.label, f.net, f.cumulative) for f in report.flows] == [
        ("2023 Q1", D("-12000000.00"), D("-12000000.00")),
        ("2023 Q2", D("-8000000.00"), D("-20000000.00")),
        ("2023 Q3", D("0"), D("-20000000.00")),
        ("2023 Q4", D("0"), D("-20000000.00")),
        ("2024 Q1", D("-8000000.01"), D("-28000000.01")),
        ("2024 Q2", D("7777777.77"), D("-20222222.24")),
        ("2024 Q3", D("0"), D("-20222222.24")),
    ]


def test_a_running_quarter_is_reported_as_of_today(ledger):
    report = quarter_report(ledger.fund, 2024, 3, today=datetime.date(2024, 8, 1))
    assert report.as_of == datetime.date(2024, 8, 1) and report.to_date
    assert report.valuations == []  # the valuation of 15 August is not known yet


def test_the_report_page_shows_the_figures_and_draws_the_j_curve(client, manager_x, ledger):
    client.force_login(manager_x)
    response = client.get(url(ledger, 2024, 3), **CHINESE)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<td class="num" data-figure="closing_nav"><strong>29,500,000.01 元</strong>' in page
    assert '<td class="num" data-figure="change_in_value">3,500,000.00 元</td>' in page
    svg = re.search(r'<svg [^>]*data-testid="jcurve".*?</svg>', page, re.S).group(0)
    polyline = re.search(r'<polyline points="([^"]+)"', svg).group(1)
    assert len(polyline.split()) == 7  # a point per quarter from 2023 Q1
    assert svg.count("<rect x=") == 4 + 2  # four quarters with a net flow, two legend keys
    assert "-2,000 万元" in svg  # the axis speaks the reader's units
    for partner in (ledger.a, ledger.b):
        assert f"/funds/{ledger.fund.pk}/partners/{partner.pk}/statement/?as_of=2024-09-30" in page


def test_the_report_pdf_reads_in_chinese(client, manager_x, ledger):
    client.force_login(manager_x)
    response = client.get(url(ledger, 2024, 3, pdf=True), **CHINESE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "先进材料产业基金R",
        "2024 Q3",
        "1 亿元",  # committed
        "3,500 万元",  # called
        "2,950 万元",  # NAV
        "777.78 万元",  # distributed
        "29,500,000.01 元",  # closing NAV in full
        "26,000,000.01 元",  # opening NAV: 18 million held + 8,000,000.01 cash
        "聚乳酸科技R",
        "中国科学院控股有限公司R",
        "山东省引导基金R",
        "1,896.43 万元",  # A's share of NAV
        "-2,000 万元",  # the J-curve's axis
    ):
        assert expected in text, expected


def test_the_report_pdf_reads_in_english(client, manager_x, ledger):
    client.force_login(manager_x)
    text = pdf_text(client.get(url(ledger, 2024, 3, pdf=True), **ENGLISH).content)
    for expected in (
        "report for 2024 Q3",
        "CNY 100 million",
        "CNY 29.5 million",
        "CNY 29,500,000.01",
        "Holdings and valuations",
        "Capital accounts",
        "PLA Tech R",  # the investee's English name
    ):
        assert expected in text, expected


@pytest.mark.parametrize(
    "year, quarter", [(2022, 4), (2999, 1), (2024, 5), (2024, 0), (10**20, 1), (0, 1)]
)
def test_there_is_no_report_outside_the_funds_quarters(client, manager_x, ledger, year, quarter):
    client.force_login(manager_x)
    assert client.get(url(ledger, year, quarter)).status_code == 404
    assert client.get(url(ledger, year, quarter, pdf=True)).status_code == 404


def test_another_funds_manager_and_the_anonymous_get_no_report(client, ledger, manager_y):
    client.force_login(manager_y)
    for pdf in (False, True):
        assert client.get(url(ledger, 2024, 3, pdf=pdf)).status_code == 404
    client.logout()
    for pdf in (False, True):
        response = client.get(url(ledger, 2024, 3, pdf=pdf))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_analyst_reads_the_report(client, ledger, analyst):
    client.force_login(analyst)
    assert client.get(url(ledger, 2024, 3)).status_code == 200


def test_the_report_takes_the_same_queries_whatever_the_number_of_rows(
    client, manager_x, ledger, django_assert_num_queries
):
    client.force_login(manager_x)
    client.get(url(ledger, 2024, 4))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(ledger, 2024, 4)).status_code == 200
    add_rows(ledger)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url(ledger, 2024, 4)).status_code == 200
    assert len(few.captured_queries) <= 22
