"""Start, cancel and reap training runs (the web side; the worker side is :mod:`.training`).

A run's files live in ``VIGIL_MODEL_DIR/runs/<run id>/`` (``manifest.csv``, ``cache/`` of
decoded clips, ``out/last.pt``, ``out/best.pt``, ``out/metrics.json``), so a message delivered
again after its worker died resumes from ``last.pt`` instead of starting over.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from training.datasets import clip_group
from webapp.celery import queue_for_device
from webapp.core import jobs
from webapp.datasets.models import Dataset
from webapp.models_registry.models import ModelVersion
from webapp.models_registry.services import weights_path
from webapp.training_runs.models import TrainingRun
from webapp.training_runs.selectors import dataset_split_labels
from webapp.training_runs.services.recipe import training_settings_clean

TRAIN_TASK = "training_runs.train"
RUNS_DIR = "runs"


def run_dir(run: TrainingRun) -> Path:
    """The run's stable folder (survives a worker restart: resume reads ``out/last.pt``)."""
    return Path(settings.VIGIL_MODEL_DIR) / RUNS_DIR / str(run.pk)


def training_run_start(*, dataset: Dataset, base_version: ModelVersion,
                       options: dict[str, Any] | None = None,
                       created_by: User | None = None,
                       device: str | None = None) -> TrainingRun:
    """Validate, create a queued run and queue its task once the transaction commits."""
    from inference.errors import ModelError  # noqa: PLC0415
    from training.finetune import backbone_name  # noqa: PLC0415

    errors: dict[str, str] = {}
    try:
        backbone_name(base_version.arch)
    except ModelError as exc:
        errors["base_version"] = str(exc)
    if base_version.weights not in ("default", "none") and not weights_path(
            base_version.weights).is_file():
        errors["base_version"] = f"the weights file of {base_version.name} is missing"
    counts = dict(dataset.clips.values_list("split").annotate(n=Count("id")))
    if not counts.get("train") or not counts.get("val"):
        errors["dataset"] = ("the dataset needs train and val clips (has "
                             f"{counts.get('train', 0)} train, {counts.get('val', 0)} val)")
    elif len(dataset_split_labels(dataset, "train") | dataset_split_labels(dataset, "val")) < 2:
        errors["dataset"] = "the dataset needs clips of at least two labels"
    try:
        cleaned = training_settings_clean(options)
    except ValidationError as exc:
        errors.update({k: "; ".join(v) for k, v in exc.message_dict.items()})
    else:
        groups = _cv_groups(dataset)
        if cleaned["cv_folds"] and groups < cleaned["cv_folds"]:
            errors["cv_folds"] = (f"the train and val clips come from {groups} source groups: "
                                  f"too few for {cleaned['cv_folds']} folds")
    if errors:
        raise ValidationError(errors)
    device = device or settings.VIGIL_TRAINING_DEVICE
    if device not in ("cpu", "auto") and not device.startswith("cuda"):
        raise ValidationError({"device": "cpu, cuda, cuda:N or auto"})
    model = base_version.arch.split(".", 1)[0]
    init = base_version.weights
    if init not in ("default", "none"):
        init = str(weights_path(init))
    with transaction.atomic():
        run = TrainingRun.objects.create(
            dataset=dataset, base_version=base_version, created_by=created_by,
            settings={**cleaned, "model": model, "init_weights": init}, device=device,
            queue=queue_for_device(device), celery_task_id=uuid.uuid4().hex)
        jobs.enqueue_on_commit(run, task=TRAIN_TASK, label="training run")
    return run


def _cv_groups(dataset: Dataset) -> int:
    """Source groups among the train and val clips, as the worker's folds will see them
    (``training.datasets.clip_group``)."""
    rows = dataset.clips.filter(split__in=("train", "val")).values_list("file", "group")
    return len({clip_group(group, file) for file, group in rows})


def training_run_cancel(*, run: TrainingRun) -> TrainingRun:
    """Queued: cancelled now. Running: flagged; the worker stops before its next batch."""
    return jobs.job_cancel(run)


def training_runs_reap_stale(*, stale_after_sec: float | None = None,
                             now: datetime | None = None) -> list[jobs.ReapedJob]:
    """Running runs whose heartbeat is stale (``core.jobs.jobs_reap_stale``): re-queued (they
    resume from ``last.pt``) while attempts remain, else failed."""
    return jobs.jobs_reap_stale(TrainingRun.objects.all(), label="training run", task=TRAIN_TASK,
                           stale_after_sec=stale_after_sec, now=now)
