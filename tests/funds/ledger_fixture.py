"""A fund with two partners, three calls, payments, investments, a valuation and an exit,
written as raw rows, and an independent computation of what the statements must say.

The fund (amounts in 元):

* partner A commits 60,000,000, partner B 40,000,000;
* call 1 (2023-03-01): 20,000,000 → A 12,000,000 paid 2023-03-20, B 8,000,000 paid 2023-04-10;
* call 2 (2024-01-15): 10,000,000.01 → A 6,000,000.01 paid 2024-02-01, B 4,000,000.00 of
  which 2,000,000.00 paid 2024-02-10;
* call 3 (2024-09-01): 5,000,000 → A 3,000,000, B 2,000,000, unpaid;
* 15,000,000 invested 2023-05-01 in 聚乳酸科技R, valued 18,000,000 on 2023-12-31 and
  21,500,000 on 2024-08-15;
* 5,000,000 invested 2024-03-01 in 光伏膜材料R, sold 2024-06-30 for 7,777,777.77.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from funds.models import (
    CapitalCall,
    CapitalCallAllocation,
    Exit,
    Investment,
    Payment,
    Valuation,
)
from tests.factories import (
    CommitmentFactory,
    ContactFactory,
    DealFactory,
    FundFactory,
    OrganizationFactory,
)

D = Decimal
day = datetime.date.fromisoformat


@dataclass
class Ledger:
    fund: object
    a: object
    b: object
    liaison_a: object
    calls: list
    commitments: dict  # partner id → amount
    allocations: list  # (partner id, call number, call date, amount, paid, paid on)
    distributions: list  # (date, amount)
    investments: list  # (invested on, cost, [(valued on, value)], exit (date, proceeds) | None)


def make_ledger(team) -> Ledger:
    fund = FundFactory(
        name="先进材料产业基金R",
        team=team,
        vintage_year=2023,
        bank_account_name="先进材料产业基金R（有限合伙）",
        bank_name="中国银行滕州支行",
        bank_account_number="2345 6789 0123 4567",
    )
    a = OrganizationFactory(
        name="中国科学院控股有限公司R", name_en="CAS Holdings R", kind="investor"
    )
    b = OrganizationFactory(
        name="山东省引导基金R", name_en="Shandong Guidance Fund R", kind="investor"
    )
    liaison_a = ContactFactory(
        organization=a, name="王晓明", title="投资总监", email="wang@cas-r.cn", is_primary=True
    )
    ContactFactory(organization=a, name="李四", email="li@cas-r.cn")
    ContactFactory(organization=b, name="赵敏", email="zhao@sd-r.cn", is_primary=True)
    commitments = {a.pk: D("60000000.00"), b.pk: D("40000000.00")}
    for partner, amount in ((a, commitments[a.pk]), (b, commitments[b.pk])):
        CommitmentFactory(fund=fund, limited_partner=partner, amount=amount)
    rows = [
        # number, call date, due, total, [(partner, part, paid, paid on)]
        (1, "2023-03-01", "2023-03-31", "20000000.00", [
            (a, "12000000.00", "12000000.00", "2023-03-20"),
            (b, "8000000.00", "8000000.00", "2023-04-10"),
        ]),
        (2, "2024-01-15", "2024-02-15", "10000000.01", [
            (a, "6000000.01", "6000000.01", "2024-02-01"),
            (b, "4000000.00", "2000000.00", "2024-02-10"),
        ]),
        (3, "2024-09-01", "2024-09-30", "5000000.00", [
            (a, "3000000.00", "0", None),
            (b, "2000000.00", "0", None),
        ]),
    ]  # fmt: skip
    calls, allocations = [], []
    for number, called, due, total, parts in rows:
        call = CapitalCall.objects.create(
            fund=fund,
            number=number,
            amount=D(total),
            call_date=day(called),
            due_date=day(due),
            purpose="项目投资（测试）",
        )
        calls.append(call)
        for partner, part, paid, paid_on in parts:
            allocation = CapitalCallAllocation.objects.create(
                call=call, limited_partner=partner, amount=D(part)
            )
            if paid_on:  # the allocation's paid amount follows its payments (a trigger)
                Payment.objects.create(allocation=allocation, amount=D(paid), paid_on=day(paid_on))
            allocations.append(
                (partner.pk, number, day(called), D(part), D(paid), paid_on and day(paid_on))
            )
    pla = DealFactory(
        fund=fund, stage="invested", company__name="聚乳酸科技R", company__name_en="PLA Tech R"
    )
    film = DealFactory(
        fund=fund, stage="invested", company__name="光伏膜材料R", company__name_en="PV Film R"
    )
    first = Investment.objects.create(
        deal=pla, fund=fund, amount=D("15000000.00"), invested_on=day("2023-05-01")
    )
    Valuation.objects.create(
        investment=first, valued_on=day("2023-12-31"), fair_value=D("18000000.00")
    )
    Valuation.objects.create(
        investment=first, valued_on=day("2024-08-15"), fair_value=D("21500000.00")
    )
    second = Investment.objects.create(
        deal=film, fund=fund, amount=D("5000000.00"), invested_on=day("2024-03-01")
    )
    Exit.objects.create(
        investment=second, exited_on=day("2024-06-30"), kind="trade_sale", proceeds=D("7777777.77")
    )
    return Ledger(
        fund=fund,
        a=a,
        b=b,
        liaison_a=liaison_a,
        calls=calls,
        commitments=commitments,
        allocations=allocations,
        distributions=[(day("2024-06-30"), D("7777777.77"))],
        investments=[
            (
                day("2023-05-01"),
                D("15000000.00"),
                [(day("2023-12-31"), D("18000000.00")), (day("2024-08-15"), D("21500000.00"))],
                None,
            ),
            (day("2024-03-01"), D("5000000.00"), [], (day("2024-06-30"), D("7777777.77"))),
        ],
    )


def add_rows(ledger):
    """One more partner, call, investment, valuation and exit in the ledger's fund."""
    fund = ledger.fund
    partner = OrganizationFactory(kind="investor")
    CommitmentFactory(fund=fund, limited_partner=partner, amount=D("5000000.00"))
    call = CapitalCall.objects.create(
        fund=fund,
        number=4,
        amount=D("1000000.00"),
        call_date=datetime.date(2024, 11, 1),
        due_date=datetime.date(2024, 11, 30),
    )
    for member in (ledger.a, ledger.b, partner):
        allocation = CapitalCallAllocation.objects.create(
            call=call, limited_partner=member, amount=D("333333.33")
        )
        Payment.objects.create(
            allocation=allocation, amount=D("333333.33"), paid_on=datetime.date(2024, 11, 20)
        )
    for n in range(3):
        deal = DealFactory(fund=fund, stage="invested")
        investment = Investment.objects.create(
            deal=deal, fund=fund, amount=D("100000.00"), invested_on=datetime.date(2024, 10, 1)
        )
        Valuation.objects.create(
            investment=investment, valued_on=datetime.date(2024, 11, 1), fair_value=D(n + 1)
        )
        if n == 2:
            Exit.objects.create(
                investment=investment,
                exited_on=datetime.date(2024, 12, 1),
                kind="trade_sale",
                proceeds=D("200000.00"),
            )


# --- The independent computation: straight from the rows above, in Decimal ------------------


def paid_by(ledger: Ledger, partner_id: int, on: datetime.date) -> Decimal:
    return sum(
        (
            paid
            for p, _, _, _, paid, paid_on in ledger.allocations
            if p == partner_id and paid_on and paid_on <= on
        ),
        D(0),
    )


def nav(ledger: Ledger, on: datetime.date) -> Decimal:
    holdings = invested = D(0)
    for invested_on, cost, valuations, exit_ in ledger.investments:
        if invested_on > on:
            continue
        invested += cost
        if exit_ and exit_[0] <= on:
            continue
        values = [v for d, v in valuations if d <= on]
        holdings += values[-1] if values else cost
    paid = sum((paid_by(ledger, p, on) for p in ledger.commitments), D(0))
    return holdings + max(paid - invested, D(0))


def exact_share(amount: Decimal, partner_id: int, ledger: Ledger, on: datetime.date) -> Fraction:
    """The unrounded pro-rata share of ``amount`` by paid-in capital on ``on`` (by the
    commitments while nothing is paid in)."""
    weights = {p: paid_by(ledger, p, on) for p in ledger.commitments}
    if not any(weights.values()):
        weights = ledger.commitments
    return Fraction(amount) * Fraction(weights[partner_id]) / Fraction(sum(weights.values()))


def expected_account(ledger: Ledger, partner_id: int, on: datetime.date) -> dict:
    called = sum(
        (
            amt
            for p, _, called_on, amt, _, _ in ledger.allocations
            if p == partner_id and called_on <= on
        ),
        D(0),
    )
    paid = paid_by(ledger, partner_id, on)
    distributions = [
        exact_share(amount, partner_id, ledger, d) for d, amount in ledger.distributions if d <= on
    ]
    return {
        "commitment": ledger.commitments[partner_id],
        "called": called,
        "paid": paid,
        "outstanding": called - paid,
        "unfunded": ledger.commitments[partner_id] - called,
        "distributions_exact": sum(distributions, Fraction(0)),
        "nav_share_exact": exact_share(nav(ledger, on), partner_id, ledger, on),
    }
