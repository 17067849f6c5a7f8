"""State changes of the fund app: calls and payments, deal flow, decisions, investments, exits.

Writes are for the fund's team (and superusers); each function checks it, locks what it
changes, validates, records, and mails on commit. The rooms:

* ``capital``: the fund, commitments, capital calls and payments;
* ``deals``: sourcing, referral, moves, reopening, reviews, the investment committee;
* ``portfolio``: investments, valuations and exits;
* ``holding``: the holding's own direct investments (outside the funds).

``from funds import services; services.deal_move(...)`` reaches every one of them.
"""

from funds.services.capital import (
    capital_call_create,
    commitment_save,
    fund_save,
    payment_record,
)
from funds.services.common import check_team, on_team
from funds.services.deals import (
    committee_decide,
    deal_move,
    deal_refer_from_project,
    deal_reopen,
    deal_save,
    review_submit,
)
from funds.services.holding import holding_investment_save
from funds.services.portfolio import exit_record, investment_record, valuation_record

__all__ = [
    "capital_call_create",
    "check_team",
    "commitment_save",
    "committee_decide",
    "deal_move",
    "deal_refer_from_project",
    "deal_reopen",
    "deal_save",
    "exit_record",
    "fund_save",
    "holding_investment_save",
    "investment_record",
    "on_team",
    "payment_record",
    "review_submit",
    "valuation_record",
]
