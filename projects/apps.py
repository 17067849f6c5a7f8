from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Commercialization")

    def ready(self):
        from core.canal import register_hops
        from core.notify import register_audience
        from core.roles import SECRETARIAT, grant
        from core.validation import register_database_rule
        from projects.canal import hops
        from projects.models import Achievement, Project

        register_hops(hops)
        # The outbox: mail about an achievement to its reviewers, about a project to those
        # who run it.
        register_audience(Achievement, lambda user: Achievement.objects.reviewed_by(user))
        register_audience(Project, lambda user: Project.objects.runnable_by(user))
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
