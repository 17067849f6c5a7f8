from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("Industry funds")

    def ready(self):
        from core.canal import register_hops
        from core.notify import register_audience, register_renderer
        from core.panels import register_panel
        from core.validation import register_database_rule
        from funds.canal import hops
        from funds.models import CapitalCall
        from funds.notices import allocation_notice
        from funds.views import project_deals_panel

        register_hops(hops)
        # The outbox: the fund's team follows the mail about its capital calls.
        register_audience(CapitalCall, lambda user: CapitalCall.objects.editable_by(user))
        # Call notices are printed by the outbox's worker, not in the request.
        register_renderer("funds.call_notice", allocation_notice)
        register_panel("project_detail", project_deals_panel)
        register_database_rule(
            "funds_investment_within_commitments",
            _("The fund cannot invest more than its limited partners committed."),
        )
        register_database_rule(
            "funds_calls_within_commitments",
            _("The fund cannot call more than its limited partners committed."),
        )
