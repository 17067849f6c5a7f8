from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Currency(models.TextChoices):
    CNY = "CNY", _("Chinese yuan")
    USD = "USD", _("US dollar")
    EUR = "EUR", _("Euro")
    HKD = "HKD", _("Hong Kong dollar")


class FundStatus(models.TextChoices):
    FUNDRAISING = "fundraising", _("Fundraising")
    INVESTING = "investing", _("Investing")
    HARVESTING = "harvesting", _("Harvesting")
    CLOSED = "closed", _("Closed")


class DealStage(models.TextChoices):
    SOURCED = "sourced", _("Sourced")
    SCREENING = "screening", _("Screening")
    DUE_DILIGENCE = "due_diligence", _("Due diligence")
    COMMITTEE = "committee", _("Investment committee")
    APPROVED = "approved", _("Approved")
    INVESTED = "invested", _("Invested")
    EXITED = "exited", _("Exited")
    DECLINED = "declined", _("Declined")
    ON_HOLD = "on_hold", _("On hold")


# The board's columns, in order; declined and on-hold deals are listed beside it.
BOARD_STAGES = (
    DealStage.SOURCED,
    DealStage.SCREENING,
    DealStage.DUE_DILIGENCE,
    DealStage.COMMITTEE,
    DealStage.APPROVED,
    DealStage.INVESTED,
    DealStage.EXITED,
)
# Reached by a move; ``approved`` only through an approving committee decision,
# ``invested`` only by recording an investment and ``exited`` only by recording the exit of
# the deal's last holding.
MOVE_PATH = (DealStage.SOURCED, DealStage.SCREENING, DealStage.DUE_DILIGENCE, DealStage.COMMITTEE)
OPEN_STAGES = (*MOVE_PATH, DealStage.APPROVED)
REASONED_STAGES = (DealStage.DECLINED, DealStage.ON_HOLD)
# A declined deal is reopened (with a reason) into screening: ``deal_reopen``.
REOPENABLE_STAGES = (DealStage.DECLINED,)
REOPEN_STAGE = DealStage.SCREENING


def legal_moves(stage: str, resume_stage: str = "") -> tuple[str, ...]:
    """The stages ``deal_move`` may take a deal to. ``invested`` and ``exited`` have none
    (an exit is recorded, not moved to), nor has ``declined``: it is reopened instead."""
    if stage in MOVE_PATH[:-1]:
        following = MOVE_PATH[MOVE_PATH.index(stage) + 1]
        return (following, DealStage.ON_HOLD, DealStage.DECLINED)
    if stage in (DealStage.COMMITTEE, DealStage.APPROVED):
        return (DealStage.ON_HOLD, DealStage.DECLINED)
    if stage == DealStage.ON_HOLD:
        return tuple(s for s in (resume_stage, DealStage.DECLINED) if s)
    return ()


class DealSource(models.TextChoices):
    ALLIANCE = "alliance", _("Alliance referral")
    OWN = "own", _("Own sourcing")
    CO_INVESTOR = "co_investor", _("Co-investor")
    OTHER = "other", _("Other")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", pgettext_lazy("investment committee", "Reject")
    DEFER = "defer", _("Defer")


class Instrument(models.TextChoices):
    EQUITY = "equity", _("Ordinary equity")
    PREFERRED = "preferred", _("Preferred equity")
    CONVERTIBLE = "convertible", _("Convertible note")
    LOAN = "loan", _("Shareholder loan")


class ValuationMethod(models.TextChoices):
    COST = "cost", pgettext_lazy("valuation method", "Cost")
    RECENT_ROUND = "recent_round", _("Price of recent investment")
    MULTIPLES = "multiples", _("Market multiples")
    DCF = "dcf", _("Discounted cash flow")
    QUOTED = "quoted", _("Quoted market price")


class ExitKind(models.TextChoices):
    IPO = "ipo", _("IPO")
    TRADE_SALE = "trade_sale", _("Trade sale")
    BUY_BACK = "buy_back", _("Buy-back")
    WRITE_OFF = "write_off", _("Write-off")


class AllocationStatus(models.TextChoices):
    DUE = "due", pgettext_lazy("payment status", "Unpaid")
    PARTIAL = "partial", _("Partially paid")
    PAID = "paid", pgettext_lazy("payment status", "Paid")


# The review criteria a new fund starts with: key, label, weight.
DEFAULT_CRITERIA = [
    ("technology", _("Technology"), 25),
    ("market", _("Market"), 20),
    ("team", _("Team"), 15),
    ("ip_strength", _("IP strength"), 15),
    ("import_substitution", _("Import-substitution significance"), 15),
    ("financials", _("Financials"), 10),
]


# A project is handed over to a fund's deal flow from industrialization on.
REFERABLE_PROJECT_STAGES = ("industrialization", "market", "completed")
