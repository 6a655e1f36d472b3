"""The worker side of a training run: claim it, fine-tune (resuming from ``last.pt``),
cross-validate its recipe when asked, and keep the best checkpoint as a new model version.

Claim, heartbeat, cancel and the watchdog are :mod:`webapp.core.jobs`: every write of an
execution is conditional on its run token.
"""
from __future__ import annotations

import dataclasses
import logging
import math
import shutil
from pathlib import Path
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inference.errors import Cancelled, VigilError
from webapp.core import jobs
from webapp.datasets.services import dataset_write_manifest
from webapp.models_registry.models import ModelVersion
from webapp.models_registry.services import unique_version_name, weights_path, weights_store
from webapp.training_runs.models import RunStatus, TrainingRun
from webapp.training_runs.services.metrics import (
    best_metrics,
    cv_metrics,
    cv_words,
    history_row,
)
from webapp.training_runs.services.runs import run_dir

logger = logging.getLogger(__name__)

PROGRESS_MIN_INTERVAL_SEC = 1.0
CANCEL_POLL_INTERVAL_SEC = 0.5


def _run_claim(*, run_id: str, task_id: str) -> tuple[TrainingRun, str] | None:
    """Make this execution the owner of the run (``core.jobs.job_claim``), or say why not
    (``None``); raises ``core.jobs.JobBusy`` while another execution's heartbeat is fresh."""
    return jobs.job_claim(
        TrainingRun.objects.select_related("dataset", "base_version"), pk=run_id,
        task_id=task_id, label="training run", stage="preparing", keep_started_at=True,
        refuse=lambda run: "the dataset was deleted" if run.dataset is None else "")


class _TrainReporter(jobs.JobReporter):
    """``finetune``'s callbacks for one execution; writes are conditional on its token.

    Progress counts the run's epochs and, when it cross-validates, each fold's epochs too
    (``1 + cv_folds`` runs of ``epochs`` each)."""

    progress_interval_sec = PROGRESS_MIN_INTERVAL_SEC
    poll_interval_sec = CANCEL_POLL_INTERVAL_SEC

    def __init__(self, run: TrainingRun, token: str, *, batches_per_epoch: int) -> None:
        super().__init__(run, token)
        self.epochs = max(int(run.settings.get("epochs", 1)), 1)
        self.runs = 1 + int(run.settings.get("cv_folds", 0) or 0)
        self.labels: list[str] = list(run.labels)
        self.batches_per_epoch = max(batches_per_epoch, 1)
        self.history: list[dict[str, Any]] = list(run.history)
        self.epoch = run.epoch
        self.run_index = 0
        self.batches = 0
        self.stage = "training"

    def percent(self) -> float:
        done = (self.run_index * self.epochs + self.epoch
                + min(self.batches / self.batches_per_epoch, 0.99))
        return round(100.0 * min(done / (self.runs * self.epochs), 0.99), 1)

    def should_stop(self) -> bool:
        """Asked before every batch: counts progress, polls for cancel / lost ownership."""
        self.batches += 1
        return self.should_cancel()

    def on_check(self, now: float) -> None:
        self.progress(self.stage, self.percent(), heartbeat_at=timezone.now())

    def on_epoch(self, row: dict[str, Any]) -> None:
        """Store the epoch as soon as it ends (a resumed run replaces rows it redoes)."""
        compact = history_row(row)
        self.history = [r for r in self.history if r["epoch"] < compact["epoch"]] + [compact]
        self.epoch = compact["epoch"]
        self.batches = 0
        fields: dict[str, Any] = {"history": self.history, "epoch": self.epoch,
                                  "percent": self.percent(), "heartbeat_at": timezone.now()}
        if row.get("improved"):
            fields["best"] = best_metrics(row, self.labels)
        self.update(**fields)

    def on_fold(self, fold: int, folds: int) -> None:
        """A cross-validation fold starts (its epochs count as progress, not history)."""
        self.run_index, self.epoch, self.batches = fold + 1, 0, 0
        self.stage = f"cross-validation fold {fold + 1}/{folds}"
        self.update(stage=self.stage, percent=self.percent(), heartbeat_at=timezone.now())

    def on_fold_epoch(self, row: dict[str, Any]) -> None:
        self.epoch, self.batches = int(row["epoch"]), 0
        self.update(percent=self.percent(), heartbeat_at=timezone.now())


def _cross_validate(run: TrainingRun, doc: dict[str, Any], *, clips: list[Any], config: Any,
                    folder: Path, reporter: _TrainReporter) -> dict[str, Any]:
    """The run's ``metrics.json`` with its recipe's grouped k-fold CV (when asked for)."""
    from training.finetune_cv import attach_cv, cross_validate_finetune  # noqa: PLC0415

    if not config.cv_folds:
        return doc
    try:
        cv = cross_validate_finetune(
            clips, config=config, k=config.cv_folds, out_dir=folder / "cv",
            cache_dir=folder / "cache", on_fold=reporter.on_fold,
            on_epoch=reporter.on_fold_epoch, should_stop=reporter.should_stop,
            log=lambda message: logger.info("training run %s (cv): %s", run.pk, message))
    except ValueError as exc:  # too few source groups for the folds
        raise VigilError(f"cross-validation: {exc}") from exc
    return attach_cv(doc, cv, out_dir=folder / "out")


def training_run_execute(*, run_id: str, task_id: str = "") -> str:
    """Fine-tune for one run (resuming from its ``last.pt``) and, on success, create its
    model version. Returns the final status (``skipped`` / ``lost`` when not the owner)."""
    claim = _run_claim(run_id=run_id, task_id=task_id)
    if claim is None:
        return "skipped"
    from training.datasets import load_manifest  # noqa: PLC0415  (torch: workers only)
    from training.finetune import FinetuneConfig, finetune  # noqa: PLC0415

    run, token = claim
    folder = run_dir(run)
    status, error = RunStatus.FAILED, ""
    heartbeat: jobs.Heartbeat | None = None
    reporter: _TrainReporter | None = None
    try:
        if run.dataset is None:  # refused at the claim; deleted since
            raise VigilError("the dataset was deleted")
        manifest = dataset_write_manifest(dataset=run.dataset, directory=folder,
                                          splits=("train", "val"))
        clips = load_manifest(manifest, splits=("train", "val"), check_decode=False)
        train = [c for c in clips if c.split == "train"]
        val = [c for c in clips if c.split == "val"]
        config = FinetuneConfig(**{**run.settings, "device": run.device,
                                   "workers": settings.VIGIL_TRAINING_WORKERS})
        labels = sorted({c.label for c in clips})
        TrainingRun.objects.filter(pk=run.pk, run_token=token).update(labels=labels)
        run.labels = labels
        per_epoch = (math.ceil(len(train) / config.batch_size)
                     + math.ceil(len(val) / config.batch_size))
        reporter = _TrainReporter(run, token, batches_per_epoch=per_epoch)
        heartbeat = jobs.Heartbeat(reporter)
        heartbeat.start()
        reporter.update(stage="decoding clips")
        doc = finetune(train, val, out_dir=folder / "out", config=config,
                       on_epoch=reporter.on_epoch, should_stop=reporter.should_stop,
                       resume=True, cache_dir=folder / "cache",
                       log=lambda message: logger.info("training run %s: %s", run.pk, message))
        doc = _cross_validate(run, doc, clips=clips, config=config, folder=folder,
                              reporter=reporter)
    except Cancelled:
        if reporter is not None and reporter.timed_out:
            error = _time_limit_message()
        elif reporter is not None and reporter.lost:
            logger.info("training run %s: this execution lost ownership; stopping", run.pk)
            return "lost"
        else:
            status, error = RunStatus.CANCELLED, "cancelled"
    except SoftTimeLimitExceeded:
        error = _time_limit_message()
    except VigilError as exc:
        error = exc.message
    except Exception as exc:
        logger.exception("training run %s failed", run.pk)
        error = f"internal error: {type(exc).__name__}: {exc}"
    else:
        final = _run_complete(run=run, token=token, doc=doc, folder=folder)
        if final != "lost":
            shutil.rmtree(folder / "cache", ignore_errors=True)
        return final
    finally:
        if heartbeat is not None:
            heartbeat.stop()
    updated = jobs.job_end(TrainingRun, pk=run.pk, token=token, status=status, error=error)
    if updated:  # finished for good: the decoded frames are not needed any more
        shutil.rmtree(folder / "cache", ignore_errors=True)
    return status if updated else "lost"


def _time_limit_message() -> str:
    return f"the training run ran past its time limit of {settings.VIGIL_TASK_SOFT_TIME_LIMIT} s"


def _run_complete(*, run: TrainingRun, token: str, doc: dict[str, Any], folder: Path) -> str:
    """Store the best checkpoint as a new model version and finish the run."""
    from inference import models as registry  # noqa: PLC0415

    config, labels = doc["config"], list(doc["labels"])
    history = {row["epoch"]: row for row in doc["epochs"]}
    best_row = history.get((doc.get("best") or {}).get("epoch"))
    if best_row is None or not (folder / "out" / "best.pt").is_file():
        jobs.job_end(TrainingRun, pk=run.pk, token=token, status=RunStatus.FAILED,
                error="no epoch finished: nothing to keep")
        return RunStatus.FAILED
    metrics = {**best_metrics(best_row, labels), **cv_metrics(doc)}
    name = unique_version_name(f"{config['model']}.ft-{str(run.pk)[:8]}")
    relative, digest = weights_store(
        source=folder / "out" / "best.pt", arch=config["model"], labels=labels, name=name,
        extra={"epoch": best_row["epoch"], "config": config, "metrics": metrics,
               "training_run": str(run.pk)})
    spec = dataclasses.asdict(registry.trained_input_spec(  # the snippets and size it was
        registry.get(config["model"]).input_spec, doc["input_spec"]))  # trained at
    dataset_name = run.dataset.name if run.dataset else "?"
    with transaction.atomic():
        row = TrainingRun.objects.select_for_update().filter(pk=run.pk).first()
        if row is None or row.run_token != token:
            weights_path(relative).unlink(missing_ok=True)
            return "lost"
        version = ModelVersion.objects.create(
            name=name, arch=config["model"], weights=relative, labels=labels,
            input_spec=spec,
            description=(f"fine-tuned on {dataset_name} from "
                         f"{run.base_version.name if run.base_version else config['model']}: "
                         f"val accuracy {metrics.get('val_accuracy', 0):.3f} "
                         f"(epoch {best_row['epoch']}){cv_words(metrics)}"),
            weights_sha256=digest, metrics=metrics, training_run=row, dataset=row.dataset,
            created_by=row.created_by, is_active=True)
        row.result_version = version
        row.best = metrics
        row.history = [history_row(r) for r in doc["epochs"]]
        row.epoch = max(history)
        row.status = RunStatus.CANCELLED if row.cancel_requested else RunStatus.SUCCEEDED
        row.stage = "done"
        row.percent = 100.0
        row.finished_at = row.heartbeat_at = timezone.now()
        row.save()
    return row.status
