"""Delete the files of background exports and imports past their expiry (run by cron).

An export's file is kept ``EXPORT_EXPIRY_HOURS`` (a day by default); afterwards its page and
its download answer 410 Gone. A job that never finished by then is marked failed. The jobs
themselves are forgotten ``--keep-days`` after they expired.
"""

from django.core.management.base import BaseCommand

from core.jobs import delete_expired


class Command(BaseCommand):
    help = "Delete the files of expired exports and imports; forget long-expired jobs."

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-days",
            type=int,
            default=7,
            help="Days an expired job is still listed (its download answers 410 Gone).",
        )

    def handle(self, *, keep_days: int, **options):
        files, forgotten = delete_expired(keep_days=keep_days)
        self.stdout.write(f"{files} expired file(s) deleted, {forgotten} old job(s) forgotten.")
