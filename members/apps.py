from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Membership")

    def ready(self):
        from core.roles import SECRETARIAT, grant

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
