import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from funds.models import Deal
from funds.services import deal_refer_from_project
from members.choices import MembershipRole
from tests.factories import (
    CommitmentFactory,
    FundFactory,
    MembershipFactory,
    OrganizationFactory,
    ProductFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


# --- Hand-over to the fund -------------------------------------------------------------------


@pytest.fixture
def fund(fund_manager):
    fund = FundFactory(name="先进材料产业基金", team=[fund_manager])
    CommitmentFactory(fund=fund)
    return fund


@pytest.fixture
def industrializing(project_a):
    project_a.stage = "industrialization"
    project_a.industrialization_started_on = datetime.date(2024, 6, 1)
    project_a.save()
    return project_a


def test_the_secretariat_refers_a_project_to_a_fund(
    secretariat_a, fund, fund_manager, industrializing
):
    deal = deal_refer_from_project(
        project=industrializing, fund=fund, actor=secretariat_a, requested_amount=Decimal("5000000")
    )
    assert (deal.stage, deal.project, deal.company) == (
        "sourced",
        industrializing,
        industrializing.enterprise,
    )
    assert deal.owner == fund_manager  # the fund's team takes it
    assert "Referred" in deal.events.get().comment


def test_a_project_in_pilot_is_not_referred_yet(secretariat_a, fund, project_a):
    with pytest.raises(ValidationError):
        deal_refer_from_project(
            project=project_a, fund=fund, actor=secretariat_a, requested_amount=Decimal("1")
        )


def test_a_project_is_referred_to_a_fund_once(secretariat_a, fund, industrializing):
    deal_refer_from_project(
        project=industrializing, fund=fund, actor=secretariat_a, requested_amount=Decimal("1")
    )
    with pytest.raises(ValidationError):
        deal_refer_from_project(
            project=industrializing, fund=fund, actor=secretariat_a, requested_amount=Decimal("1")
        )
    assert Deal.objects.count() == 1


def test_another_alliance_cannot_refer_the_project(secretariat_b, fund, industrializing):
    with pytest.raises(PermissionDenied):
        deal_refer_from_project(
            project=industrializing, fund=fund, actor=secretariat_b, requested_amount=Decimal("1")
        )


def test_refer_through_the_page_and_the_deal_shows_the_thread(
    client, secretariat_a, fund_manager, fund, industrializing
):
    client.force_login(secretariat_a)
    page = client.get(f"/projects/{industrializing.pk}/").content.decode()
    assert 'data-testid="refer-form"' in page
    response = client.post(
        f"/projects/{industrializing.pk}/refer/",
        {"fund": fund.pk, "requested_amount": "3000000", "comment": ""},
    )
    assert response.status_code == 302
    deal = Deal.objects.get()
    client.force_login(fund_manager)
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert industrializing.achievement.title in page
    assert f"/achievements/{industrializing.achievement_id}/canal/" in page


def test_refer_through_the_api(api, fund_manager, fund, industrializing):
    response = api.as_user(fund_manager).post(
        f"/api/v1/projects/{industrializing.pk}/refer/",
        {"fund": fund.pk, "requested_amount": "100.00"},
    )
    assert response.status_code == 201, response.data
    assert response.data["stage"] == "sourced"
    bad = api.post(
        f"/api/v1/projects/{industrializing.pk}/refer/", {"fund": fund.pk, "requested_amount": "-1"}
    )
    assert bad.status_code == 400


# --- The holding's views ---------------------------------------------------------------------


def test_holding_overview_counts_every_alliance(client, analyst, alliance_a, alliance_b, project_a):
    MembershipFactory(alliance=alliance_a, role=MembershipRole.GOVERNING)
    ProductFactory(project=project_a)
    client.force_login(analyst)
    response = client.get("/holding/")
    rows = {row["alliance"].pk: row for row in response.context["rows"]}
    assert rows[alliance_a.pk]["members"] == 3  # org_a, the enterprise, the governing unit
    assert rows[alliance_a.pk]["governing"] == 1
    assert rows[alliance_a.pk]["products"] == 1
    assert rows[alliance_a.pk]["substituting"] == 1
    assert rows[alliance_b.pk].get("products") is None


@pytest.mark.parametrize("url", ["/holding/", "/holding/organizations/"])
def test_the_holding_views_are_for_analysts(client, secretariat_a, url):
    client.force_login(secretariat_a)
    assert client.get(url).status_code == 403


def test_an_organisation_governs_one_alliance_and_joins_another(
    client, analyst, alliance_a, alliance_b
):
    unit = OrganizationFactory(name="双联盟单位", name_en="")
    MembershipFactory(alliance=alliance_a, organization=unit, role=MembershipRole.GOVERNING)
    MembershipFactory(alliance=alliance_b, organization=unit, role=MembershipRole.MEMBER)
    client.force_login(analyst)
    page = client.get("/holding/organizations/", {"several": "1"}).content.decode()
    assert "双联盟单位" in page
    assert "Governing unit" in page and "Member" in page
    export = client.get("/holding/organizations/", {"export": "csv", "q": "双联盟"})
    lines = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 3  # header + one row per alliance


def test_import_substitution_board(client, alliance_a, project_a):
    ProductFactory(project=project_a, name="光伏胶膜料", replaced_product="进口 EVA 胶膜")
    ProductFactory(project=project_a, name="普通产品", replaces_import=False, replaced_product="")
    page = client.get("/import-substitution/").content.decode()
    assert "光伏胶膜料" in page and "进口 EVA 胶膜" in page
    assert "普通产品" not in page
    assert (
        client.get("/import-substitution/", {"field": "bogus", "alliance": "x"}).status_code == 200
    )


@pytest.mark.parametrize(
    ("url", "persona"),
    [
        ("/holding/", "analyst"),
        ("/holding/organizations/", "analyst"),
        ("/holding/organizations/?ordering=kind", "analyst"),
        ("/import-substitution/", None),
        ("/import-substitution/?ordering=-enterprise", None),
    ],
)
def test_the_holding_tables_run_a_fixed_number_of_queries(
    request, client, alliance_a, accepted_a, django_assert_max_num_queries, url, persona
):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    for count in (3, 27):
        for _ in range(count):
            organization = OrganizationFactory(kind="enterprise")
            MembershipFactory(alliance=alliance_a, organization=organization)
            ProductFactory(project=ProjectFactory(achievement=accepted_a, enterprise=organization))
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


def test_a_large_export_streams(client, analyst, alliance_a):
    from core.exports import csv_response

    rows = ([i, f"行{i}"] for i in range(100_000))
    response = csv_response(["n", "name"], rows, "big")
    assert response.streaming
    first = next(iter(response.streaming_content))
    assert first == "\ufeff".encode()


# --- Names in the reader's language ----------------------------------------------------------


def _export(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_canal_and_holding_pages_name_organisations_in_the_readers_language(
    client, analyst, alliance_a, alliance_b, accepted_a, project_a, language
):
    """English readers see the English name of an organisation or alliance wherever one
    exists: pages, drop-downs and exports; Chinese readers the Chinese one."""
    from django.utils import timezone

    from projects import hops
    from projects.models import AchievementEvent

    alliance_a.name_en = "Alliance A in English"
    alliance_a.save()
    project_a.enterprise.name_en = "Enterprise A in English"
    project_a.enterprise.save()
    ProductFactory(project=project_a, name="光伏胶膜料", replaced_product="进口胶膜")
    MembershipFactory(alliance=alliance_b, organization=project_a.enterprise)
    AchievementEvent.objects.create(
        achievement=accepted_a,
        from_status="submitted",
        to_status="accepted",
        at=timezone.make_aware(datetime.datetime(2020, 1, 31, 10)),
    )
    hops.rebuild()
    english = language == "en"
    alliance = "Alliance A in English" if english else "先进材料联盟A"
    enterprise = "Enterprise A in English" if english else project_a.enterprise.name
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.force_login(analyst)

    board = client.get("/import-substitution/").content.decode()
    assert f"<td>{alliance}</td>" in board  # the summary
    assert f">{alliance}</option>" in board  # the filter
    assert f"<td>{enterprise}</td>" in board
    rows = _export(client.get("/import-substitution/", {"export": "csv"}))
    assert f"光伏胶膜料,{enterprise}," in rows and alliance in rows

    holding = client.get("/holding/").content.decode()
    assert f">{alliance}</a>" in holding
    assert alliance in _export(client.get("/holding/", {"export": "csv"}))

    roles = client.get("/holding/organizations/").content.decode()
    assert f">{enterprise}</a>" in roles and f"<div>{alliance}: " in roles
    rows = _export(client.get("/holding/organizations/", {"export": "csv"}))
    assert f"{enterprise}," in rows and f",{alliance}," in rows

    canal = client.get("/canal/").content.decode()
    assert f">{alliance}</option>" in canal
    institute = accepted_a.organization.display_name if english else accepted_a.organization.name
    rows = _export(client.get("/canal/", {"hop": "accepted", "export": "csv"}))
    assert f",{institute},{alliance}," in rows

    thread = client.get(f"/achievements/{accepted_a.pk}/canal/").content.decode()
    assert f"<td>{enterprise}</td>" in thread  # who reached the pilot and later hops
    if english:
        for page in (board, holding, roles, canal, thread):
            assert "先进材料联盟A" not in page


def test_the_holding_lists_sort_and_count(client, analyst, alliance_a, alliance_b, project_a):
    for name, share in (("乙产品", 30), ("甲产品", 10), ("丙产品", 20)):
        ProductFactory(project=project_a, name=name, domestic_market_share=share)
    board = client.get("/import-substitution/", {"ordering": "-share"})
    assert [p.name for p in board.context["page"]] == ["乙产品", "丙产品", "甲产品"]
    page = board.content.decode()
    assert ">3 results<" in page and 'aria-sort="descending"' in page
    assert '<input type="hidden" name="ordering" value="-share">' in page
    export = client.get("/import-substitution/", {"ordering": "share", "export": "csv"})
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == ["甲产品", "丙产品", "乙产品"]

    twice = OrganizationFactory(name="甲单位", name_en="", kind="institute")
    MembershipFactory(alliance=alliance_a, organization=twice)
    MembershipFactory(alliance=alliance_b, organization=twice)
    client.force_login(analyst)
    roles = client.get("/holding/organizations/")
    assert roles.context["page"][0] == twice  # in the most alliances first
    assert f">{roles.context['page'].paginator.count} results<" in roles.content.decode()
    by_name = client.get("/holding/organizations/", {"ordering": "-name"}).context["page"]
    names = [o.name_en or o.name for o in by_name]  # as the (English) reader sees them
    assert names == sorted(names, reverse=True)


def test_the_holding_overview_sorts_by_each_column_and_counts_the_alliances(
    client, analyst, alliance_a, alliance_b, project_a
):
    ProductFactory(project=project_a)
    client.force_login(analyst)

    def alliances(query):
        response = client.get("/holding/", query)
        return [row["alliance"] for row in response.context["rows"]], response.content.decode()

    by_products, page = alliances({"ordering": "-products"})
    assert by_products[0] == alliance_a  # the one with a product first
    assert ">2 results<" in page and 'aria-sort="descending"' in page
    assert alliances({"ordering": "products"})[0][-1] == alliance_a
    assert alliances({"ordering": "bogus"})[0] == sorted(
        [alliance_a, alliance_b], key=lambda a: (a.founded_on, a.name)
    )


@pytest.mark.parametrize(("language", "shown"), [("zh-hans", "50 万元"), ("en", "CNY 500,000")])
def test_the_holding_overview_reads_the_invested_money_as_its_reader_does(
    client, analyst, fund, industrializing, language, shown
):
    from funds.models import Investment
    from tests.factories import DealFactory

    deal = DealFactory(
        fund=fund, stage="invested", project=industrializing, company=industrializing.enterprise
    )
    Investment.objects.create(
        deal=deal, fund=fund, amount=Decimal("500000.00"), invested_on=datetime.date(2025, 1, 6)
    )
    client.force_login(analyst)
    page = client.get("/holding/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert shown in page
    assert "500000.00" not in page
    export = client.get("/holding/?export=csv", HTTP_ACCEPT_LANGUAGE=language)
    assert b"500000" in b"".join(export.streaming_content) if export.streaming else export.content
