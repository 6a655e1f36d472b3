"""Writes for training runs and evaluations: start, cancel, run (worker side), reap stale runs.

A run's files live in ``VIGIL_MODEL_DIR/runs/<run id>/`` (``manifest.csv``, ``cache/`` of
decoded clips, ``out/last.pt``, ``out/best.pt``, ``out/metrics.json``), so a message delivered
again after its worker died resumes from ``last.pt`` instead of starting over. Claim,
heartbeat, cancel and the watchdog are :mod:`webapp.core.jobs`: every write of an execution is
conditional on its run token.
"""
from __future__ import annotations

import dataclasses
import logging
import math
import shutil
import tempfile
import uuid
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from inference.errors import Cancelled, VigilError
from webapp.celery import queue_for_device
from webapp.core import jobs
from webapp.datasets.models import Dataset
from webapp.datasets.services import dataset_write_manifest
from webapp.models_registry.models import ModelVersion
from webapp.models_registry.services import unique_version_name, weights_path, weights_store
from webapp.training_runs.models import (
    Evaluation,
    RunStatus,
    TrainingRun,
)
from webapp.videos.models import Analysis
from webapp.videos.services import analysis_start

logger = logging.getLogger(__name__)

TRAIN_TASK = "training_runs.train"
EVALUATE_TASK = "training_runs.evaluate"
RUNS_DIR = "runs"
PROGRESS_MIN_INTERVAL_SEC = 1.0
CANCEL_POLL_INTERVAL_SEC = 0.5

#: ``FinetuneConfig`` fields staff set, with their type and allowed range (inclusive).
SETTING_RULES: dict[str, tuple[type, float | None, float | None]] = {
    "epochs": (int, 1, 500),
    "batch_size": (int, 1, 512),
    "lr": (float, 1e-7, 1.0),
    "backbone_lr_mult": (float, 0.0, 10.0),
    "momentum": (float, 0.0, 0.999),
    "weight_decay": (float, 0.0, 1.0),
    "dropout": (float, 0.0, 0.95),
    "train_blocks": (int, -1, 100),
    "patience": (int, 1, 500),
    "segments": (int, 1, 32),
    "size": (int, 32, 512),
    "seed": (int, 0, 2**31 - 1),
    "target_precision": (float, 0.01, 1.0),
    "balanced": (bool, None, None),
    "freeze_bn": (bool, None, None),
    "corner_crop": (bool, None, None),
    "scale_jitter": (bool, None, None),
    "color_jitter": (bool, None, None),
    "flip": (bool, None, None),
    "optimizer": (str, None, None),
    "positive_label": (str, None, None),
    "cv_folds": (int, 0, 10),
}
OPTIMIZERS = ("adamw", "sgd")
#: A run from the web cross-validates its recipe on this many grouped folds unless told
#: otherwise: a best-epoch val score alone is noise on small val splits (#12).
DEFAULT_CV_FOLDS = 5


# --- Settings ------------------------------------------------------------------------------------

def training_defaults() -> dict[str, Any]:
    """The editable ``FinetuneConfig`` fields with their defaults."""
    from training.finetune import FinetuneConfig  # noqa: PLC0415  (torch: import when needed)

    defaults = {**dataclasses.asdict(FinetuneConfig()), "cv_folds": DEFAULT_CV_FOLDS}
    return {name: defaults[name] for name in SETTING_RULES}


def training_settings_clean(raw: dict[str, Any] | None) -> dict[str, Any]:
    """Defaults overridden by ``raw``; raises one ``ValidationError`` naming every bad field."""
    raw = dict(raw or {})
    unknown = sorted(set(raw) - set(SETTING_RULES))
    errors: dict[str, str] = {name: "unknown setting" for name in unknown}
    cleaned = training_defaults()
    for name, (kind, low, high) in SETTING_RULES.items():
        if name not in raw or raw[name] is None:
            continue
        value = raw[name]
        try:
            if kind is bool:
                if isinstance(value, str):
                    if value.lower() not in ("true", "false", "1", "0", "on", "off"):
                        raise ValueError
                    value = value.lower() in ("true", "1", "on")
                elif not isinstance(value, bool):
                    raise ValueError
            elif kind is str:
                value = " ".join(str(value).split())[:100]
            elif kind is int:
                if isinstance(value, bool) or float(value) != int(float(value)):
                    raise ValueError
                value = int(float(value))
            else:
                value = float(value)
                if not math.isfinite(value):
                    raise ValueError
        except (TypeError, ValueError):
            errors[name] = f"expected {kind.__name__}"
            continue
        if low is not None and not low <= value <= high:
            errors[name] = f"must be between {low:g} and {high:g}"
            continue
        cleaned[name] = value
    if cleaned["cv_folds"] == 1:
        errors["cv_folds"] = "0 (no cross-validation) or 2 to 10 folds"
    if cleaned["optimizer"] not in OPTIMIZERS:
        errors["optimizer"] = f"one of {', '.join(OPTIMIZERS)}"
    cleaned["positive_label"] = cleaned["positive_label"] or None
    if errors:
        raise ValidationError(errors)
    return cleaned


def training_queue(device: str) -> str:
    """``gpu`` for a CUDA device, ``VIGIL_AUTO_QUEUE`` for ``auto``, else ``cpu``."""
    if device == "auto":
        return getattr(settings, "VIGIL_AUTO_QUEUE", "cpu")
    return queue_for_device(device)


def run_dir(run: TrainingRun) -> Path:
    """The run's stable folder (survives a worker restart: resume reads ``out/last.pt``)."""
    return Path(settings.VIGIL_MODEL_DIR) / RUNS_DIR / str(run.pk)


# --- Start / cancel ------------------------------------------------------------------------------

def _split_labels(dataset: Dataset, split: str) -> set[str]:
    return set(dataset.clips.filter(split=split).values_list("label", flat=True).distinct())


def training_run_start(*, dataset: Dataset, base_version: ModelVersion,
                       options: dict[str, Any] | None = None,
                       created_by: AbstractBaseUser | None = None,
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
    elif len(_split_labels(dataset, "train") | _split_labels(dataset, "val")) < 2:
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
            queue=training_queue(device), celery_task_id=uuid.uuid4().hex)
        jobs.enqueue_on_commit(run, task=TRAIN_TASK, label="training run")
    return run


def _cv_groups(dataset: Dataset) -> int:
    """Source groups among the train and val clips (a clip without a group is its own)."""
    rows = dataset.clips.filter(split__in=("train", "val")).values_list("pk", "group")
    return len({group or f"clip-{pk}" for pk, group in rows})


def training_run_cancel(*, run: TrainingRun) -> TrainingRun:
    """Queued: cancelled now. Running: flagged; the worker stops before its next batch."""
    return jobs.job_cancel(run)


# --- Running (worker side) -----------------------------------------------------------------------

def _run_claim(*, run_id: str, task_id: str) -> tuple[TrainingRun, str] | None:
    """Make this execution the owner of the run (``core.jobs.job_claim``), or say why not
    (``None``); raises ``core.jobs.JobBusy`` while another execution's heartbeat is fresh."""
    return jobs.job_claim(
        TrainingRun.objects.select_related("dataset", "base_version"), pk=run_id,
        task_id=task_id, label="training run", stage="preparing", keep_started_at=True,
        refuse=lambda run: "the dataset was deleted" if run.dataset is None else "")


def _history_row(row: dict[str, Any]) -> dict[str, Any]:
    """The compact per-epoch row the run page plots."""
    return {"epoch": int(row["epoch"]), "train_loss": float(row["train_loss"]),
            "train_acc": float(row["train_accuracy"]), "val_loss": float(row["val_loss"]),
            "val_acc": float(row["val_accuracy"]), "val_macro_f1": float(row["val_macro_f1"]),
            "lr": float(row["lr"]), "sec": float(row.get("seconds", 0.0)),
            "improved": bool(row.get("improved"))}


def _best_metrics(row: dict[str, Any], labels: Iterable[str]) -> dict[str, Any]:
    """Best-epoch metrics stored on the run and its version (JSON-safe)."""
    keep = ("epoch", "val_accuracy", "val_loss", "val_macro_f1", "per_class",
            "confusion_matrix", "threshold_at_precision")
    return _json_safe({"labels": list(labels), **{k: row[k] for k in keep if k in row}})


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


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
        compact = _history_row(row)
        self.history = [r for r in self.history if r["epoch"] < compact["epoch"]] + [compact]
        self.epoch = compact["epoch"]
        self.batches = 0
        fields: dict[str, Any] = {"history": self.history, "epoch": self.epoch,
                                  "percent": self.percent(), "heartbeat_at": timezone.now()}
        if row.get("improved"):
            fields["best"] = _best_metrics(row, self.labels)
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


def _cv_metrics(doc: dict[str, Any]) -> dict[str, Any]:
    """What the run and its version keep of the CV report (no per-fold detail)."""
    cv = doc.get("cv")
    if not cv:
        return {}
    keep = ("k", "groups", "epochs", "judged_at", "accuracy_mean", "accuracy_std",
            "macro_f1_mean", "macro_f1_std")
    return {"cv": {k: cv[k] for k in keep},
            "cv_fold_accuracy": [f["accuracy"] for f in cv["folds"]],
            **({"optimism": doc["optimism"]} if "optimism" in doc else {})}


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
    metrics = {**_best_metrics(best_row, labels), **_cv_metrics(doc)}
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
                         f"(epoch {best_row['epoch']}){_cv_words(metrics)}"),
            weights_sha256=digest, metrics=metrics, training_run=row, dataset=row.dataset,
            created_by=row.created_by, is_active=True)
        row.result_version = version
        row.best = metrics
        row.history = [_history_row(r) for r in doc["epochs"]]
        row.epoch = max(history)
        row.status = RunStatus.CANCELLED if row.cancel_requested else RunStatus.SUCCEEDED
        row.stage = "done"
        row.percent = 100.0
        row.finished_at = row.heartbeat_at = timezone.now()
        row.save()
    return row.status


def _cv_words(metrics: dict[str, Any]) -> str:
    cv = metrics.get("cv")
    if not cv:
        return ""
    return (f"; grouped {cv['k']}-fold CV accuracy {cv['accuracy_mean']:.3f} "
            f"+- {cv['accuracy_std']:.3f}")


# --- Watchdog ------------------------------------------------------------------------------------

def training_runs_reap_stale(*, stale_after_sec: float | None = None,
                             now: datetime | None = None) -> list[jobs.ReapedJob]:
    """Running runs whose heartbeat is stale (``core.jobs.jobs_reap_stale``): re-queued (they
    resume from ``last.pt``) while attempts remain, else failed."""
    return jobs.jobs_reap_stale(TrainingRun.objects.all(), label="training run", task=TRAIN_TASK,
                           stale_after_sec=stale_after_sec, now=now)


# --- Evaluation ----------------------------------------------------------------------------------

def evaluation_start(*, version: ModelVersion, dataset: Dataset, split: str = "val",
                     created_by: AbstractBaseUser | None = None,
                     device: str | None = None) -> Evaluation:
    """Queue an evaluation of ``version`` (a trained or imported weights file) on a split."""
    if split not in ("train", "val", "test"):
        raise ValidationError({"split": "train, val or test"})
    if version.weights in ("default", "none") or not weights_path(version.weights).is_file():
        raise ValidationError({"version": "only versions with their own weights file (trained "
                                          "or imported) can be evaluated on a dataset"})
    labels = _split_labels(dataset, split)
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
            device=device, queue=training_queue(device), celery_task_id=uuid.uuid4().hex)
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
        metrics = _json_safe(evaluate_checkpoint(
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
    config = (evaluation.version.training_run.settings
              if evaluation.version.training_run_id else {})
    return config.get("positive_label", "fight")


# --- Re-scoring ----------------------------------------------------------------------------------

def analyses_rescore(*, analyses: Iterable[Analysis], version: ModelVersion,
                     created_by: AbstractBaseUser | None = None) -> list[Analysis]:
    """A new analysis of each analysis's video with ``version`` (same windows and threshold;
    the version's default labels). All are created, or none."""
    with transaction.atomic():
        return [analysis_start(video=old.video, created_by=created_by, model_version=version,
                               segment_sec=old.segment_sec, stride_sec=old.stride_sec,
                               threshold=old.threshold, device=old.device)
                for old in analyses]
