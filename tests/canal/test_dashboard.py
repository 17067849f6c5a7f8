"""The canal dashboard against a hand-built data set whose answers are worked out below."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from canal import dashboard
from funds.models import Exit, Investment
from projects import hops
from projects.models import AchievementEvent
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

pytestmark = pytest.mark.django_db
D = datetime.date


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _events(achievement, *hops):
    AchievementEvent.objects.bulk_create(
        AchievementEvent(achievement=achievement, from_status="", to_status=status, at=_at(day))
        for status, day in hops
    )


@pytest.fixture
def canal(alliance_a, analyst):
    """A1 goes all the way; A2 skips the pilot and is still in industrialization; A3 is only
    submitted (in another alliance, another field); a draft stays out."""
    institute = OrganizationFactory(name="研究所甲")
    firm = OrganizationFactory(name="企业乙", kind="enterprise")
    MembershipFactory(alliance=alliance_a, organization=firm)
    other_alliance = AllianceFactory(name="联盟丙")

    a1 = member_achievement(institute, alliance_a, status="accepted", title="A1")
    _events(a1, ("submitted", D(2020, 1, 1)), ("accepted", D(2020, 1, 31)))
    p1 = ProjectFactory(
        achievement=a1,
        enterprise=firm,
        started_on=D(2020, 3, 1),
        stage="market",
        industrialization_started_on=D(2020, 12, 1),
        market_launched_on=D(2021, 6, 1),
    )
    fund = FundFactory()
    CommitmentFactory(fund=fund)
    deal = DealFactory(fund=fund, project=p1, company=firm, stage="invested")
    type(deal).objects.filter(pk=deal.pk).update(created=_at(D(2021, 7, 1)))
    investment = Investment.objects.create(
        deal=deal, fund=fund, amount=Decimal("1"), invested_on=D(2021, 10, 1)
    )
    Exit.objects.create(investment=investment, exited_on=D(2024, 10, 1), kind="ipo", proceeds=3)

    a2 = member_achievement(institute, alliance_a, status="accepted", title="A2", field="other")
    _events(a2, ("submitted", D(2021, 1, 1)), ("accepted", D(2021, 1, 11)))
    ProjectFactory(
        achievement=a2,
        enterprise=firm,
        started_on=D(2021, 2, 10),
        pilot_started_on=None,
        stage="industrialization",
        industrialization_started_on=D(2021, 2, 10),
    )

    a3 = member_achievement(
        OrganizationFactory(name="研究所丁"),
        other_alliance,
        status="submitted",
        title="A3",
        field="biological_materials",
    )
    _events(a3, ("submitted", D(2022, 5, 1)))

    member_achievement(institute, alliance_a, status="draft", title="草稿")
    # The history above was written around the services: the canal is rebuilt from it.
    hops.rebuild()
    return {"a1": a1, "a2": a2, "a3": a3, "other_alliance": other_alliance, "institute": institute}


def _by_key(user, **filters):
    return {h.key: h for h in dashboard.funnel(user, dashboard.Filters(**filters))}


def test_funnel_counts_and_conversions(canal, analyst):
    hops = _by_key(analyst)
    assert {k: h.count for k, h in hops.items()} == {
        "submitted": 3,
        "accepted": 2,
        "pilot": 1,  # A2 skipped the pilot: it is not counted in it
        "industrialization": 2,
        "market": 1,
        "deal": 1,
        "invested": 1,
        "exited": 1,
    }
    # Conversion: of those in the previous hop, the share that reached this one.
    assert hops["accepted"].conversion == pytest.approx(2 / 3)
    assert hops["pilot"].conversion == 0.5
    assert hops["industrialization"].conversion == 1
    assert (hops["industrialization"].went_on, hops["industrialization"].skipped_in) == (1, 1)
    assert hops["market"].conversion == 0.5
    assert hops["submitted"].conversion is None


def test_days_per_hop_median_and_90th_percentile(canal, analyst):
    hops = _by_key(analyst)
    # accepted: A1 30 days, A2 10 days
    assert (hops["accepted"].median_days, hops["accepted"].p90_days) == (20, 28)
    # pilot: A1 only (31 Jan → 1 Mar 2020, a leap year)
    assert (hops["pilot"].median_days, hops["pilot"].p90_days) == (30, 30)
    # industrialization: A1 275 days after its pilot; A2 30 days after acceptance (pilot skipped)
    assert (hops["industrialization"].median_days, hops["industrialization"].p90_days) == (
        152.5,
        250.5,
    )
    assert hops["market"].median_days == 182
    assert hops["deal"].median_days == 30
    assert hops["invested"].median_days == 92
    assert hops["exited"].median_days == 1096
    assert hops["submitted"].median_days is None


def test_timeline_per_year(canal, analyst):
    rows = {row["year"]: row for row in dashboard.timeline(analyst, dashboard.Filters())}
    assert sorted(rows) == [2020, 2021, 2022, 2024]
    assert (
        rows[2020]["submitted"],
        rows[2020]["accepted"],
        rows[2020]["pilot"],
        rows[2020]["industrialization"],
        rows[2020]["market"],
    ) == (1, 1, 1, 1, 0)
    assert (
        rows[2021]["industrialization"],
        rows[2021]["market"],
        rows[2021]["deal"],
        rows[2021]["invested"],
    ) == (1, 1, 1, 1)
    assert rows[2022]["submitted"] == 1
    assert rows[2024]["exited"] == 1


def test_filters(canal, analyst, alliance_a):
    assert _by_key(analyst, alliance=alliance_a.pk)["submitted"].count == 2
    assert _by_key(analyst, alliance=canal["other_alliance"].pk)["submitted"].count == 1
    assert _by_key(analyst, field="other")["submitted"].count == 1
    assert _by_key(analyst, year=2021)["submitted"].count == 1
    assert _by_key(analyst, organization=canal["institute"].pk)["submitted"].count == 2


def test_an_institute_filter_includes_its_subordinate_units(canal, analyst):
    parent = OrganizationFactory(name="科学院")
    canal["institute"].parent = parent
    canal["institute"].save()
    assert _by_key(analyst, organization=parent.pk)["submitted"].count == 2


def test_the_secretariat_sees_its_alliances_and_no_fund_figures(canal, secretariat_a):
    hops = _by_key(secretariat_a)
    assert hops["submitted"].count == 2
    assert "deal" not in hops and "invested" not in hops


@pytest.mark.parametrize("size", [3, 30])
def test_the_dashboard_runs_a_fixed_number_of_queries(
    client, analyst, alliance_a, django_assert_max_num_queries, size
):
    institute = OrganizationFactory()
    for _ in range(size):
        achievement = member_achievement(institute, alliance_a, status="accepted")
        _events(achievement, ("submitted", D(2023, 1, 1)), ("accepted", D(2023, 2, 1)))
    hops.rebuild()
    client.force_login(analyst)
    with django_assert_max_num_queries(16):
        assert client.get("/canal/", {"hop": "accepted"}).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/canal/").status_code == 200
    with django_assert_max_num_queries(3):  # the roles, the histograms, the timeline
        figures, _ = dashboard.figures(analyst, dashboard.Filters())
    assert figures[1].count == size


def test_the_dashboard_page(client, canal, analyst):
    client.force_login(analyst)
    page = client.get("/canal/").content.decode()
    assert 'data-testid="funnel-chart"' in page
    assert 'data-testid="timeline-table"' in page
    listed = client.get("/canal/", {"hop": "exited"}).content.decode()
    assert f'data-testid="thread-{canal["a1"].pk}"' in listed
    assert f'data-testid="thread-{canal["a2"].pk}"' not in listed


@pytest.mark.parametrize("persona", ["submitter_a", "fund_manager", "outsider"])
def test_the_dashboard_is_not_for_everyone(request, client, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/canal/").status_code == 403


def test_bad_filters_do_not_fail(client, analyst):
    client.force_login(analyst)
    for params in (
        {"year": "abc"},
        {"alliance": "999999"},
        {"field": "x"},
        {"hop": "nowhere"},
        {"hop": "market", "page": "-1"},
    ):
        assert client.get("/canal/", params).status_code == 200


def test_canal_api(api, canal, analyst, secretariat_a, submitter_a):
    assert api.get("/api/v1/canal/").status_code == 401
    assert api.as_user(submitter_a).get("/api/v1/canal/").status_code == 403
    data = api.as_user(analyst).get("/api/v1/canal/").data
    assert [h["key"] for h in data["hops"]][-1] == "exited"
    assert data["hops"][1]["median_days"] == 20
    assert api.get("/api/v1/canal/", {"year": "soon"}).status_code == 400
    assert api.get("/api/v1/canal/", {"field": "alchemy"}).status_code == 400
    secretariat = api.as_user(secretariat_a).get("/api/v1/canal/").data
    assert [h["key"] for h in secretariat["hops"]][-1] == "market"


def test_exports_csv_and_xlsx(client, canal, analyst):
    from openpyxl import load_workbook

    client.force_login(analyst)
    response = client.get("/canal/", {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[1].startswith("Submitted,Innovation chain,3")
    response = client.get("/canal/", {"export": "xlsx"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[2][:3] == ("Accepted", "Innovation chain", 2)
    timeline = client.get("/canal/", {"export": "csv", "table": "timeline"})
    assert b"2024" in b"".join(timeline.streaming_content)
    achievements = client.get("/canal/", {"export": "csv", "hop": "exited"})
    assert "A1" in b"".join(achievements.streaming_content).decode("utf-8-sig")
