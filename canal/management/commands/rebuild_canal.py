import time

from django.core.management.base import BaseCommand

from projects import hops


class Command(BaseCommand):
    help = (
        "Rebuild the canal's stored hops (each achievement's first date per hop) and their "
        "histograms from the recorded history: status events, project dates, deals, "
        "investments and exits. Run it after loading data around the services."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check that the histograms agree with the hop rows; exit 1 if not.",
        )

    def handle(self, *args, check: bool, **options):
        if check:
            if not hops.cells_consistent():
                self.stderr.write("The canal's histograms disagree with its hop rows.")
                raise SystemExit(1)
            self.stdout.write(self.style.SUCCESS("The canal's histograms agree."))
            return
        started = time.perf_counter()
        count = hops.rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"Canal rebuilt: {count} achievements with hops "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )
