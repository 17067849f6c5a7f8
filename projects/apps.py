from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Commercialization")

    def ready(self):
        from core.canal import register_hops
        from core.roles import SECRETARIAT, grant
        from core.validation import register_database_rule
        from projects.canal import hops

        register_hops(hops)
        grant(
            SECRETARIAT,
            "projects",
            {
                "achievement": ("view",),
                "achievementevent": ("view",),
                "project": ("view", "change"),
                "projectevent": ("view",),
                "milestone": ("view", "add", "change"),
                "product": ("view", "change"),
            },
        )

        register_database_rule(
            "projects_inventor_shares_sum_100",
            _("The inventors' shares of a submitted achievement must sum to exactly 100 %."),
        )
        register_database_rule(
            "projects_project_from_accepted_achievement",
            _("A project is opened only from an accepted achievement."),
        )
