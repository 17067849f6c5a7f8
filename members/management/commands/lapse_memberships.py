from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Membership
from members.services import memberships_lapse


class Command(BaseCommand):
    help = (
        "Mark memberships whose term has ended as lapsed, and list the terms ending in the "
        "next N days. Run it daily (cron, systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=30, help="Look-ahead for terms ending soon (default 30)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Only list; change nothing.")

    def handle(self, *args, days: int, dry_run: bool, **options):
        today = timezone.localdate()
        if dry_run:
            ended = list(
                Membership.objects.current()
                .filter(term_end__lt=today)
                .select_related("alliance", "organization")
            )
            verb = _("would lapse")
        else:
            ended = memberships_lapse(today=today)
            verb = _("lapsed")
        for membership in ended:
            self.stdout.write(f"{verb}: {membership} ({membership.term_end})")
        self.stdout.write(
            _("%(count)d membership(s) %(verb)s.") % {"count": len(ended), "verb": verb}
        )
        ending = (
            Membership.objects.ending_within(days, today=today)
            .select_related("alliance", "organization")
            .order_by("term_end", "alliance__name")
        )
        self.stdout.write(_("Terms ending in the next %(days)d days:") % {"days": days})
        for membership in ending:
            self.stdout.write(f"  {membership.term_end}  {membership}")
