"""Demo data of the fund app: the Advanced Materials Industry Fund of CAS.

CAS Holdings is the anchor limited partner; the deal from the DMTO project books the 850
million yuan that went into Levima Advanced Materials. Other partners, deals and figures are
illustrative (marked 示例). Idempotent: nothing is written when the fund exists.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from funds.choices import DEFAULT_CRITERIA
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
    Investment,
    ReviewCriterion,
    Valuation,
)
from members.models import Contact, Organization
from projects.models import Project

FUND_NAME = "中国科学院先进材料产业基金"


def _at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day + "T10:00:00"))


def _org(name: str, kind: str, name_en: str = "", city: str = "") -> Organization:
    organization = Organization.objects.matching(name=name)
    if organization is None:
        organization = Organization.objects.create(name=name, name_en=name_en, kind=kind, city=city)
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


def load(fund_user=None) -> Fund:
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
    manager = _org(
        "国科先进材料产业基金管理有限公司（示例）",
        "investor",
        "CAS Advanced Materials Fund Management (demo)",
        "滕州",
    )
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
    partners = [
        (_org("中国科学院控股有限公司", "investor"), "1500000000.00", "2018-01-10"),
        (
            _org(
                "山东省新旧动能转换引导基金（示例）",
                "investor",
                "Shandong Guidance Fund (demo)",
                "济南",
            ),
            "600000000.00",
            "2018-01-10",
        ),
        (
            _org(
                "枣庄市产业投资基金（示例）", "investor", "Zaozhuang Industry Fund (demo)", "枣庄"
            ),
            "400000000.00",
            "2018-02-01",
        ),
    ]
    for partner, amount, day in partners:
        Commitment.objects.create(
            fund=fund,
            limited_partner=partner,
            amount=Decimal(amount),
            committed_on=datetime.date.fromisoformat(day),
        )
    commitments = [(p.pk, Decimal(a)) for p, a, _ in partners]
    for number, (amount, called, due) in enumerate(
        [
            ("500000000.00", "2018-06-01", "2018-06-30"),
            ("900000000.00", "2019-09-25", "2019-10-10"),
            ("200000000.00", "2020-04-15", "2020-05-05"),
        ],
        start=1,
    ):
        call = CapitalCall.objects.create(
            fund=fund,
            number=number,
            amount=Decimal(amount),
            call_date=datetime.date.fromisoformat(called),
            due_date=datetime.date.fromisoformat(due),
            purpose="项目投资与管理费（示例）",
        )
        CapitalCallAllocation.objects.bulk_create(
            CapitalCallAllocation(
                call=call,
                limited_partner_id=partner,
                amount=part,
                paid_amount=part,
                paid_on=call.due_date,
            )
            for partner, part in allocate(call.amount, commitments).items()
        )

    dmto_project = Project.objects.filter(title__startswith="DMTO").first()
    levima = Organization.objects.get(name="联泓新材料科技股份有限公司")
    gz = Organization.objects.get(name="中国科学院广州化学有限公司")
    pla = _org(
        "长春聚乳酸科技有限公司（示例）", "enterprise", "Changchun PLA Technology (demo)", "长春"
    )
    demo_em = Organization.objects.get(name="示范电子材料有限公司（示例）")
    separator = _org(
        "锂电隔膜科技有限公司（示例）", "enterprise", "Battery Separator Tech (demo)", "常州"
    )
    path = ["sourced", "screening", "due_diligence", "committee", "approved", "invested"]

    def deal(company, amount, pre_money, days, *, project=None, reason=""):
        stages = path[: len(days)]
        if reason:
            stages = [*stages[:-1], "declined"]
        record = Deal.objects.create(
            fund=fund,
            company=company,
            project=project,
            owner=owner,
            source="alliance",
            requested_amount=Decimal(amount),
            pre_money_valuation=Decimal(pre_money),
            stage=stages[-1],
            stage_reason=reason,
            stage_changed_at=_at(days[-1]),
        )
        DealEvent.objects.bulk_create(
            DealEvent(
                deal=record,
                from_status=stages[i - 1] if i else "",
                to_status=stage,
                at=_at(days[i]),
                comment=reason if stage == "declined" else "",
            )
            for i, stage in enumerate(stages)
        )
        Deal.objects.filter(pk=record.pk).update(created=_at(days[0]))
        return record

    levima_deal = deal(
        levima,
        "850000000.00",
        "6000000000.00",
        ["2019-06-20", "2019-07-01", "2019-07-20", "2019-09-10", "2019-09-20", "2019-10-15"],
        project=dmto_project,
    )
    CommitteeDecision.objects.create(
        deal=levima_deal,
        meeting_date=datetime.date(2019, 9, 20),
        votes_for=5,
        votes_against=0,
        votes_abstain=1,
        decision="approve",
        conditions="分期到位（示例）",
    )
    levima_investment = Investment.objects.create(
        deal=levima_deal,
        fund=fund,
        amount=Decimal("850000000.00"),
        invested_on=datetime.date(2019, 10, 15),
        instrument="equity",
        stake=Decimal("12.400"),
    )
    Valuation.objects.create(
        investment=levima_investment,
        valued_on=datetime.date(2025, 12, 31),
        fair_value=Decimal("1600000000.00"),
        method="quoted",
    )
    gz_deal = deal(
        gz,
        "120000000.00",
        "800000000.00",
        ["2019-09-01", "2019-10-08", "2019-12-01", "2020-03-20", "2020-04-02", "2020-05-10"],
    )
    CommitteeDecision.objects.create(
        deal=gz_deal,
        meeting_date=datetime.date(2020, 4, 2),
        votes_for=4,
        votes_against=1,
        votes_abstain=0,
        decision="approve",
    )
    gz_investment = Investment.objects.create(
        deal=gz_deal,
        fund=fund,
        amount=Decimal("120000000.00"),
        invested_on=datetime.date(2020, 5, 10),
        instrument="preferred",
        stake=Decimal("15.000"),
    )
    Valuation.objects.create(
        investment=gz_investment,
        valued_on=datetime.date(2023, 12, 31),
        fair_value=Decimal("210000000.00"),
        method="recent_round",
    )
    Exit.objects.create(
        investment=gz_investment,
        exited_on=datetime.date(2025, 6, 30),
        kind="ipo",
        proceeds=Decimal("360000000.00"),
    )
    deal(
        pla, "60000000.00", "300000000.00", ["2026-08-01", "2026-08-20", "2026-09-15", "2026-11-02"]
    )
    deal(demo_em, "80000000.00", "500000000.00", ["2026-10-10", "2026-10-28"])
    deal(
        separator,
        "100000000.00",
        "1200000000.00",
        ["2025-03-01", "2025-03-20", "2025-04-30"],
        reason="估值过高（示例）",
    )
    return fund
