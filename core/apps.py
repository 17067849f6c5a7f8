from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.models.signals import post_migrate

        from core import checks  # noqa: F401 - registers the deployment checks
        from core.roles import FUND_MANAGER, SECRETARIAT, ensure_role_groups, grant

        # Both follow the outbox of their records (scoped by OutboxMessage.visible_to).
        grant(SECRETARIAT, "core", {"outboxmessage": ("view",)})
        grant(FUND_MANAGER, "core", {"outboxmessage": ("view",)})

        # Groups need the permissions, which exist only after every app has migrated.
        post_migrate.connect(ensure_role_groups, dispatch_uid="core.ensure_role_groups")
