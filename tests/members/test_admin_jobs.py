"""The admin's Import/Export: exports stream the import's own format, big ones and all
imports run as jobs, refused rows are listed with their reasons before anything is saved."""

import csv
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from core.models import ExportJob, ExportJobStatus
from members.choices import MembershipRole
from members.models import Membership, Organization
from members.resources import MembershipResource, OrganizationResource
from tests.factories import MembershipFactory, OrganizationFactory, make_credit_code

EXPORT = "/admin/members/membership/export/"
ALL_FIELDS = {
    f"membershipresource_{name}": "on"
    for name in (
        "alliance",
        "organization",
        "credit_code",
        "kind",
        "role",
        "status",
        "term_start",
        "term_end",
        "joined_on",
        "withdrawal_reason",
    )
}


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def memberships(alliance_a, org_a):
    tricky = OrganizationFactory(name='逗号, "引号"\n换行', kind="enterprise", credit_code="")
    MembershipFactory(alliance=alliance_a, organization=tricky, role=MembershipRole.GOVERNING)
    return Membership.objects.filter(alliance=alliance_a)


def test_the_streamed_admin_export_equals_django_import_exports_own(
    client, secretariat_a, memberships
):
    client.force_login(secretariat_a)
    response = client.post(EXPORT, {"format": "0", "resource": "0", **ALL_FIELDS})
    assert response.status_code == 200 and response.streaming
    ours = _rows(b"".join(response.streaming_content))
    legacy = MembershipResource(user=secretariat_a).export(queryset=memberships.order_by("-pk"))
    theirs = list(csv.reader(io.StringIO(legacy.csv)))
    assert ours[0] == theirs[0]
    assert sorted(ours[1:]) == sorted(theirs[1:])
    assert any(row[1] == '逗号, "引号"\n换行' and row[4] == "governing" for row in ours)


def test_the_admin_export_keeps_only_the_ticked_columns_and_the_changelist_filter(
    client, secretariat_a, memberships, alliance_a
):
    client.force_login(secretariat_a)
    response = client.post(
        f"{EXPORT}?role__exact=governing",
        {
            "format": "0",
            "resource": "0",
            "membershipresource_organization": "on",
            "membershipresource_role": "on",
        },
    )
    rows = _rows(b"".join(response.streaming_content))
    # headed by the columns' labels in the reader's language (English here)
    assert rows == [["organisation", "role"], ['逗号, "引号"\n换行', "governing"]]


@pytest.mark.parametrize(("fmt", "index"), [("csv", "0"), ("xlsx", "1")])
def test_a_big_admin_export_is_a_job_for_its_requester(
    client, settings, secretariat_a, secretariat_b, memberships, fmt, index
):
    client.force_login(secretariat_a)
    direct = b"".join(
        client.post(EXPORT, {"format": index, "resource": "0", **ALL_FIELDS}).streaming_content
    )
    settings.EXPORT_TASK_ROWS = 1
    response = client.post(EXPORT, {"format": index, "resource": "0", **ALL_FIELDS})
    job = ExportJob.objects.get()
    assert response["Location"] == f"/exports/{job.pk}/"
    assert job.status == ExportJobStatus.DONE and job.rows_done == 2
    download = b"".join(client.get(f"/exports/{job.pk}/download/").streaming_content)
    if fmt == "csv":
        assert download == direct
    else:
        workbook = load_workbook(io.BytesIO(download))
        assert list(workbook.active.values) == list(load_workbook(io.BytesIO(direct)).active.values)
    client.force_login(secretariat_b)
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404


def _upload(client, url, name, content: bytes, fmt="0"):
    return client.post(
        url,
        {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, content)},
    )


def test_an_admin_import_job_lists_each_refused_row_and_saves_nothing(client, secretariat_a):
    client.force_login(secretariat_a)
    content = (
        "name,kind,credit_code\n"
        f"好单位,enterprise,{make_credit_code(5)}\n"
        "坏代码单位,enterprise,91350100M000100Y44\n"
        "坏类型单位,spaceship,\n"
    ).encode()
    response = _upload(client, "/admin/members/organization/import/", "orgs.csv", content)
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ExportJobStatus.DONE
    refused = {row["row"]: row for row in job.report["refused"]}
    assert set(refused) == {2, 3}
    # each refused value named by its column's label in the reader's language (English here)
    assert any(error.startswith("unified social credit code:") for error in refused[2]["errors"])
    assert any(error.startswith("kind:") for error in refused[3]["errors"])
    assert not Organization.objects.exists()
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert "2 rows were refused" in page and "spaceship" in page
    assert 'data-testid="confirm-import"' not in page
    assert client.post(f"/exports/{job.pk}/confirm/").status_code == 302
    assert ExportJob.objects.count() == 1  # nothing to confirm
    assert not Organization.objects.exists()
    assert not default_storage.exists(job.params["file"])  # no use for it any more


def test_an_xlsx_membership_import_in_batches_is_checked_then_saved(
    client, monkeypatch, secretariat_a, secretariat_b, alliance_a, org_a
):
    from core import admin_jobs

    monkeypatch.setattr(admin_jobs, "BATCH_ROWS", 2)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["alliance", "organization", "credit_code", "kind", "role"])
    for n in range(5):
        sheet.append([alliance_a.slug, f"新单位{n}", "", "enterprise", "member"])
    sheet.append([alliance_a.slug, org_a.name, "", "", "governing"])
    data = io.BytesIO()
    workbook.save(data)
    client.force_login(secretariat_a)
    _upload(client, "/admin/members/membership/import/", "m.xlsx", data.getvalue(), fmt="1")
    check = ExportJob.objects.get()
    assert check.report["totals"] == {"new": 5, "update": 1, "skip": 0, "delete": 0}
    assert check.report["rows"] == 6 and not check.report["refused"]
    assert not Organization.objects.filter(name__startswith="新单位").exists()

    client.force_login(secretariat_b)  # someone else may not carry it out
    assert client.post(f"/exports/{check.pk}/confirm/").status_code == 404
    client.force_login(secretariat_a)
    client.post(f"/exports/{check.pk}/confirm/")
    client.post(f"/exports/{check.pk}/confirm/")  # a double click: one import
    assert ExportJob.objects.count() == 2
    saved = ExportJob.objects.exclude(pk=check.pk).get()
    assert saved.report["confirmed"] is True
    assert Organization.objects.filter(name__startswith="新单位").count() == 5
    assert Membership.objects.get(organization=org_a).role == MembershipRole.GOVERNING
    assert not default_storage.exists(check.params["file"])


def test_a_confirmed_import_that_meets_a_refused_row_saves_nothing(
    client, secretariat_a, alliance_a, alliance_b
):
    client.force_login(secretariat_a)
    content = f"alliance,organization,kind\n{alliance_a.slug},第一单位,enterprise\n".encode()
    _upload(client, "/admin/members/membership/import/", "m.csv", content)
    check = ExportJob.objects.get()
    assert not check.report["refused"]
    # The data change between the check and the confirmation: the alliance is no longer served.
    alliance_a.secretariat.remove(secretariat_a)
    client.post(f"/exports/{check.pk}/confirm/")
    saved = ExportJob.objects.exclude(pk=check.pk).get()
    assert saved.status == ExportJobStatus.DONE
    assert saved.report["confirmed"] is False and saved.report["refused_count"] == 1
    assert not Organization.objects.filter(name="第一单位").exists()


def test_resource_imports_still_report_refusals_directly(secretariat_a):
    import tablib

    dataset = tablib.Dataset(headers=["name", "kind"])
    dataset.append(["坏类型单位", "spaceship"])
    result = OrganizationResource(user=secretariat_a).import_data(dataset, dry_run=True)
    assert [row.number for row in result.invalid_rows] == [1]
