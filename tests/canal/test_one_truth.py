"""Regressions: every view of the canal reads the same stored hops, and the order rules hold.

* an achievement is counted in "market" only when it reached the market (a deal referred
  during industrialization does not put it there);
* the thread and the dashboard agree (the POE case: the thread showed 0 days everywhere
  while the dashboard listed it on the market);
* no project before acceptance, no investment before approval, no exit before the
  investment: refused by the services and by the database.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from canal import dashboard
from core.canal import achievement_thread
from core.validation import constraint_message
from funds import services as fund_services
from funds.models import CommitteeDecision, Exit, Investment
from projects import hops, services
from projects.models import AchievementEvent, AchievementHops, Project
from tests.factories import (
    CommitmentFactory,
    DealFactory,
    FundFactory,
    ProjectFactory,
    member_achievement,
)

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def fund(fund_manager):
    fund = FundFactory(name="先进材料产业基金", team=[fund_manager])
    CommitmentFactory(fund=fund, amount=Decimal("100000000"))
    return fund


def _accepted(org, alliance, secretariat, title):
    achievement = member_achievement(org, alliance, status="submitted", title=title)
    return services.achievement_accept(achievement=achievement, actor=secretariat)


def _industrialized(achievement, enterprise, secretariat):
    project = services.project_save(
        project=Project(achievement=achievement, enterprise=enterprise), actor=secretariat
    )
    return services.project_move(project=project, actor=secretariat, stage="industrialization")


def test_market_is_counted_only_when_reached(
    analyst, secretariat_a, org_a, alliance_a, enterprise_a, fund
):
    """Three industrialized, two on the market, one referred to the fund from
    industrialization: market 2 (not 3), conversion 2/3 (not 1.0)."""
    projects = [
        _industrialized(
            _accepted(org_a, alliance_a, secretariat_a, f"成果{n}"), enterprise_a, secretariat_a
        )
        for n in range(3)
    ]
    for project in projects[:2]:
        services.project_move(project=project, actor=secretariat_a, stage="market")
    deal = fund_services.deal_refer_from_project(
        project=projects[2], fund=fund, actor=secretariat_a, requested_amount=Decimal("5000000")
    )
    assert deal.stage == "sourced"
    figures = {f.key: f for f in dashboard.funnel(analyst, dashboard.Filters())}
    assert figures["industrialization"].count == 3
    assert figures["market"].count == 2
    assert figures["market"].conversion == pytest.approx(2 / 3)
    assert figures["deal"].count == 1
    assert (figures["deal"].went_on, figures["deal"].skipped_in) == (0, 1)
    count, ids = dashboard.achievements_at(
        analyst, dashboard.Filters(), "market", limit=10, offset=0
    )
    assert count == 2 and projects[2].achievement_id not in ids
    # The same rows again through the API.
    assert hops.cells_consistent()


def test_the_thread_and_the_dashboard_agree(client, analyst, org_a, alliance_a, enterprise_a):
    """The POE case: industrialized, referred to the fund before any market launch."""
    poe = member_achievement(org_a, alliance_a, status="accepted", title="POE 弹性体")
    AchievementEvent.objects.bulk_create(
        AchievementEvent(achievement=poe, from_status="", to_status=status, at=_at(day))
        for status, day in [("submitted", D(2019, 1, 10)), ("accepted", D(2019, 2, 1))]
    )
    project = ProjectFactory(
        achievement=poe,
        enterprise=enterprise_a,
        started_on=D(2019, 3, 1),
        stage="industrialization",
        industrialization_started_on=D(2019, 9, 1),
    )
    deal = DealFactory(project=project, company=enterprise_a)
    type(deal).objects.filter(pk=deal.pk).update(created=_at(D(2020, 1, 15)))
    hops.rebuild()

    thread = {hop.key: hop for hop in achievement_thread(poe, analyst)}
    assert [thread[k].days for k in ("accepted", "pilot", "industrialization", "deal")] == [
        22,
        28,
        184,
        136,  # from industrialization, the latest earlier hop reached
    ]
    assert thread["market"].on is None and thread["market"].skipped
    assert thread["invested"].on is None and not thread["invested"].skipped

    count, ids = dashboard.achievements_at(
        analyst, dashboard.Filters(), "market", limit=10, offset=0
    )
    assert (count, ids) == (0, [])
    count, ids = dashboard.achievements_at(analyst, dashboard.Filters(), "deal", limit=10, offset=0)
    assert ids == [poe.pk]
    figures = {f.key: f for f in dashboard.funnel(analyst, dashboard.Filters())}
    assert figures["market"].count == 0
    assert figures["deal"].median_days == 136
    client.force_login(analyst)
    page = client.get(f"/achievements/{poe.pk}/canal/").content.decode()
    assert "hop-skipped" in page
    api = client.get(f"/api/v1/achievements/{poe.pk}/canal/").json()
    assert {h["key"]: h["days"] for h in api["hops"]}["deal"] == 136
    # After a rebuild the database keeps the cells row by row again.
    hops.mark(poe.pk, "market", D(2020, 6, 1))
    figures = {f.key: f for f in dashboard.funnel(analyst, dashboard.Filters())}
    assert (figures["market"].count, figures["market"].median_days) == (1, 274)
    assert hops.cells_consistent()


def test_a_project_before_acceptance_is_refused_by_the_service(
    secretariat_a, org_a, alliance_a, enterprise_a
):
    achievement = _accepted(org_a, alliance_a, secretariat_a, "刚受理的成果")
    with pytest.raises(ValidationError) as error:
        services.project_save(
            project=Project(
                achievement=achievement,
                enterprise=enterprise_a,
                started_on=TODAY - datetime.timedelta(days=1),
            ),
            actor=secretariat_a,
        )
    assert "accepted" in str(error.value)
    assert not Project.objects.exists()


def test_a_project_before_acceptance_is_refused_by_the_database(
    secretariat_a, org_a, alliance_a, enterprise_a
):
    achievement = _accepted(org_a, alliance_a, secretariat_a, "刚受理的成果")
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        ProjectFactory(
            achievement=achievement,
            enterprise=enterprise_a,
            started_on=TODAY - datetime.timedelta(days=3),
        )
    assert constraint_message(error.value) == (
        "A project cannot start before its achievement was accepted."
    )
    assert not Project.objects.exists()


def test_the_hop_row_refuses_a_project_hop_before_acceptance(accepted_a):
    hops.mark(accepted_a.pk, "accepted", D(2024, 5, 1))
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        hops.mark(accepted_a.pk, "pilot", D(2024, 4, 1))
    assert constraint_message(error.value) == (
        "A project cannot start before its achievement was accepted."
    )
    assert AchievementHops.objects.get(pk=accepted_a.pk).pilot is None


@pytest.fixture
def approved_deal(fund, fund_manager):
    deal = DealFactory(fund=fund, owner=fund_manager, stage="committee")
    fund_services.committee_decide(
        deal=deal,
        actor=fund_manager,
        meeting_date=TODAY - datetime.timedelta(days=10),
        votes_for=3,
        votes_against=0,
        decision="approve",
    )
    deal.refresh_from_db()
    return deal


def test_an_investment_before_approval_is_refused_by_the_service_and_the_database(
    approved_deal, fund, fund_manager
):
    before = TODAY - datetime.timedelta(days=20)
    with pytest.raises(ValidationError) as error:
        fund_services.investment_record(
            deal=approved_deal, actor=fund_manager, amount=Decimal("10"), invested_on=before
        )
    assert "approval" in str(error.value)
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Investment.objects.create(
            deal=approved_deal, fund=fund, amount=Decimal("10"), invested_on=before
        )
    assert "approval" in constraint_message(error.value)
    assert not Investment.objects.exists()


def test_an_investment_in_a_deal_never_approved_is_refused_by_the_database(fund):
    deal = DealFactory(fund=fund, stage="screening")
    with pytest.raises(IntegrityError), transaction.atomic():
        Investment.objects.create(deal=deal, fund=fund, amount=Decimal("10"), invested_on=TODAY)
    assert not CommitteeDecision.objects.exists()


def test_an_exit_before_the_investment_is_refused_by_the_service_and_the_database(
    approved_deal, fund_manager
):
    investment = fund_services.investment_record(
        deal=approved_deal, actor=fund_manager, amount=Decimal("10"), invested_on=TODAY
    )
    before = TODAY - datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        fund_services.exit_record(
            investment=investment, actor=fund_manager, exited_on=before, kind="ipo", proceeds=1
        )
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Exit.objects.create(investment=investment, exited_on=before, kind="ipo", proceeds=1)
    assert constraint_message(error.value) == "An exit cannot precede the investment."
    assert not Exit.objects.exists()


def test_the_services_mark_each_hop_once_with_its_first_date(
    analyst, secretariat_a, submitter_a, org_a, alliance_a, enterprise_a, fund, fund_manager
):
    achievement = member_achievement(org_a, alliance_a, title="全程成果")
    achievement = services.achievement_submit(achievement=achievement, actor=submitter_a)
    achievement = services.achievement_accept(achievement=achievement, actor=secretariat_a)
    project = _industrialized(achievement, enterprise_a, secretariat_a)
    services.project_move(project=project, actor=secretariat_a, stage="market")
    deal = fund_services.deal_refer_from_project(
        project=project, fund=fund, actor=fund_manager, requested_amount=Decimal("10")
    )
    for stage in ("screening", "due_diligence", "committee"):
        deal = fund_services.deal_move(deal=deal, actor=fund_manager, stage=stage)
    fund_services.committee_decide(
        deal=deal,
        actor=fund_manager,
        meeting_date=TODAY,
        votes_for=3,
        votes_against=0,
        decision="approve",
    )
    investment = fund_services.investment_record(
        deal=deal, actor=fund_manager, amount=Decimal("10"), invested_on=TODAY
    )
    fund_services.exit_record(
        investment=investment, actor=fund_manager, exited_on=TODAY, kind="ipo", proceeds=30
    )
    row = AchievementHops.objects.get(pk=achievement.pk)
    assert [getattr(row, key) for key in hops.KEYS] == [TODAY] * 8
    # A later mark keeps the first date; an earlier one (a move dated back) replaces it.
    hops.mark(achievement.pk, "submitted", TODAY + datetime.timedelta(days=5))
    row.refresh_from_db()
    assert row.submitted == TODAY
    thread = achievement_thread(achievement, analyst)
    assert [hop.days for hop in thread[1:]] == [0] * 7
    assert hops.cells_consistent()
