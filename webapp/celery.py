"""The Celery app: queues ``cpu`` and ``gpu``, settings from Django's ``CELERY_*``."""
from __future__ import annotations

import os

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

app = Celery("webapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
# One direct exchange per queue, so a message for ``gpu`` can never land in ``cpu`` too.
app.conf.task_queues = tuple(Queue(name, Exchange(name, type="direct"), routing_key=name)
                             for name in ("cpu", "gpu"))
app.conf.task_default_exchange = "cpu"
app.conf.task_default_routing_key = "cpu"
app.autodiscover_tasks()


def queue_for_device(device: str) -> str:
    """The queue whose workers can run on ``device`` (``cuda``/``cuda:N`` → ``gpu``)."""
    return "gpu" if device.startswith(("cuda", "gpu")) else "cpu"
