"""The Celery app: queues ``cpu`` and ``gpu``, settings from Django's ``CELERY_*``."""
from __future__ import annotations

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

app = Celery("webapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("cpu"), Queue("gpu"))
app.autodiscover_tasks()


def queue_for_device(device: str) -> str:
    """The queue whose workers can run on ``device`` (``cuda``/``cuda:N`` → ``gpu``)."""
    return "gpu" if device.startswith(("cuda", "gpu")) else "cpu"
