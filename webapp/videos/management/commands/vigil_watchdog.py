"""``manage.py vigil_watchdog``: fail or re-queue analyses whose worker stopped responding."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from webapp.videos.services import analyses_reap_stale


class Command(BaseCommand):
    help = "Re-queue (once) or fail running analyses whose heartbeat is stale."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--stale-after", type=float, default=None,
                            help="seconds without heartbeat (default VIGIL_STALE_AFTER_SEC)")
        parser.add_argument("--no-requeue", action="store_true",
                            help="mark stale analyses failed instead of re-queueing them")

    def handle(self, *args, **options) -> None:
        reaped = analyses_reap_stale(stale_after_sec=options["stale_after"],
                                     requeue=not options["no_requeue"])
        for item in reaped:
            self.stdout.write(f"{item.job_id}: {item.action} ({item.message})")
        self.stdout.write(f"{len(reaped)} stale analysis(es)")
