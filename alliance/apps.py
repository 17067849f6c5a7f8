from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AllianceConfig(AppConfig):
    name = "alliance"
    verbose_name = _("Alliance portal")

    def ready(self):
        from alliance.roles import ensure_role_groups

        # Groups need the permissions, which exist only after every app has migrated.
        post_migrate.connect(ensure_role_groups, dispatch_uid="alliance.ensure_role_groups")
