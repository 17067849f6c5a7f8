"""Enqueue the outbox messages whose sending is overdue (a safety net run by cron).

A message's sending is enqueued when its transaction commits; should that enqueue have been
lost (the process died in between), the message stays queued and this command picks it up.
Enqueuing twice is harmless: the task locks the message and sends it once.
"""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from core.models import OutboxMessage, OutboxStatus
from core.tasks import send_outbox_message


class Command(BaseCommand):
    help = "Enqueue the sending of outbox messages left queued past their time."

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace",
            type=int,
            default=10,
            help="Minutes a due message may wait for its task before it is enqueued again.",
        )

    def handle(self, *, grace: int, **options):
        cutoff = timezone.now() - datetime.timedelta(minutes=grace)
        ids = list(
            OutboxMessage.objects.filter(
                status=OutboxStatus.QUEUED, next_attempt_at__lte=cutoff
            ).values_list("pk", flat=True)
        )
        for message_id in ids:
            send_outbox_message.enqueue(message_id)
        self.stdout.write(f"{len(ids)} overdue message(s) enqueued.")
