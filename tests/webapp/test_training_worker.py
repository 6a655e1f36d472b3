"""End to end: a real Celery worker subprocess fine-tunes the real EfficientNet-Lite0 TSN on a
few real fight-surv clips (CPU, tiny input), stores the model version and its metrics, and an
analysis then runs with that version."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inference.models.weights import read_checkpoint, sha256_file
from tests.webapp.conftest import SHORT_CLIP, wait_for
from tests.webapp.test_training_runs import TINY, TSN, make_dataset
from webapp.models_registry.models import ModelVersion
from webapp.models_registry.services import weights_path
from webapp.training_runs.models import (
    FINISHED_RUN_STATUSES,
    Evaluation,
    RunStatus,
    TrainingRun,
)
from webapp.videos.models import Analysis, AnalysisStatus

pytestmark = pytest.mark.slow


def test_a_real_worker_fine_tunes_a_version_that_an_analysis_then_uses(
        start_worker, worker_logs, api_client, staff_user, settings, tmp_path: Path):
    model_dir = tmp_path / "models"
    model_dir.mkdir()
    settings.VIGIL_MODEL_DIR = str(model_dir)
    worker = start_worker(VIGIL_MODEL_DIR=str(model_dir), VIGIL_TRAINING_WORKERS="2")
    worker_logs.append(worker)
    dataset = make_dataset(tmp_path, staff_user)
    base = ModelVersion.objects.create(name=TSN, arch=TSN, weights="default",
                                       labels=["x"] * 1000, is_default=True)
    api_client.force_authenticate(staff_user)
    response = api_client.post("/api/v1/training-runs/", {
        "dataset": dataset.pk, "base_version": base.pk,
        "settings": {**TINY, "epochs": 2}}, format="json")
    assert response.status_code == 201, response.content
    run = TrainingRun.objects.get(pk=response.json()["id"])
    assert (run.status, run.queue) == (RunStatus.QUEUED, "cpu")

    worker.wait_ready()
    wait_for(lambda: TrainingRun.objects.filter(pk=run.pk, status__in=FINISHED_RUN_STATUSES)
             .exists(), timeout=240, interval=0.25, message="the training run to finish")
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.attempts == 1 and run.percent == 100.0
    assert [row["epoch"] for row in run.history] == [1, 2]
    assert all(row["train_loss"] > 0 and 0 <= row["val_acc"] <= 1 for row in run.history)
    version = run.result_version
    assert version is not None and version.arch == TSN and version.is_active
    assert version.labels == ["fight", "no_fight"] and version.dataset_id == dataset.pk
    assert version.metrics == run.best and version.metrics["epoch"] in (1, 2)
    assert version.metrics["val_accuracy"] == max(row["val_acc"] for row in run.history)
    assert set(version.metrics["per_class"]) == {"fight", "no_fight"}
    stored = weights_path(version.weights)
    assert sha256_file(stored) == version.weights_sha256
    assert read_checkpoint(stored).extra["config"]["size"] == 64

    api = api_client.get(f"/api/v1/training-runs/{run.pk}/").json()
    assert api["status"] == "succeeded" and api["result_version"] == version.pk
    assert len(api["history"]) == 2

    # Evaluating the version on the val split runs through the worker too.
    response = api_client.post("/api/v1/evaluations/", {
        "version": version.pk, "dataset": dataset.pk, "split": "val"}, format="json")
    assert response.status_code == 201, response.content
    evaluation = Evaluation.objects.get(pk=response.json()["id"])
    wait_for(lambda: Evaluation.objects.filter(pk=evaluation.pk,
                                               status__in=FINISHED_RUN_STATUSES).exists(),
             timeout=120, interval=0.25, message="the evaluation to finish")
    evaluation.refresh_from_db()
    assert evaluation.status == RunStatus.SUCCEEDED, evaluation.error
    assert evaluation.metrics["clips"] == 2 and (evaluation.metrics["segments"],
                                                 evaluation.metrics["size"]) == (2, 64)
    assert evaluation.metrics["accuracy"] == pytest.approx(version.metrics["val_accuracy"])

    # An analysis with the new version runs through the same worker.
    response = api_client.post("/api/v1/videos/", {
        "file": SimpleUploadedFile(SHORT_CLIP.name, SHORT_CLIP.read_bytes()),
        "model_version": version.pk, "segment_sec": "2", "stride_sec": "2"},
        format="multipart")
    assert response.status_code == 201, response.content
    analysis = Analysis.objects.get(pk=response.json()["analysis"]["id"])
    wait_for(lambda: Analysis.objects.filter(
        pk=analysis.pk, status__in=(AnalysisStatus.SUCCEEDED, AnalysisStatus.FAILED)).exists(),
        timeout=180, interval=0.25, message="the analysis to finish")
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.SUCCEEDED, analysis.error
    assert analysis.model_version_id == version.pk and analysis.untrained is False
    assert analysis.model_weights == f"file:{version.weights_sha256}"
    assert {label for s in analysis.segments.all() for label, _ in s.top} <= {"fight", "no_fight"}


def test_a_run_whose_worker_was_killed_resumes_from_its_last_checkpoint(
        start_worker, worker_logs, staff_user, settings, tmp_path: Path):
    from webapp.training_runs import services

    model_dir = tmp_path / "models"
    model_dir.mkdir()
    settings.VIGIL_MODEL_DIR = str(model_dir)
    env = {"VIGIL_MODEL_DIR": str(model_dir), "VIGIL_TRAINING_WORKERS": "2"}
    first = start_worker(**env)
    worker_logs.append(first)
    dataset = make_dataset(tmp_path, staff_user, train=3, val=1)
    base = ModelVersion.objects.create(name=TSN, arch=TSN, weights="default")
    run = services.training_run_start(
        dataset=dataset, base_version=base, created_by=staff_user,
        options={**TINY, "epochs": 4, "size": 112, "segments": 4, "batch_size": 2})
    first.wait_ready()
    wait_for(lambda: TrainingRun.objects.filter(pk=run.pk, epoch__gte=1).exists(),
             timeout=180, interval=0.05, message="the first epoch")
    first.kill()  # SIGKILL mid-run: no ack, no final write
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.attempts == 1
    done_before = list(run.history)
    assert 1 <= len(done_before) < 4, "the run finished before the worker could be killed"

    # The watchdog notices the stale heartbeat and queues the run again; a new worker resumes.
    wait_for(lambda: services.training_runs_reap_stale(stale_after_sec=2.0), timeout=30,
             interval=0.5, message="the watchdog to re-queue the run")
    second = start_worker(**env)
    worker_logs.append(second)
    wait_for(lambda: TrainingRun.objects.filter(pk=run.pk, status__in=FINISHED_RUN_STATUSES)
             .exists(), timeout=240, interval=0.25, message="the resumed run to finish")
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.attempts == 2
    assert [row["epoch"] for row in run.history] == [1, 2, 3, 4]
    # The epochs finished before the kill were not trained again (same rows, same timings).
    assert run.history[:len(done_before)] == done_before
    assert run.result_version is not None
    assert read_checkpoint(weights_path(run.result_version.weights)).labels == ("fight",
                                                                                 "no_fight")
