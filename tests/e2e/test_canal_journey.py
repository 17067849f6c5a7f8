"""The holding analyst filters the canal dashboard and follows a thread to its exit."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from funds.models import Exit, Investment
from projects import hops
from tests.canal.test_dashboard import _at, _events
from tests.e2e.test_achievement_journey import log_in
from tests.factories import (
    AllianceFactory,
    CommitmentFactory,
    DealFactory,
    FundFactory,
    MembershipFactory,
    OrganizationFactory,
    ProjectFactory,
    member_achievement,
)

pytestmark = pytest.mark.django_db(transaction=True)
D = datetime.date


def test_analyst_follows_a_thread_from_the_funnel_to_its_exit(
    new_page, language, analyst, alliance_a
):
    firm = OrganizationFactory(name="联泓E2E", name_en="", kind="enterprise")
    MembershipFactory(alliance=alliance_a, organization=firm)
    achievement = member_achievement(
        OrganizationFactory(name="大连所E2E"), alliance_a, status="accepted", title="DMTO E2E"
    )
    _events(achievement, ("submitted", D(2018, 2, 20)), ("accepted", D(2018, 3, 15)))
    project = ProjectFactory(
        achievement=achievement,
        enterprise=firm,
        started_on=D(2018, 4, 2),
        stage="market",
        industrialization_started_on=D(2018, 10, 8),
        market_launched_on=D(2019, 6, 1),
    )
    fund = FundFactory(name="产业基金E2E")
    CommitmentFactory(fund=fund, amount=Decimal("1000"))
    deal = DealFactory(fund=fund, project=project, company=firm, stage="invested")
    type(deal).objects.filter(pk=deal.pk).update(created=_at(D(2019, 6, 20)))
    investment = Investment.objects.create(
        deal=deal, fund=fund, amount=Decimal("850"), invested_on=D(2019, 10, 15)
    )
    Exit.objects.create(
        investment=investment, exited_on=D(2025, 6, 30), kind="ipo", proceeds=Decimal("2000")
    )
    # Another alliance's achievement, which the filter leaves out.
    other = member_achievement(
        OrganizationFactory(),
        AllianceFactory(name="别的联盟"),
        status="submitted",
        title="别的成果",
    )
    _events(other, ("submitted", D(2024, 1, 1)))
    hops.rebuild()  # the history above was written around the services

    page = new_page()
    log_in(page, "analyst")
    page.get_by_test_id("nav-canal").click()
    table = page.get_by_test_id("funnel-table")
    expect(table.locator("tr[data-hop=submitted] td").nth(1)).to_have_text("2")
    page.select_option("select[name=alliance]", str(alliance_a.pk))
    page.get_by_test_id("apply-filters").click()
    expect(table.locator("tr[data-hop=submitted] td").nth(1)).to_have_text("1")
    expect(table.locator("tr[data-hop=exited] td").nth(1)).to_have_text("1")
    expect(page.get_by_test_id("funnel-chart")).to_be_visible()
    # The flow diagram's band into "exited" links to the same list as the table.
    expect(page.get_by_test_id("sankey-flow-exited")).to_have_attribute(
        "href", re.compile(r"hop=exited&also=invested")
    )

    # From the funnel to the achievements that exited, then to the thread.
    page.get_by_test_id("hop-exited").click()
    expect(page.get_by_test_id("hop-achievements")).to_contain_text("DMTO E2E")
    expect(page.get_by_test_id("hop-achievements")).not_to_contain_text("别的成果")
    page.get_by_test_id(f"thread-{achievement.pk}").click()
    canal = page.get_by_test_id("canal")
    expect(canal.locator("[data-hop=exited] .hop-date")).to_have_text("2025-06-30")
    expect(canal.locator("[data-hop=invested] .hop-date")).to_have_text("2019-10-15")
    expect(canal.locator("[data-hop=industrialization] .hop-org")).to_have_text("联泓E2E")
    days = {"en": "236 days", "zh-hans": "236 天"}[language]
    expect(canal.locator("[data-hop=market] .hop-days")).to_have_text(days)
