from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from members.services import memberships_remind_renewal


class Command(BaseCommand):
    help = (
        "Mail each member whose term ends in N days (default 30) a renewal reminder, through "
        "the outbox. Run it daily (cron, systemd timer); a second run on one day mails nobody."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="Days before the term ends.")

    def handle(self, *args, days: int, **options):
        reminded = memberships_remind_renewal(today=timezone.localdate(), days=days)
        for membership, mailing in reminded:
            self.stdout.write(f"{membership}: {mailing.summary()}")
        self.stdout.write(
            _("%(count)d term(s) end in %(days)d days.") % {"count": len(reminded), "days": days}
        )
