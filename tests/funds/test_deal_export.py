"""The deal table's export: COPY-fast, yet the same columns the page showed before."""

import csv
import datetime
import io
from decimal import Decimal

from django.utils import timezone

from core.models import ExportJob
from funds.models import Deal
from tests.factories import DealFactory


def _rows(response) -> list[list[str]]:
    data = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(data)))


def test_the_deal_export_renders_labels_days_and_local_dates(client, manager_x, fund_x, project_a):
    deal = DealFactory(
        fund=fund_x,
        owner=manager_x,
        stage="due_diligence",
        source="alliance",
        project=project_a,
        pre_money_valuation=Decimal("5000000.00"),
        average_score=Decimal("3.75"),
    )
    Deal.objects.filter(pk=deal.pk).update(
        stage_changed_at=timezone.now() - datetime.timedelta(days=12, hours=3)
    )
    plain = DealFactory(fund=fund_x, owner=manager_x, stage_changed_at=None)
    deal.refresh_from_db()
    client.force_login(manager_x)
    response = client.get(f"/funds/{fund_x.pk}/deals/", {"export": "csv"})
    rows = _rows(response)
    assert rows[0][:3] == ["Company", "Stage", "Requested amount"]
    by_company = {row[0]: row for row in rows[1:]}
    assert by_company[deal.company.name_en] == [
        deal.company.name_en,  # the English reader's name of the company
        deal.get_stage_display(),
        "1000000.00",
        "5000000.00",
        deal.currency,
        manager_x.username,
        deal.get_source_display(),
        "3.75",
        str(deal.days_in_stage),
        project_a.title,
        timezone.localdate(deal.created).isoformat(),
    ]
    assert by_company[plain.company.name_en][8] == "0"  # never moved: 0 days, as the page
    assert by_company[plain.company.name_en][9] == ""


def test_the_deal_export_names_the_company_and_currency_as_its_reader_reads_them(
    client, manager_x, fund_x
):
    named = DealFactory(
        fund=fund_x, owner=manager_x, company__name="甲公司", company__name_en="A Co"
    )
    DealFactory(fund=fund_x, owner=manager_x, company__name="乙公司", company__name_en="")
    client.force_login(manager_x)
    url = f"/funds/{fund_x.pk}/deals/"
    english = _rows(client.get(url, {"export": "csv"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert sorted((row[0], row[4]) for row in english[1:]) == [("A Co", "CNY"), ("乙公司", "CNY")]
    chinese = _rows(client.get(url, {"export": "csv"}, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert sorted((row[0], row[4]) for row in chinese[1:]) == [("乙公司", "元"), ("甲公司", "元")]
    assert named.currency == "CNY"


def test_the_deal_export_keeps_the_tables_filter_and_goes_to_a_job_when_big(
    client, settings, manager_x, fund_x, fund_y
):
    DealFactory(fund=fund_x, owner=manager_x, stage="screening")
    DealFactory(fund=fund_x, owner=manager_x, stage="sourced")
    DealFactory(fund=fund_y)
    client.force_login(manager_x)
    rows = _rows(client.get(f"/funds/{fund_x.pk}/deals/", {"export": "csv", "stage": "screening"}))
    assert [row[1] for row in rows[1:]] == ["Screening"]
    settings.EXPORT_TASK_ROWS = 1
    response = client.get(f"/funds/{fund_x.pk}/deals/", {"export": "xlsx"})
    job = ExportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.rows_done == 2 and job.format == "xlsx"
    assert client.get(f"/funds/{fund_y.pk}/deals/", {"export": "csv"}).status_code == 404
