"""An independent oracle: the dashboard's figures recomputed in plain Python.

Hypothesis draws sets of achievements (alliance, owner within a small tree of
organisations, field) with any hops reached on any dates the order rules allow, records
them through ``projects.hops.mark`` in a random order, and compares the dashboard under a
random filter with counts, conversions, medians and 90th percentiles worked out here from
the raw dates with the ``statistics`` module, per the semantics of docs/canal.md.
"""

import datetime
import statistics

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canal import dashboard
from core.canal import KEYS
from projects import hops
from projects.models import Achievement
from tests.factories import AllianceFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
BASE = datetime.date(2019, 1, 1)
FIELDS = ["advanced_polymer", "special_chemicals"]
PROJECT_HOPS = ("pilot", "industrialization", "market")


@pytest.fixture
def world():
    academy = OrganizationFactory(name="科学院")
    organizations = [
        academy,
        OrganizationFactory(name="研究所甲", parent=academy),
        OrganizationFactory(name="研究所乙", parent=academy),
        OrganizationFactory(name="独立企业", kind="enterprise"),
    ]
    return {"alliances": [AllianceFactory(), AllianceFactory()], "organizations": organizations}


def _fix_order(dates: dict) -> dict:
    """The order rules: no project hop before acceptance, no exit before investment."""
    if dates.get("accepted"):
        for key in PROJECT_HOPS:
            if dates.get(key):
                dates[key] = max(dates[key], dates["accepted"])
    if dates.get("invested") and dates.get("exited"):
        dates["exited"] = max(dates["exited"], dates["invested"])
    return dates


achievement_data = st.fixed_dictionaries(
    {
        "alliance": st.integers(0, 1),
        "organization": st.integers(0, 3),
        "field": st.sampled_from(FIELDS),
        "dates": st.fixed_dictionaries(
            {key: st.one_of(st.none(), st.integers(0, 2200)) for key in KEYS}
        ).map(
            lambda offsets: _fix_order(
                {
                    key: BASE + datetime.timedelta(days=offset) if offset is not None else None
                    for key, offset in offsets.items()
                }
            )
        ),
    }
)
filters_data = st.fixed_dictionaries(
    {
        "alliance": st.one_of(st.none(), st.integers(0, 1)),
        "organization": st.one_of(st.none(), st.integers(0, 3)),
        "field": st.one_of(st.none(), st.sampled_from(FIELDS)),
        "year": st.one_of(st.none(), st.integers(2019, 2025)),
    }
)


def _days(dates: dict, key: str) -> int | None:
    """Days from the latest earlier hop reached on or before this one."""
    on = dates.get(key)
    if on is None:
        return None
    earlier = [dates[k] for k in KEYS[: KEYS.index(key)] if dates.get(k) and dates[k] <= on]
    return (on - max(earlier)).days if earlier else None


def _cohort(dates: dict) -> int | None:
    if dates.get("submitted"):
        return dates["submitted"].year
    reached = [d for d in dates.values() if d]
    return min(reached).year if reached else None


def _oracle(rows: list[dict], keys: list[str]) -> dict:
    figures = {}
    for index, key in enumerate(keys):
        reached = [r for r in rows if r["dates"].get(key)]
        days = sorted(d for r in reached if (d := _days(r["dates"], key)) is not None)
        previous = [r for r in rows if index and r["dates"].get(keys[index - 1])]
        went_on = [r for r in previous if r["dates"].get(key)]
        figures[key] = {
            "count": len(reached),
            "conversion": len(went_on) / len(previous) if previous else None,
            "median": statistics.median(days) if days else None,
            "p90": (
                statistics.quantiles(days, n=10, method="inclusive")[8]
                if len(days) > 1
                else (days[0] if days else None)
            ),
        }
    return figures


def _timeline(rows: list[dict], keys: list[str]) -> dict:
    years: dict[int, dict] = {}
    for row in rows:
        for key in keys:
            if row["dates"].get(key):
                year = years.setdefault(row["dates"][key].year, dict.fromkeys(keys, 0))
                year[key] += 1
    return years


def _selected(row: dict, chosen: dict, world: dict) -> bool:
    organization = world["organizations"][row["organization"]]
    if chosen["alliance"] is not None and row["alliance"] != chosen["alliance"]:
        return False
    if chosen["organization"] is not None:
        wanted = world["organizations"][chosen["organization"]]
        if wanted.pk not in (organization.pk, organization.parent_id):
            return False
    if chosen["field"] is not None and row["field"] != chosen["field"]:
        return False
    return chosen["year"] is None or _cohort(row["dates"]) == chosen["year"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(achievement_data, min_size=1, max_size=14),
    chosen=filters_data,
    order=st.randoms(use_true_random=False),
)
def test_the_dashboard_agrees_with_an_oracle(world, analyst, rows, chosen, order):
    with transaction.atomic():
        created = Achievement.objects.bulk_create(
            Achievement(
                organization=world["organizations"][row["organization"]],
                alliance=world["alliances"][row["alliance"]],
                title=f"成果{index}",
                summary="-",
                field=row["field"],
                status="draft",
            )
            for index, row in enumerate(rows)
        )
        marks = [
            (achievement.pk, key, on)
            for achievement, row in zip(created, rows, strict=True)
            for key, on in row["dates"].items()
            if on
        ]
        order.shuffle(marks)
        for achievement_id, key, on in marks:
            hops.mark(achievement_id, key, on)

        filters = dashboard.Filters(
            alliance=(
                world["alliances"][chosen["alliance"]].pk
                if chosen["alliance"] is not None
                else None
            ),
            organization=(
                world["organizations"][chosen["organization"]].pk
                if chosen["organization"] is not None
                else None
            ),
            field=chosen["field"],
            year=chosen["year"],
        )
        figures, timeline = dashboard.figures(analyst, filters)
        selected = [row for row in rows if _selected(row, chosen, world)]
        expected = _oracle(selected, KEYS)
        for figure in figures:
            want = expected[figure.key]
            assert figure.count == want["count"], figure.key
            assert figure.conversion == pytest.approx(want["conversion"]), figure.key
            assert figure.median_days == pytest.approx(want["median"]), figure.key
            assert figure.p90_days == pytest.approx(want["p90"]), figure.key
        expected_years = _timeline(selected, KEYS)
        assert {row["year"]: {k: row[k] for k in KEYS} for row in timeline} == expected_years
        # The hop lists behind the numbers hold the same achievements.
        for key in ("market", "deal"):
            count, _ids = dashboard.achievements_at(analyst, filters, key, limit=50, offset=0)
            assert count == expected[key]["count"]
        assert hops.cells_consistent()
        transaction.set_rollback(True)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(achievement_data, min_size=1, max_size=8), moves=st.data())
def test_the_histograms_follow_every_change(world, rows, moves):
    """Marks, changes of field and owner, and a new parent keep the cells that the database
    maintains row by row equal to a recount from the hop rows."""
    with transaction.atomic():
        created = Achievement.objects.bulk_create(
            Achievement(
                organization=world["organizations"][row["organization"]],
                alliance=world["alliances"][row["alliance"]],
                title=f"成果{index}",
                summary="-",
                field=row["field"],
                status="draft",
            )
            for index, row in enumerate(rows)
        )
        for achievement, row in zip(created, rows, strict=True):
            for key, on in row["dates"].items():
                if on:
                    hops.mark(achievement.pk, key, on)
        changed = moves.draw(st.sampled_from(created))
        changed.field = moves.draw(st.sampled_from(FIELDS))
        changed.organization = world["organizations"][moves.draw(st.integers(0, 3))]
        changed.save(update_fields=["field", "organization"])
        independent = world["organizations"][3]
        independent.parent = world["organizations"][0]
        independent.save(update_fields=["parent"])
        assert hops.cells_consistent()
        transaction.set_rollback(True)
