"""Demo data of the fund app: the Advanced Materials Industry Fund of CAS, and the holding's
own investment in Levima.

From the article: the fund exists (unveiled in Tengzhou), and CAS Holdings itself invested
850 million yuan in Levima Advanced Materials "two years ago", i.e. around 2016, before the
alliance (January 2018). That is the holding's direct investment (``HoldingInvestment``),
never the fund's, and none of the fund's figures rest on it.

Everything else (partners, calls, deals, decisions, investments, valuations, exits) is
illustrative (示例): deals referred from the demo projects of every alliance, at dates that
follow their projects. Idempotent: nothing is written when the fund exists (only the fund
user joins its team).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from funds.choices import DEFAULT_CRITERIA, DealStage
from funds.metrics import allocate
from funds.models import (
    CapitalCall,
    CapitalCallAllocation,
    Commitment,
    CommitteeDecision,
    Deal,
    DealEvent,
    Exit,
    Fund,
    HoldingInvestment,
    Investment,
    Payment,
    ReviewCriterion,
    Valuation,
)
from members import demo as members_demo
from members.models import Contact, Organization
from projects.models import Project

FUND_NAME = "中国科学院先进材料产业基金"
LEVIMA_INVESTMENT = Decimal("850000000.00")
TODAY = datetime.date(2026, 11, 20)
DEMO = "（示例）"


# The fund's manager and its limited partners other than CAS Holdings (all illustrative):
# name, kind, English name, city.
MANAGER = (
    f"国科先进材料产业基金管理有限公司{DEMO}",
    "investor",
    "CAS Advanced Materials Fund Management (demo)",
    "滕州",
)
SHANDONG_FUND = (
    f"山东省新旧动能转换引导基金{DEMO}",
    "investor",
    "Shandong Guidance Fund (demo)",
    "济南",
)
ZAOZHUANG_FUND = (f"枣庄市产业投资基金{DEMO}", "investor", "Zaozhuang Industry Fund (demo)", "枣庄")


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _org(name: str, kind: str, name_en: str = "", city: str = "") -> Organization:
    organization = Organization.objects.matching(name=name)
    if organization is None:
        organization = Organization.objects.create(name=name, name_en=name_en, kind=kind, city=city)
    elif name_en and not organization.name_en:  # loaded before it had an English name
        organization.name_en = name_en
        organization.save(update_fields=["name_en"])
    return organization


# The liaison of each limited partner of the demo fund, with the address its capital calls
# go to (all illustrative).
PARTNER_LIAISONS = {
    "中国科学院控股有限公司": ("国科控股出资人联络人（示例）", "lp.casholdings@example.cn"),
    "山东省新旧动能转换引导基金（示例）": (
        "山东引导基金出资联络人（示例）",
        "lp.shandong@example.cn",
    ),
    "枣庄市产业投资基金（示例）": ("枣庄产业基金出资联络人（示例）", "lp.zaozhuang@example.cn"),
}


def ensure_partner_liaisons() -> None:
    """Give each demo limited partner a primary liaison with an e-mail address (idempotent)."""

    for name, (person, email) in PARTNER_LIAISONS.items():
        partner = Organization.objects.matching(name=name)
        if partner is None or partner.contacts.filter(email=email).exists():
            continue
        has_primary = partner.contacts.filter(is_primary=True).exists()
        Contact.objects.create(
            organization=partner, name=person, email=email, is_primary=not has_primary
        )


def load_holding_investment() -> HoldingInvestment:
    holdings = Organization.objects.get(name=members_demo.CAS_HOLDINGS)
    levima = Organization.objects.get(name=members_demo.LEVIMA)
    investment, _ = HoldingInvestment.objects.get_or_create(
        investor=holdings,
        company=levima,
        amount=LEVIMA_INVESTMENT,
        defaults={
            "invested_on": datetime.date(2016, 1, 1),
            "approximate": True,
            "source": "科技日报：“两年前，国科控股向联泓新材料投资 8.5 亿元”（约 2016 年）",
        },
    )
    return investment


def load(fund_user=None) -> Fund:
    load_holding_investment()
    for row in (MANAGER, SHANDONG_FUND, ZAOZHUANG_FUND):
        _org(*row)  # an English name missing from an earlier load is filled in
    fund = Fund.objects.filter(name=FUND_NAME).first()
    if fund is not None:
        if fund_user is not None:
            fund.team.add(fund_user)
        return fund
    owner = fund_user or get_user_model().objects.filter(is_superuser=True).first()
    if owner is None:
        owner, _ = get_user_model().objects.get_or_create(
            username="fund-demo-owner", defaults={"is_active": False}
        )
    manager = _org(*MANAGER)
    fund = Fund.objects.create(
        name=FUND_NAME,
        manager=manager,
        target_size=Decimal("3000000000.00"),
        vintage_year=2018,
        status="investing",
        bank_account_name="国科先进材料产业基金（有限合伙）（示例）",
        bank_name="中国银行滕州支行（示例）",
        bank_account_number="2345 0000 0000 0000 018",
    )
    fund.team.add(owner)
    ReviewCriterion.objects.bulk_create(
        ReviewCriterion(fund=fund, key=key, name=str(name), weight=Decimal(weight), position=i)
        for i, (key, name, weight) in enumerate(DEFAULT_CRITERIA)
    )
    _capital(fund)
    _deals(fund, owner)
    return fund


def _capital(fund: Fund) -> None:
    partners = [
        (_org(members_demo.CAS_HOLDINGS, "investor"), "1500000000.00", "2018-03-01"),
        (_org(*SHANDONG_FUND), "600000000.00", "2018-03-01"),
        (_org(*ZAOZHUANG_FUND), "400000000.00", "2018-04-01"),
    ]
    Commitment.objects.bulk_create(
        Commitment(
            fund=fund,
            limited_partner=partner,
            amount=Decimal(amount),
            committed_on=datetime.date.fromisoformat(day),
        )
        for partner, amount, day in partners
    )
    commitments = [(p.pk, Decimal(a)) for p, a, _ in partners]
    calls = [
        ("300000000.00", "2018-06-01"),
        ("500000000.00", "2019-09-02"),
        ("500000000.00", "2021-03-01"),
        ("400000000.00", "2023-04-03"),
    ]
    allocations: list[CapitalCallAllocation] = []
    for number, (amount, called) in enumerate(calls, start=1):
        call_date = datetime.date.fromisoformat(called)
        call = CapitalCall.objects.create(
            fund=fund,
            number=number,
            amount=Decimal(amount),
            call_date=call_date,
            due_date=call_date + datetime.timedelta(days=30),
            purpose=f"项目投资与管理费{DEMO}",
        )
        called_before = {
            partner: sum(
                (a.amount for a in allocations if a.limited_partner_id == partner), Decimal("0")
            )
            for partner, _ in commitments
        }
        parts = allocate(call.amount, commitments, called=called_before, number=number)
        created = CapitalCallAllocation.objects.bulk_create(
            CapitalCallAllocation(call=call, limited_partner_id=partner, amount=part)
            for partner, part in parts.items()
        )
        allocations.extend(created)
        # Paid by the due date; the Zaozhuang fund pays the second call in two instalments.
        payments = []
        for allocation in created:
            if number == 2 and allocation.limited_partner_id == partners[2][0].pk:
                first = (allocation.amount / 2).quantize(Decimal("0.01"))
                payments += [
                    Payment(allocation=allocation, amount=first, paid_on=call.call_date),
                    Payment(
                        allocation=allocation,
                        amount=allocation.amount - first,
                        paid_on=call.due_date,
                        reference="示例-2019-1010",
                    ),
                ]
            else:
                payments.append(
                    Payment(allocation=allocation, amount=allocation.amount, paid_on=call.due_date)
                )
        Payment.objects.bulk_create(payments)  # a trigger sums them into the allocations


def _deals(fund: Fund, owner) -> None:
    """Deals referred from the demo projects in industrialization or on the market."""
    rng = random.Random(2019)
    committed = Decimal("2500000000.00")
    invested_total = Decimal("0")
    projects = (
        Project.objects.filter(industrialization_started_on__isnull=False, title__endswith=DEMO)
        .select_related("enterprise")
        .order_by("industrialization_started_on", "id")
    )
    records = []
    for project in projects:
        if rng.random() > 0.45:
            continue
        start = project.industrialization_started_on + datetime.timedelta(days=rng.randint(30, 420))
        if start > TODAY - datetime.timedelta(days=20):
            continue
        path = [("sourced", start)]
        day = start
        for stage, low, high in (
            ("screening", 10, 45),
            ("due_diligence", 20, 90),
            ("committee", 30, 120),
            ("approved", 7, 40),
            ("invested", 20, 90),
        ):
            day = day + datetime.timedelta(days=rng.randint(low, high))
            if day > TODAY or (stage != "invested" and rng.random() < 0.18):
                break
            path.append((stage, day))
        declined = len(path) < 6 and path[-1][0] != "approved" and rng.random() < 0.5
        amount = Decimal(rng.randrange(20, 90)) * Decimal("1000000")
        if path[-1][0] == "invested" and invested_total + amount > committed:
            path.pop()
        records.append((project, path, declined, amount))
        if path[-1][0] == "invested":
            invested_total += amount
    deals = Deal.objects.bulk_create(
        Deal(
            fund=fund,
            company=project.enterprise,
            project=project,
            owner=owner,
            source="alliance",
            requested_amount=amount,
            pre_money_valuation=amount * rng.randint(4, 12),
            stage="declined" if declined else path[-1][0],
            stage_reason=f"估值与预期不符{DEMO}" if declined else "",
            stage_changed_at=_at(path[-1][1]),
        )
        for project, path, declined, amount in records
    )
    events = []
    for deal, (_project, path, declined, _amount) in zip(deals, records, strict=True):
        stages = [*path]
        if declined:
            stages.append(("declined", path[-1][1] + datetime.timedelta(days=5)))
        events += [
            DealEvent(
                deal=deal,
                from_status=stages[i - 1][0] if i else "",
                to_status=stage,
                at=_at(day),
                comment=f"联盟推荐{DEMO}" if not i else "",
            )
            for i, (stage, day) in enumerate(stages)
        ]
    DealEvent.objects.bulk_create(events)
    with connection.cursor() as cursor:
        # The deal was sourced on its first day, not today.
        cursor.execute(
            "UPDATE funds_deal d SET created = e.first FROM (SELECT deal_id, min(at) AS first "
            "FROM funds_dealevent WHERE deal_id = ANY(%s) GROUP BY deal_id) e "
            "WHERE d.id = e.deal_id",
            [[d.pk for d in deals]],
        )
    decided = {}
    for deal, (_project, path, _declined, _amount) in zip(deals, records, strict=True):
        stages = dict(path)
        if "approved" in stages:
            decided[deal.pk] = CommitteeDecision(
                deal=deal,
                meeting_date=stages["approved"],
                votes_for=rng.randint(4, 6),
                votes_against=rng.randint(0, 1),
                votes_abstain=rng.randint(0, 1),
                decision="approve",
                conditions=f"分期出资{DEMO}",
            )
    CommitteeDecision.objects.bulk_create(decided.values())
    investments = Investment.objects.bulk_create(
        Investment(
            deal=deal,
            fund=fund,
            amount=amount,
            invested_on=dict(path)["invested"],
            instrument=rng.choice(["equity", "preferred"]),
            stake=Decimal(rng.randint(5, 20)),
        )
        for deal, (_project, path, _declined, amount) in zip(deals, records, strict=True)
        if "invested" in dict(path)
    )
    exits, valuations = [], []
    for investment in investments:
        exited_on = investment.invested_on + datetime.timedelta(days=rng.randint(400, 1500))
        if exited_on <= TODAY and rng.random() < 0.5:
            kind = rng.choice(["ipo", "trade_sale", "buy_back", "write_off"])
            proceeds = (
                Decimal("0")
                if kind == "write_off"
                else (investment.amount * Decimal(rng.randint(12, 40)) / 10).quantize(
                    Decimal("0.01")
                )
            )
            exits.append(
                Exit(investment=investment, exited_on=exited_on, kind=kind, proceeds=proceeds)
            )
        else:
            valuations.append(
                Valuation(
                    investment=investment,
                    valued_on=datetime.date(2025, 12, 31),
                    fair_value=(investment.amount * Decimal(rng.randint(6, 30)) / 10).quantize(
                        Decimal("0.01")
                    ),
                    method=rng.choice(["recent_round", "multiples"]),
                )
            )
    Exit.objects.bulk_create(exits)
    # As exit_record does: a deal whose (only) holding is exited moves to ``exited``.
    for record in exits:
        Deal.objects.filter(pk=record.investment.deal_id).update(
            stage=DealStage.EXITED, stage_changed_at=_at(record.exited_on)
        )
    DealEvent.objects.bulk_create(
        DealEvent(
            deal_id=record.investment.deal_id,
            from_status=DealStage.INVESTED,
            to_status=DealStage.EXITED,
            at=_at(record.exited_on),
            comment=f"{record.get_kind_display()}{DEMO}",
        )
        for record in exits
    )
    Valuation.objects.bulk_create(v for v in valuations if v.valued_on >= v.investment.invested_on)
