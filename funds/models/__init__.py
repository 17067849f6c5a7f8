"""The funds app's models: funds, capital, deal flow and portfolio."""

from funds.models.capital import (
    AllocationQuerySet,
    CapitalCall,
    CapitalCallAllocation,
    Commitment,
    Payment,
    PaymentQuerySet,
)
from funds.models.deals import (
    CommitteeDecision,
    Deal,
    DealChildQuerySet,
    DealEvent,
    DealQuerySet,
    DealReview,
)
from funds.models.funds import (
    MONEY,
    NOT_NEGATIVE,
    POSITIVE,
    Fund,
    FundQuerySet,
    FundScopedQuerySet,
    ReviewCriterion,
)
from funds.models.holding import HoldingInvestment
from funds.models.portfolio import Exit, Investment, InvestmentChildQuerySet, Valuation

__all__ = [
    "AllocationQuerySet",
    "CapitalCall",
    "CapitalCallAllocation",
    "Commitment",
    "CommitteeDecision",
    "Deal",
    "DealChildQuerySet",
    "DealEvent",
    "DealQuerySet",
    "DealReview",
    "Exit",
    "Fund",
    "HoldingInvestment",
    "FundQuerySet",
    "FundScopedQuerySet",
    "Investment",
    "InvestmentChildQuerySet",
    "MONEY",
    "NOT_NEGATIVE",
    "POSITIVE",
    "Payment",
    "PaymentQuerySet",
    "ReviewCriterion",
    "Valuation",
]
