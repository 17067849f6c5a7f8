from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Membership")

    def ready(self):
        from core.notify import register_audience
        from core.roles import SECRETARIAT, grant
        from members.models import Membership, MembershipApplication

        # The outbox shows the secretariat the mail about its alliances' records.
        register_audience(Membership, lambda user: Membership.objects.editable_by(user))
        register_audience(
            MembershipApplication, lambda user: MembershipApplication.objects.editable_by(user)
        )

        grant(
            SECRETARIAT,
            "members",
            {
                "alliance": ("view", "change"),
                "organization": ("view", "add", "change"),
                "membership": ("view", "add", "change"),
                "contact": ("view", "add", "change", "delete"),
                "membershipapplication": ("view", "change"),
                "membershipevent": ("view",),
            },
        )
