from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("Industry funds")

    def ready(self):
        from core.canal import register_history, register_hops
        from core.notify import register_audience, register_renderer
        from core.panels import register_panel
        from core.validation import register_database_rule
        from funds.canal import HISTORY, hops
        from funds.holding import organization_investments_panel
        from funds.models import CapitalCall
        from funds.notices import allocation_notice
        from funds.views import project_deals_panel
        from members.roles import HOLDING_ANALYST, grant

        # The holding's direct investments: the analysts read them in the admin; only an
        # administrator writes them (``HoldingInvestment.objects.may_write``).
        grant(HOLDING_ANALYST, "funds", {"holdinginvestment": ("view",)})
        register_hops(hops)
        register_history("funds", HISTORY)
        # The outbox: the fund's team follows the mail about its capital calls.
        register_audience(CapitalCall, lambda user: CapitalCall.objects.editable_by(user))
        # Call notices are printed by the outbox's worker, not in the request.
        register_renderer("funds.call_notice", allocation_notice)
        register_panel("project_detail", project_deals_panel)
        register_panel("organization_detail", organization_investments_panel)
        register_database_rule(
            "funds_investment_within_commitments",
            _("The fund cannot invest more than its limited partners committed."),
        )
        register_database_rule(
            "funds_investment_not_before_approval",
            _("An investment needs an approved deal and cannot precede the committee's approval."),
        )
        register_database_rule(
            "funds_exit_not_before_investment",
            _("An exit cannot precede the investment."),
        )
        register_database_rule(
            "funds_calls_within_commitments",
            _("The fund cannot call more than its limited partners committed."),
        )
        register_database_rule(
            "funds_payment_not_before_call",
            _("A payment cannot be dated before its capital call."),
        )
        register_database_rule(
            "funds_payment_not_in_future", _("A payment cannot be dated in the future.")
        )
        register_database_rule(
            "funds_payment_within_allocation",
            _("The payments cannot exceed what the limited partner was called."),
        )
        register_database_rule(
            "funds_commitments_cover_calls_and_investments",
            _("The commitments cannot fall below what the fund has called or invested."),
        )
        register_database_rule(
            "funds_commitment_covers_partner_calls",
            _("A commitment cannot fall below what the limited partner was already called."),
        )
        register_database_rule(
            "funds_valuation_not_in_future", _("A valuation cannot be dated in the future.")
        )
        register_database_rule(
            "funds_holdinginvestment_investor_is_investor",
            _("The investor is the holding: an organisation of the kind “Investor”."),
        )
        register_database_rule(
            "funds_holdinginvestment_not_in_future",
            _("An investment cannot be dated in the future."),
        )
        register_database_rule(
            "funds_deal_stakes_within_100",
            _("The stakes of one deal's investments cannot add up to more than 100 %."),
        )
