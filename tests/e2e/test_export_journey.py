"""The analyst's big export goes to the worker: the page's bar fills up, then the file."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

from core.models import ExportJob
from members.choices import MembershipRole
from tests.e2e.test_achievement_journey import log_in
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_a_big_export_shows_its_progress_and_offers_the_file(
    new_page, language, settings, analyst, alliance_a, alliance_b
):
    settings.TASKS = DB_TASKS  # the request only queues; the worker below runs the job
    settings.EXPORT_TASK_ROWS = 1
    # No English name: both readers get the Chinese one, whose comma the CSV must quote.
    unit = OrganizationFactory(name="导出E2E, 单位", name_en="", kind="enterprise")
    MembershipFactory(alliance=alliance_a, organization=unit, role=MembershipRole.GOVERNING)
    MembershipFactory(alliance=alliance_b, organization=unit)

    page = new_page()
    log_in(page, "analyst")
    page.get_by_test_id("nav-holding").click()
    page.goto("/holding/organizations/")
    page.get_by_test_id("export-csv").click()
    job_section = page.get_by_test_id("export-job")
    expect(job_section).to_have_attribute("data-status", "queued")
    expect(page.get_by_test_id("job-download")).to_be_hidden()
    job = ExportJob.objects.get()
    assert job.language == language

    # The worker, as `manage.py db_worker` runs it beside the web server.
    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
    )

    with translation.override(language):
        ready = translation.gettext("ready")
        headers = [translation.gettext("Organisation"), translation.gettext("Kind")]
    expect(job_section).to_have_attribute("data-status", "done", timeout=20_000)
    expect(page.get_by_test_id("job-state")).to_have_text(ready)
    expect(page.get_by_test_id("job-progress")).to_have_js_property("value", 100)
    with page.expect_download() as info:
        page.get_by_test_id("job-download").click()
    download = info.value
    assert download.suggested_filename == "organisation-roles.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith(",".join(headers))
    assert '"导出E2E, 单位"' in text
