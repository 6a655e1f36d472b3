"""Analyses on ``auto`` devices: queued to VIGIL_AUTO_QUEUE, run on CUDA where the worker has
it (CPU here); GPU memory is handed back after each task."""
from __future__ import annotations

import pytest
import torch
from celery import signals
from django.core.exceptions import ValidationError

from webapp.celery import queue_for_device
from webapp.videos import services

pytestmark = pytest.mark.django_db


def test_auto_goes_to_the_configured_queue(settings):
    assert queue_for_device("auto") == "cpu"
    settings.VIGIL_AUTO_QUEUE = "gpu"
    assert queue_for_device("auto") == "gpu"
    assert queue_for_device("cpu") == "cpu" and queue_for_device("cuda:0") == "gpu"


def test_an_auto_analysis_runs_on_what_the_worker_has(owned, settings, monkeypatch):
    video, _ = owned
    settings.VIGIL_AUTO_QUEUE = "gpu"
    analysis = services.analysis_start(video=video, device="auto")
    assert (analysis.device, analysis.queue) == ("auto", "gpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert services.pipeline_config(analysis).device == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert services.pipeline_config(analysis).device == "cuda"
    with pytest.raises(ValidationError, match="cpu, cuda, cuda:N or auto"):
        services.analysis_start(video=video, device="tpu")


def test_gpu_memory_is_released_after_every_task(monkeypatch):
    """Celery's ``task_postrun`` hands cached CUDA blocks back (CUDA faked as in use)."""
    emptied: list[bool] = []
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_initialized", lambda: True)
    monkeypatch.setattr(torch.cuda, "empty_cache", lambda: emptied.append(True))
    signals.task_postrun.send(sender=None, task_id="t-1", task=None, args=(), kwargs={})
    assert emptied == [True]
    monkeypatch.setattr(torch.cuda, "is_initialized", lambda: False)  # CUDA never used
    signals.task_postrun.send(sender=None, task_id="t-2", task=None, args=(), kwargs={})
    assert emptied == [True]
