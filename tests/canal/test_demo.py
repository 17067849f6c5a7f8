"""The demo data: at the article's scale, faithful to it, marked where invented, idempotent."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Sum

from canal import dashboard
from funds.metrics import fund_figures
from funds.models import Exit, Fund, HoldingInvestment, Investment
from members import demo as members_demo
from members.models import Alliance, Membership, Organization
from projects import hops
from projects.models import Achievement, Inventor, IPItem, Product

pytestmark = pytest.mark.django_db
USERS = ["secretariat", "institute", "institute2", "enterprise", "fund", "analyst", "admin"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", "--logins", verbosity=0)
        yield
        call_command("flush", "--no-input", verbosity=0)


def _fingerprint() -> dict[str, str]:
    """A digest of every row of every table of the project's apps."""
    found = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.app_label not in ("members", "projects", "funds", "auth"):
                continue
            table = model._meta.db_table
            cursor.execute(
                f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                f"FROM {table} t"
            )
            found[table] = cursor.fetchone()[0]
    return found


def test_running_it_twice_changes_nothing(demo):
    before = _fingerprint()
    call_command("load_demo", "--logins", verbosity=0)
    assert _fingerprint() == before


def test_every_demo_organisation_and_alliance_has_an_english_name(demo):
    assert not Organization.objects.filter(name_en="").exists()
    assert not Alliance.objects.filter(name_en="").exists()
    institute = Organization.objects.get(name="中国科学院化学研究所")
    assert institute.name_en == "Institute of Chemistry, CAS"


def test_a_second_run_gives_rows_loaded_without_an_english_name_the_demos_one(demo):
    Organization.objects.filter(
        name__in=["中国科学院化学研究所", members_demo.CAS_HOLDINGS]
    ).update(name_en="")
    Organization.objects.filter(name__startswith="枣庄市产业投资基金").update(name_en="")
    Alliance.objects.filter(slug=members_demo.ADVANCED_MATERIALS).update(name_en="")
    Organization.objects.filter(name=members_demo.LEVIMA).update(name_en="Levima (as entered)")
    call_command("load_demo", verbosity=0)
    names = dict(Organization.objects.values_list("name", "name_en"))
    assert names["中国科学院化学研究所"] == "Institute of Chemistry, CAS"
    assert names[members_demo.CAS_HOLDINGS] == "CAS Holdings"
    assert names["枣庄市产业投资基金（示例）"] == "Zaozhuang Industry Fund (demo)"
    assert names[members_demo.LEVIMA] == "Levima (as entered)"  # an entered name is kept
    alliance = Alliance.objects.get(slug=members_demo.ADVANCED_MATERIALS)
    assert alliance.name_en.startswith("Advanced Materials Technology Innovation")


def test_eleven_alliances_and_more_than_300_members(demo):
    assert Alliance.objects.count() == 11
    demo_alliances = Alliance.objects.exclude(slug=members_demo.ADVANCED_MATERIALS)
    assert all("示例" in a.name and "(demo)" in a.name_en for a in demo_alliances)
    members = Membership.objects.filter(status="active").values("organization").distinct()
    assert members.count() > 300
    several = (
        Membership.objects.filter(status="active")
        .values("organization")
        .annotate(n=Count("alliance"))
        .filter(n__gt=1)
    )
    assert several.count() >= 5


def test_the_advanced_materials_alliance_as_the_article_tells_it(demo):
    alliance = Alliance.objects.get(slug=members_demo.ADVANCED_MATERIALS)
    assert (alliance.city, alliance.founded_on) == ("滕州", datetime.date(2018, 1, 10))
    active = Membership.objects.filter(alliance=alliance, status="active")
    assert active.get(role="chairman").organization.name == members_demo.LEVIMA
    governing = set(active.filter(role="governing").values_list("organization__name", flat=True))
    assert len(governing) == 14
    assert set(members_demo.AM_GOVERNING_NAMED) <= governing
    invited = active.get(role="invited_governing").organization
    assert invited.name == members_demo.SINOPEC_GZ
    # The governing units the article does not name say so in their history.
    for name in members_demo.AM_GOVERNING_DEMO:
        event = active.get(organization__name=name).events.get()
        assert "示例" in event.comment


def test_the_850_million_are_the_holdings_own_not_the_funds(demo):
    investment = HoldingInvestment.objects.get()
    assert investment.investor.name == members_demo.CAS_HOLDINGS
    assert investment.company.name == members_demo.LEVIMA
    assert investment.amount == Decimal("850000000.00")
    assert investment.approximate and investment.invested_on.year == 2016
    fund = Fund.objects.get()
    assert not Investment.objects.filter(deal__company__name=members_demo.LEVIMA).exists()
    metrics = fund_figures(fund)
    assert metrics.invested == Investment.objects.aggregate(s=Sum("amount"))["s"]


def test_levimas_products_are_levimas_with_plausible_fields_and_no_invented_shares(demo):
    products = Product.objects.filter(enterprise__name=members_demo.LEVIMA).select_related(
        "project__achievement__organization"
    )
    by_name = {p.name: p for p in products}
    assert {
        "高熔指均聚聚丙烯专用料",
        "高 VA 含量 EVA 电缆料",
        "FL02528 光伏胶膜料",
        "环氧乙烷衍生物",
    } <= set(by_name)
    for product in by_name.values():
        assert product.project.achievement.organization.name == members_demo.LEVIMA
    assert by_name["FL02528 光伏胶膜料"].project.achievement.field == "advanced_polymer"
    assert by_name["环氧乙烷衍生物"].project.achievement.field == "special_chemicals"
    assert not Product.objects.filter(domestic_market_share__isnull=False).exists()


def test_no_placeholder_names_and_every_exit_is_demo(demo):
    assert not Inventor.objects.filter(name__endswith="研究员").exists()
    assert not IPItem.objects.filter(number__icontains="DEMO").exists()
    for exit_ in Exit.objects.select_related("investment__deal__company"):
        assert "示例" in exit_.investment.deal.company.name
    invented = Organization.objects.filter(name__contains="有限公司").exclude(
        name__in=[
            members_demo.LEVIMA,
            members_demo.CAS_HOLDINGS,
            members_demo.CHENGDU_ORGANIC,
            members_demo.GZ_CHEM,
            members_demo.SINOPEC_GZ,
        ]
    )
    assert all("示例" in o.name for o in invented)


def test_several_hundred_achievements_from_2018_to_2026_with_substance(demo, analyst):
    assert Achievement.objects.count() >= 500
    years = {a.created.year for a in Achievement.objects.only("created")}
    assert min(years) == 2018 and max(years) == 2026
    figures = {f.key: f for f in dashboard.funnel(analyst, dashboard.Filters())}
    for key in hops.KEYS:
        assert figures[key].count > 0, key
    for key in ("accepted", "pilot", "industrialization", "market", "deal", "invested"):
        assert figures[key].count >= 5, key
        assert figures[key].median_days > 7, key  # weeks to years, never all zero
    assert hops.cells_consistent()


@pytest.mark.parametrize("username", USERS)
def test_the_demo_logins_work(demo, client, username):
    # Through the login form, as a person logs in (django-axes watches every login).
    response = client.post("/accounts/login/", {"username": username, "password": "demo-pass-2018"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert "_auth_user_id" in client.session
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(username=username).email == f"{username}@example.cn"


def test_levimas_page_shows_the_holdings_investment(demo, client):
    levima = Organization.objects.get(name=members_demo.LEVIMA)
    page = client.get(levima.get_absolute_url()).content.decode()
    assert 'data-testid="holding-investments"' in page
    assert ">CNY 850 million</td>" in page  # as money reads, not a bare figure
    chinese = client.get(levima.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert ">8.5 亿元</td>" in chinese.content.decode()
    assert "CNY" not in chinese.content.decode()
