"""The Celery app: queues ``cpu`` and ``gpu``, settings from Django's ``CELERY_*``."""
from __future__ import annotations

import os
import sys

from celery import Celery, signals
from kombu import Exchange, Queue

from webapp.core import logs, workers

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

app = Celery("webapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
# One direct exchange per queue, so a message for ``gpu`` can never land in ``cpu`` too.
app.conf.task_queues = tuple(Queue(name, Exchange(name, type="direct"), routing_key=name)
                             for name in ("cpu", "gpu"))
app.conf.task_default_exchange = "cpu"
app.conf.task_default_routing_key = "cpu"
app.autodiscover_tasks()

# Logging: Django's LOGGING (JSON or text) for the worker too, every record of a task tagged
# with its task id, the ids its arguments name (analysis_id, training_run_id, ...) and the
# request id of the web request that sent it.
signals.celeryd_init.connect(logs.on_worker_init, weak=False)
signals.setup_logging.connect(logs.configure_worker_logging, weak=False)
signals.celeryd_after_setup.connect(logs.quiet_banner, weak=False)
signals.task_prerun.connect(logs.on_task_prerun, weak=False)
signals.before_task_publish.connect(logs.on_before_task_publish, weak=False)
signals.task_postrun.connect(logs.on_task_postrun, weak=False)

# Workers announce themselves (a heartbeat row): /ops/ and /healthz work on every broker.
signals.worker_ready.connect(workers.on_worker_ready, weak=False)
signals.worker_shutdown.connect(workers.on_worker_shutdown, weak=False)


def queue_for_device(device: str) -> str:
    """The queue whose workers can run on ``device`` (``cuda``/``cuda:N`` → ``gpu``; ``auto``
    → ``VIGIL_AUTO_QUEUE``, whose workers use CUDA when they have it)."""
    if device == "auto":
        from django.conf import settings  # noqa: PLC0415

        return getattr(settings, "VIGIL_AUTO_QUEUE", "cpu")
    return "gpu" if device.startswith(("cuda", "gpu")) else "cpu"


def _release_gpu_memory(**_) -> None:
    """After each task: hand cached CUDA memory back (only where torch is loaded and used)."""
    if "torch" in sys.modules:
        from inference.classify import release_cuda_memory  # noqa: PLC0415

        release_cuda_memory()


signals.task_postrun.connect(_release_gpu_memory, weak=False)
