"""Exports: streamed below the threshold, a background job above it, the same bytes either way."""

import csv
import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone, translation
from openpyxl import load_workbook

from core import exports
from core.jobs import ProgressWriter, create_job
from core.models import ExportJob, ExportJobStatus
from core.xlsx import XlsxWriter
from members import roles
from members.choices import MembershipRole
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

URL = "/holding/organizations/"
TRICKY = 'Comma, "quote" and\nnewline 单位'


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


@pytest.fixture
def two_alliance_units(alliance_a, alliance_b):
    # Names entered in Chinese only: every reader sees them as entered.
    for alliance in (alliance_a, alliance_b):
        alliance.name_en = ""
        alliance.save()
    tricky = OrganizationFactory(name=TRICKY, name_en="", kind="enterprise")
    MembershipFactory(alliance=alliance_a, organization=tricky, role=MembershipRole.GOVERNING)
    MembershipFactory(alliance=alliance_b, organization=tricky)
    plain = OrganizationFactory(name="普通单位", name_en="", kind="institute")
    MembershipFactory(alliance=alliance_a, organization=plain)
    return tricky, plain


@pytest.fixture
def other_analyst():
    return UserFactory(username="analyst2", groups=[roles.HOLDING_ANALYST])


def _export_as_job(client, settings, fmt="csv", **params) -> ExportJob:
    settings.EXPORT_TASK_ROWS = 1
    response = client.get(URL, {"export": fmt, **params})
    assert response.status_code == 302, response
    job = ExportJob.objects.get()
    assert response["Location"] == f"/exports/{job.pk}/"
    return job


def test_a_big_export_goes_to_a_job_that_only_its_requester_downloads(
    client, settings, analyst, other_analyst, two_alliance_units
):
    client.force_login(analyst)
    job = _export_as_job(client, settings)
    assert job.requested_by == analyst
    assert job.status == ExportJobStatus.DONE
    assert (job.rows_done, job.rows_total) == (3, 3)
    assert abs(job.expires - job.created - datetime.timedelta(hours=24)).total_seconds() < 60
    page = client.get(f"/exports/{job.pk}/")
    assert page.status_code == 200
    assert f'href="/exports/{job.pk}/download/"' in page.content.decode()
    download = client.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200
    assert "organisation-roles.csv" in download["Content-Disposition"]
    rows = csv_rows(body(download))
    assert rows[0] == ["Organisation", "Kind", "Alliance", "Role"]
    assert rows[1] == [TRICKY, "Enterprise", "先进材料联盟A", "Governing unit"]

    client.force_login(other_analyst)
    for path in ("", "status/", "download/"):
        assert client.get(f"/exports/{job.pk}/{path}").status_code == 404
    client.logout()
    assert client.get(f"/exports/{job.pk}/download/").status_code == 302  # to the login


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_jobs_file_holds_the_same_rows_as_the_streamed_export(
    client, settings, analyst, two_alliance_units, fmt
):
    client.force_login(analyst)
    settings.EXPORT_TASK_ROWS = 1000
    direct = client.get(URL, {"export": fmt})
    assert direct.status_code == 200 and direct.streaming
    job = _export_as_job(client, settings, fmt)
    stored = default_storage.open(job.file.name).read()
    if fmt == "csv":
        assert stored == body(direct)
        rows = csv_rows(stored)
        assert b"\x00" not in stored
    else:
        rows = xlsx_rows(stored)
        assert rows == xlsx_rows(body(direct))
    assert [tuple(r) for r in rows][1:] == [
        (TRICKY, "Enterprise", "先进材料联盟A", "Governing unit"),
        (TRICKY, "Enterprise", "洁净能源联盟B", "Member"),
        ("普通单位", "Research institute", "先进材料联盟A", "Member"),
    ]


def test_headers_and_labels_follow_the_requesters_language(
    client, settings, analyst, two_alliance_units
):
    client.force_login(analyst)
    settings.EXPORT_TASK_ROWS = 1
    with translation.override("zh-hans"):
        response = client.get(URL, {"export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
        expected = [
            translation.gettext("Organisation"),
            translation.gettext("Kind"),
            translation.gettext("Alliance"),
            translation.gettext("Role"),
        ]
        governing = str(MembershipRole.GOVERNING.label)
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.language == "zh-hans"
    rows = xlsx_rows(default_storage.open(job.file.name).read())
    assert list(rows[0]) == expected
    assert rows[1][3] == governing


def test_the_status_endpoint_reports_progress_as_json(client, analyst):
    job = create_job(
        user=analyst, kind="canal.organization_roles", title="T", fmt="csv", params={}, total=400
    )
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJobStatus.RUNNING, rows_done=100)
    client.force_login(analyst)
    response = client.get(f"/exports/{job.pk}/status/")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    data = response.json()
    assert data["status"] == "running"
    assert (data["rows_done"], data["rows_total"], data["percent"]) == (100, 400, 25)
    assert data["ready"] is False and data["download_url"] is None
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404  # not ready


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_at_once_from_another_connection(analyst):
    job = create_job(user=analyst, kind="k", title="T", fmt="csv", params={}, total=10)
    progress = ProgressWriter(job.pk, every=0)
    try:
        progress(7)
    finally:
        progress.close()
    job.refresh_from_db()
    assert job.rows_done == 7


def test_an_expired_export_answers_410_and_the_cleanup_removes_it(
    client, settings, analyst, two_alliance_units
):
    client.force_login(analyst)
    job = _export_as_job(client, settings)
    name = job.file.name
    assert default_storage.exists(name)
    ExportJob.objects.filter(pk=job.pk).update(expires=timezone.now() - datetime.timedelta(1))
    assert client.get(f"/exports/{job.pk}/download/").status_code == 410
    assert client.get(f"/exports/{job.pk}/").status_code == 410
    call_command("delete_expired_exports", stdout=io.StringIO())
    job.refresh_from_db()
    assert not job.file and not default_storage.exists(name)
    assert client.get(f"/exports/{job.pk}/download/").status_code == 410
    ExportJob.objects.filter(pk=job.pk).update(expires=timezone.now() - datetime.timedelta(8))
    call_command("delete_expired_exports", stdout=io.StringIO())
    assert not ExportJob.objects.exists()


def test_a_job_whose_export_fails_says_so(client, settings, analyst, two_alliance_units):
    client.force_login(analyst)
    analyst.groups.clear()  # no longer an analyst when the worker builds the file
    job = create_job(user=analyst, kind="canal.organization_roles", title="T", fmt="csv", params={})
    from core.tasks import run_export_job

    run_export_job.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJobStatus.FAILED
    assert "analysts" in job.error
    assert not job.file
    assert client.get(f"/exports/{job.pk}/status/").json()["error"] == job.error


def test_anonymous_exports_always_stream(client, settings, alliance_a, project_a):
    from tests.factories import ProductFactory

    ProductFactory(project=project_a, name="胶膜, 光伏", replaced_product='进口 "EVA"')
    ProductFactory(project=project_a, name="薄膜")
    settings.EXPORT_TASK_ROWS = 1
    response = client.get("/import-substitution/", {"export": "csv"})
    assert response.status_code == 200
    rows = csv_rows(body(response))
    assert rows[0][0] == "Product"
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"胶膜, 光伏", "薄膜"}
    assert by_name["胶膜, 光伏"][4] == '进口 "EVA"'
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_run_a_fixed_number_of_queries(
    client, settings, analyst, alliance_a, django_assert_max_num_queries, fmt
):
    client.force_login(analyst)
    settings.EXPORT_TASK_ROWS = 1_000_000
    for count in (3, 30):
        for _ in range(count):
            MembershipFactory(alliance=alliance_a)
        with django_assert_max_num_queries(8):
            assert len(body(client.get(URL, {"export": fmt}))) > 0
        settings.EXPORT_TASK_ROWS = 1
        with django_assert_max_num_queries(16):
            assert client.get(URL, {"export": fmt}).status_code == 302
        settings.EXPORT_TASK_ROWS = 1_000_000


def test_an_unknown_kind_is_refused(analyst):
    with pytest.raises(LookupError):
        exports.build("no.such.export", analyst, {})


# --- The XLSX writer ------------------------------------------------------------------------


def test_the_xlsx_writer_writes_plain_values_openpyxl_reads_back():
    output = io.BytesIO()
    writer = XlsxWriter(output, ["名称", "n", "when"], title="a/b:c")
    writer.append(['a, "b"\n<c> & d\x01', 5, datetime.date(2024, 2, 3)])
    writer.append([None, 1.5, datetime.datetime(2024, 1, 1, 12, 30)])
    writer.append([True, -2, " leading space"])
    writer.close()
    workbook = load_workbook(io.BytesIO(output.getvalue()))
    assert workbook.sheetnames == ["a b c"]
    assert list(workbook.active.iter_rows(values_only=True)) == [
        ("名称", "n", "when"),
        ('a, "b"\n<c> & d', 5, datetime.datetime(2024, 2, 3)),
        (None, 1.5, datetime.datetime(2024, 1, 1, 12, 30)),
        (True, -2, " leading space"),
    ]


def test_the_xlsx_writer_goes_on_in_a_new_sheet_past_excels_row_limit(monkeypatch):
    from core import xlsx

    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    output = io.BytesIO()
    writer = xlsx.XlsxWriter(output, ["n"], title="Rows")
    for n in range(5):
        writer.append([n])
    writer.close()
    workbook = load_workbook(io.BytesIO(output.getvalue()))
    assert workbook.sheetnames == ["Rows", "Rows (2)", "Rows (3)"]
    assert [[c.value for c in row] for row in workbook["Rows (2)"].iter_rows()] == [
        ["n"],
        [2],
        [3],
    ]


def test_the_organisation_roles_export_keeps_the_pages_filters(client, analyst, two_alliance_units):
    client.force_login(analyst)
    several = csv_rows(body(client.get(URL, {"export": "csv", "several": "1"})))
    assert [row[0] for row in several[1:]] == [TRICKY, TRICKY]
    searched = csv_rows(body(client.get(URL, {"export": "csv", "q": "普通"})))
    assert [row[0] for row in searched[1:]] == ["普通单位"]
