from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.services import milestones_mail_overdue_digest


class Command(BaseCommand):
    help = (
        "Mail each project's enterprise and pilot centre the digest of its overdue "
        "milestones, through the outbox. Run it weekly (cron, systemd timer)."
    )

    def handle(self, *args, **options):
        digests = milestones_mail_overdue_digest(today=timezone.localdate())
        for project, mailing in digests:
            self.stdout.write(f"{project}: {mailing.summary()}")
        self.stdout.write(
            _("%(count)d project(s) have overdue milestones.") % {"count": len(digests)}
        )
