from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Commercialization")

    def ready(self):
        from alliance.canal import register_hops
        from alliance.validation import register_database_rule
        from projects.canal import hops

        register_hops(hops)

        register_database_rule(
            "projects_inventor_shares_sum_100",
            _("The inventors' shares of a submitted achievement must sum to exactly 100 %."),
        )
        register_database_rule(
            "projects_project_from_accepted_achievement",
            _("A project is opened only from an accepted achievement."),
        )
