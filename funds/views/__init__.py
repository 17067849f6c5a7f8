"""The fund app's pages, in rooms: ``capital`` (fund, calls, payments, notices), ``deals``
(board, table, deal page) and ``referral`` (the project page's panel). ``funds.urls`` and
``funds.apps`` reach every view from here."""

from funds.views.capital import (
    allocation_payment,
    capital_call_create,
    capital_call_detail,
    fund_detail,
    fund_list,
)
from funds.views.deals import (
    board,
    deal_create,
    deal_detail,
    deal_move,
    deal_reopen,
    deal_table,
    decision_add,
    exit_add,
    investment_add,
    review_add,
    valuation_add,
)
from funds.views.referral import project_deals_panel, project_refer

__all__ = [
    "allocation_payment",
    "board",
    "capital_call_create",
    "capital_call_detail",
    "deal_create",
    "deal_detail",
    "deal_move",
    "deal_reopen",
    "deal_table",
    "decision_add",
    "exit_add",
    "fund_detail",
    "fund_list",
    "investment_add",
    "project_deals_panel",
    "project_refer",
    "review_add",
    "valuation_add",
]
