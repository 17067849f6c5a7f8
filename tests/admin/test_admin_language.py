"""The admin in the reader's language: import/export columns, stored codes, names with an
English version, Django's users and groups, the libraries' pages."""

import csv
import io

import pytest
import tablib
from django.contrib.auth.models import Group
from django.utils import translation

from members.choices import MembershipRole, MembershipStatus
from members.models import MembershipEvent, Organization
from members.resources import MembershipResource, OrganizationResource
from projects.choices import Cooperation
from tests.factories import MembershipFactory, make_credit_code

ZH = "zh-hans"


def _read_as(client, user, language):
    client.force_login(user)
    client.cookies.load({"django_language": language})
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language


def _rows(response) -> list[list[str]]:
    data = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(data)))


# --- Import and export ------------------------------------------------------------------------


def test_the_export_form_names_the_columns_and_formats_in_chinese(client, secretariat_a, org_a):
    _read_as(client, secretariat_a, ZH)
    page = client.get("/admin/members/organization/export/").content.decode()
    assert "统一社会信用代码" in page and "英文名称" in page and "全选" in page
    assert "Credit Code" not in page and "Name En" not in page
    assert ">CSV<" in page and ">csv<" not in page
    page = client.get("/admin/members/membership/import/").content.decode()
    assert "任期结束" in page and "term_end" not in page


def test_a_chinese_export_is_headed_in_chinese_and_imports_again(client, secretariat_a, org_a):
    _read_as(client, secretariat_a, ZH)
    fields = {f"organizationresource_{name}": "on" for name in ("name", "kind", "credit_code")}
    rows = _rows(
        client.post(
            "/admin/members/organization/export/", {"format": "0", "resource": "0", **fields}
        )
    )
    assert rows[0] == ["名称", "类型", "统一社会信用代码"]
    before = Organization.objects.count()
    rows[1][0] = "大连化物所（更名）"  # same credit code: the same organisation, renamed
    result = OrganizationResource(user=secretariat_a).import_data(
        tablib.Dataset(*rows[1:], headers=rows[0]), dry_run=False
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert Organization.objects.get(pk=org_a.pk).name == "大连化物所（更名）"
    assert Organization.objects.count() == before  # matched, not duplicated


def test_an_import_reads_english_headers_documented_or_labelled(secretariat_a, alliance_a):
    dataset = tablib.Dataset(headers=["name", "English name", "Kind", " credit_code "])
    dataset.append(["全新单位", "New Unit", "enterprise", make_credit_code(77)])
    result = OrganizationResource(user=secretariat_a).import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Organization.objects.get(name="全新单位").name_en == "New Unit"


def test_export_headers_follow_the_readers_language():
    with translation.override(ZH):
        assert MembershipResource().get_export_headers()[:3] == ["联盟", "单位", "统一社会信用代码"]
    with translation.override("en"):
        assert OrganizationResource().get_export_headers()[:2] == ["name", "English name"]


def test_import_exports_garbled_header_is_ours_in_chinese():
    with translation.override(ZH):
        assert translation.gettext("Some rows failed to validate") == "部分行数据验证未通过"


# --- Stored codes by their labels ----------------------------------------------------------------


def test_a_membership_event_shows_roles_and_statuses_by_their_names(
    client, superuser, alliance_a, org_a
):
    membership = MembershipFactory(alliance=alliance_a, role=MembershipRole.CHAIRMAN)
    event = MembershipEvent.objects.create(
        membership=membership,
        from_status="",
        to_status=MembershipStatus.ACTIVE,
        from_role=MembershipRole.GOVERNING,
        to_role=MembershipRole.CHAIRMAN,
    )
    _read_as(client, superuser, "en")
    page = client.get(f"/admin/members/membershipevent/{event.pk}/change/").content.decode()
    assert "Governing unit" in page and "Chairman unit" in page
    assert ">governing<" not in page and ">chairman<" not in page


def test_an_achievement_shows_its_cooperation_and_events_by_their_names(
    client, superuser, accepted_a
):
    accepted_a.cooperation = [Cooperation.LICENCE, Cooperation.EQUITY]
    accepted_a.save(update_fields=["cooperation"])
    accepted_a.events.create(from_status="submitted", to_status="accepted")
    _read_as(client, superuser, ZH)
    page = client.get(f"/admin/projects/achievement/{accepted_a.pk}/change/").content.decode()
    with translation.override(ZH):
        assert f"{Cooperation.LICENCE.label}、{Cooperation.EQUITY.label}" in page
    assert "licence" not in page and "equity" not in page
    assert ">accepted<" not in page and ">submitted<" not in page


# --- Names in the reader's language --------------------------------------------------------------


def test_english_readers_of_the_admin_read_english_names(client, secretariat_a, org_a):
    _read_as(client, secretariat_a, "en")
    for url in ("/admin/members/organization/", "/admin/members/membership/"):
        page = client.get(url).content.decode()
        assert org_a.name_en in page and org_a.name not in page, url
    _read_as(client, secretariat_a, ZH)
    assert org_a.name in client.get("/admin/members/organization/").content.decode()


# --- Django's users and groups, the libraries' pages ---------------------------------------------


def test_permissions_are_named_in_chinese_and_no_password_hash_is_shown(client, superuser):
    _read_as(client, superuser, ZH)
    group = Group.objects.get(name="Secretariat")
    page = client.get(f"/admin/auth/group/{group.pk}/change/").content.decode()
    assert "可查看联盟" in page and "Can view alliance" not in page
    page = client.get(f"/admin/auth/user/{superuser.pk}/change/").content.decode()
    assert "md5" not in page and "salt" not in page.lower()


def test_the_libraries_apps_read_in_chinese(client, superuser):
    _read_as(client, superuser, ZH)
    page = client.get("/admin/").content.decode()
    assert "登录防护" in page and "后台任务" in page
    assert "Axes" not in page and "Database Backend" not in page


@pytest.mark.parametrize("language", [ZH, "en"])
def test_axes_records_are_named_in_the_readers_language(client, superuser, language):
    from axes.models import AccessLog

    log = AccessLog.objects.create(
        username="someone", user_agent="<unknown>", http_accept="<unknown>", path_info="/"
    )
    _read_as(client, superuser, language)
    page = client.get(f"/admin/axes/accesslog/{log.pk}/change/").content.decode()
    assert "&lt;unknown&gt;" not in page and "Access Log for" not in page


@pytest.mark.parametrize("language", [ZH, "en"])
def test_task_results_are_listed_in_the_readers_language(client, superuser, language):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    result = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="core.tasks.run_job",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )
    _read_as(client, superuser, language)
    listing = client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()
    page = client.get(
        f"/admin/django_tasks_database/dbtaskresult/{result.pk}/change/"
    ).content.decode()
    if language == ZH:
        assert "任务名称" in listing and "Task name" not in listing
        assert "错误堆栈" in page and "最早执行时间" in page and "run after" not in page
        assert "DBTaskResult object" not in page
    else:
        assert "task name" in listing.lower() and "run after" in page.lower()


def test_a_chinese_import_check_names_refused_values_by_their_columns(client, secretariat_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.models import ExportJob

    _read_as(client, secretariat_a, ZH)
    content = "名称,类型,统一社会信用代码\n坏代码单位,enterprise,91350100M000100Y44\n".encode()
    client.post(
        "/admin/members/organization/import/",
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("单位.csv", content)},
    )
    errors = ExportJob.objects.get().report["refused"][0]["errors"]
    assert any(
        error.startswith("统一社会信用代码：") or error.startswith("统一社会信用代码:")
        for error in errors
    )
    assert not any(error.startswith("credit_code") for error in errors)
