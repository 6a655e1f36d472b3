"""Evaluations: one model version's metrics on one split of a dataset (queued, run by a
worker with ``training.finetune.evaluate_checkpoint``)."""
from __future__ import annotations

import logging
import shutil
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from inference.errors import VigilError
from webapp.celery import queue_for_device
from webapp.core import jobs
from webapp.datasets.models import Dataset
from webapp.datasets.services import dataset_write_manifest
from webapp.models_registry.models import ModelVersion
from webapp.models_registry.services import weights_path
from webapp.training_runs.models import Evaluation, RunStatus
from webapp.training_runs.selectors import dataset_split_labels
from webapp.training_runs.services.metrics import json_safe

logger = logging.getLogger(__name__)

EVALUATE_TASK = "training_runs.evaluate"


def evaluation_start(*, version: ModelVersion, dataset: Dataset, split: str = "val",
                     created_by: User | None = None,
                     device: str | None = None) -> Evaluation:
    """Queue an evaluation of ``version`` (a trained or imported weights file) on a split."""
    if split not in ("train", "val", "test"):
        raise ValidationError({"split": "train, val or test"})
    if version.weights in ("default", "none") or not weights_path(version.weights).is_file():
        raise ValidationError({"version": "only versions with their own weights file (trained "
                                          "or imported) can be evaluated on a dataset"})
    labels = dataset_split_labels(dataset, split)
    if not labels:
        raise ValidationError({"split": f"the dataset has no {split} clips"})
    unknown = sorted(labels - set(version.labels))
    if unknown:
        raise ValidationError({"dataset": f"labels the version does not know: "
                                          f"{', '.join(unknown)}"})
    device = device or settings.VIGIL_TRAINING_DEVICE
    with transaction.atomic():
        evaluation = Evaluation.objects.create(
            version=version, dataset=dataset, split=split, created_by=created_by,
            device=device, queue=queue_for_device(device), celery_task_id=uuid.uuid4().hex)
        jobs.enqueue_on_commit(evaluation, task=EVALUATE_TASK, label="evaluation")
    return evaluation


def evaluation_execute(*, evaluation_id: str) -> str:
    """Run one evaluation (``training.finetune.evaluate_checkpoint``) and store its metrics."""
    if not jobs.job_start(Evaluation, pk=evaluation_id):
        return "skipped"
    evaluation = Evaluation.objects.select_related("version", "dataset").get(pk=evaluation_id)
    from training.datasets import load_manifest  # noqa: PLC0415  (torch: workers only)
    from training.finetune import evaluate_checkpoint  # noqa: PLC0415

    status, error, metrics = RunStatus.FAILED, "", {}
    directory = Path(tempfile.mkdtemp(prefix="vigil-eval-"))
    try:
        manifest = dataset_write_manifest(dataset=evaluation.dataset, directory=directory,
                                          splits=(evaluation.split,))
        clips = load_manifest(manifest, splits=(evaluation.split,), check_decode=False)
        metrics = json_safe(evaluate_checkpoint(
            weights_path(evaluation.version.weights), clips,
            workers=settings.VIGIL_TRAINING_WORKERS, positive_label=_positive(evaluation)))
        metrics["labels"] = list(evaluation.version.labels)
        status = RunStatus.SUCCEEDED
    except VigilError as exc:
        error = exc.message
    except Exception as exc:
        logger.exception("evaluation %s failed", evaluation_id)
        error = f"internal error: {type(exc).__name__}: {exc}"
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    jobs.job_end(Evaluation, pk=evaluation.pk, token=None, status=status, error=error,
            metrics=metrics)
    return status


def _positive(evaluation: Evaluation) -> str | None:
    run = evaluation.version.training_run
    config = run.settings if run is not None else {}
    return config.get("positive_label", "fight")
