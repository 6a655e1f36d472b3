"""``manage.py vigil_cameras``: the camera worker (see :mod:`webapp.cameras.worker`)."""
from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from webapp.cameras.worker import CameraWorker


class Command(BaseCommand):
    help = ("Run live cameras: claim camera leases, watch their streams, record incidents. "
            "Run one per machine (or more); SIGTERM stops it cleanly.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--max-cameras", type=int, default=None,
                            help="Most cameras at once (default VIGIL_CAMERA_MAX_PER_WORKER).")
        parser.add_argument("--lease-sec", type=float, default=None,
                            help="Lease length (default VIGIL_CAMERA_LEASE_SEC).")
        parser.add_argument("--tick-sec", type=float, default=None,
                            help="Renew/claim/write interval (default VIGIL_CAMERA_TICK_SEC).")
        parser.add_argument("--alive-file", default=None,
                            help="Touched every tick (a container health check reads its age).")
        parser.add_argument("--worker-id", default=None,
                            help="Name shown on the ops page (default: host, pid, random).")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()

        def on_signal(signum: int, frame: object) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        worker = CameraWorker(worker_id=options["worker_id"], max_cameras=options["max_cameras"],
                              tick_sec=options["tick_sec"], lease_sec=options["lease_sec"],
                              alive_file=options["alive_file"])
        self.stdout.write(f"camera worker {worker.worker_id} started")
        worker.run(stop=stop)
        lingering = [t.name for t in threading.enumerate() if t.name.startswith("vigil-live")]
        if lingering:
            # A monitor thread still inside FFmpeg or torch after its stop timeout would turn
            # interpreter shutdown into an abort ("terminate called without an active
            # exception"); leases are released and rows written, so leave without finalising.
            logging.getLogger(__name__).warning("leaving %d monitor threads behind: %s",
                                                len(lingering), ", ".join(lingering))
            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
