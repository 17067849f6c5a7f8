"""Open a project, move it to industrialization, tick a milestone, add a product, see the canal."""

import pytest
from playwright.sync_api import expect

from projects.models import Product, Project
from tests.e2e.test_achievement_journey import log_in
from tests.factories import ContactFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

STAGE = {
    "en": {"pilot": "Pilot scale-up", "industrialization": "Industrialization"},
    "zh-hans": {"pilot": "中试放大", "industrialization": "产业化"},
}


def test_project_from_accepted_achievement_to_product_and_canal(
    new_page, language, secretariat_a, accepted_a, alliance_a
):
    levima = OrganizationFactory(name="联泓新材料E2E", name_en="", kind="enterprise")
    MembershipFactory(alliance=alliance_a, organization=levima)
    ContactFactory(organization=levima, user=UserFactory(username="ent_e2e"))

    # The secretariat opens a project from the accepted achievement.
    secretary = new_page()
    log_in(secretary, "sec_a")
    secretary.goto(f"/achievements/{accepted_a.pk}/")
    secretary.get_by_test_id("open-project").click()
    secretary.select_option("#id_enterprise", label="联泓新材料E2E")
    secretary.fill("#id_planned_capacity", "300000")
    secretary.fill("#id_budget", "850000000")
    secretary.get_by_test_id("project-form").locator("button[type=submit]").click()
    expect(secretary.get_by_test_id("project-stage")).to_have_text(STAGE[language]["pilot"])
    project = Project.objects.get()

    # It adds a milestone for the enterprise and moves the project to industrialization.
    secretary.get_by_test_id("milestone-form").locator("xpath=..").locator("summary").click()
    secretary.fill("#id_title", "工业装置投料试车")
    secretary.fill("#id_due_on", "2030-06-30")
    secretary.get_by_test_id("milestone-form").locator("button[type=submit]").click()
    secretary.select_option("#id_stage", "industrialization")
    secretary.fill("#id_comment", "中试完成")
    secretary.get_by_test_id("move").click()
    expect(secretary.get_by_test_id("project-stage")).to_have_text(
        STAGE[language]["industrialization"]
    )

    # The enterprise's user ticks the milestone done and adds a product.
    firm = new_page()
    log_in(firm, "ent_e2e")
    firm.get_by_test_id("nav-projects").click()
    firm.get_by_test_id("projects").get_by_role("link", name=project.title).click()
    milestone = project.milestones.get()
    firm.get_by_test_id(f"done-{milestone.pk}").click()
    expect(firm.get_by_test_id(f"done-{milestone.pk}")).to_have_count(0)
    milestone.refresh_from_db()
    assert milestone.done_on is not None
    firm.get_by_test_id("product-form").locator("xpath=..").locator("summary").click()
    firm.fill("#id_name", "FL02528 光伏胶膜料")
    firm.fill("#id_annual_output", "60000")
    firm.fill("#id_domestic_market_share", "20")
    firm.check("#id_replaces_import")
    firm.fill("#id_replaced_product", "进口光伏级 EVA 胶膜料")
    firm.get_by_test_id("product-form").locator("button[type=submit]").click()
    expect(firm.get_by_test_id("products")).to_contain_text("进口光伏级 EVA 胶膜料")
    assert Product.objects.get().enterprise == levima

    # The achievement's canal page shows the hops.
    firm.get_by_test_id("canal-link").click()
    canal = firm.get_by_test_id("canal")
    expect(canal.locator("[data-hop=pilot] .hop-date")).to_be_visible()
    expect(canal.locator("[data-hop=industrialization] .hop-org")).to_have_text("联泓新材料E2E")
    expect(canal.locator("[data-hop=accepted]")).to_be_visible()
