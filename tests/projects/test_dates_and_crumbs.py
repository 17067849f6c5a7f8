"""Dates people type are bounded; a draft does not pretend to be in the catalogue."""

import pytest

from projects.models import Achievement
from tests.factories import member_achievement
from tests.projects.test_pages import form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("filed_on", ["2099-01-01", "1899-12-31"])
def test_a_patent_filed_in_the_future_or_before_1900_is_refused(
    client, submitter_a, alliance_a, org_a, filed_on
):
    client.force_login(submitter_a)
    response = client.post(
        "/my/achievements/new/", form_data(alliance_a, save="1", **{"ip-0-filed_on": filed_on})
    )
    assert response.status_code == 200  # the form again, with its error
    page = response.content.decode()
    assert 'data-testid="error-summary"' in page
    assert not Achievement.objects.exists()


def test_the_patent_date_picker_stops_at_today_and_1900(client, submitter_a, org_a):
    client.force_login(submitter_a)
    page = client.get("/my/achievements/new/").content.decode()
    assert 'min="1900-01-01"' in page
    assert 'name="ip-0-filed_on"' in page and 'max="' in page


def test_a_draft_leads_back_to_my_achievements_not_the_catalogue(
    client, submitter_a, org_a, alliance_a
):
    draft = member_achievement(org_a, alliance_a, status="draft")
    client.force_login(submitter_a)
    crumbs = client.get(draft.get_absolute_url()).content.decode().split('class="crumbs"')[1]
    crumbs = crumbs.split("</p>")[0]
    assert "/my/achievements/" in crumbs
    assert "/catalogue/" not in crumbs
