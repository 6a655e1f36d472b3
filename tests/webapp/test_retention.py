"""Retention: old uploads, renders, thumbnails, alert media, orphans and cached flow go;
recent ones, dataset clips and model files stay (real database and files)."""
from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.webapp.conftest import SHORT_CLIP, wait_for
from webapp.core.retention import retention_run

pytestmark = pytest.mark.django_db(transaction=True)

DAY_SEC = 86400


def age(path: Path, days: float) -> None:
    stamp = time.time() - days * DAY_SEC
    os.utime(path, (stamp, stamp))


@pytest.fixture
def world(owned, user, settings, tmp_path):
    """An old video (10 days, with outputs), a new one, dataset clips, models, flow cache."""
    from webapp.videos import services
    from webapp.videos.models import Video

    media = Path(settings.MEDIA_ROOT)
    old_video, old_analysis = owned
    Video.objects.filter(pk=old_video.pk).update(created_at=timezone.now() - timedelta(days=10))
    new_video, _ = services.video_upload(
        owner=user, upload=SimpleUploadedFile("new.mp4", SHORT_CLIP.read_bytes()))
    dataset_clip = media / "datasets" / "7" / "clip.mp4"
    dataset_clip.parent.mkdir(parents=True)
    dataset_clip.write_bytes(b"dataset clip")
    orphan = media / "analyses" / "gone" / "annotated.mp4"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"left over by a crash")
    fresh_orphan = media / "videos" / "zz" / "uploading.mp4"
    fresh_orphan.parent.mkdir(parents=True)
    fresh_orphan.write_bytes(b"being stored right now")
    models = tmp_path / "models"
    models.mkdir()
    (models / "weights.pt").write_bytes(b"model")
    settings.VIGIL_MODEL_DIR = str(models)
    flow = tmp_path / "flow"
    (flow / "aa").mkdir(parents=True)
    (flow / "bb").mkdir(parents=True)
    (flow / "aa" / "dis-112x112-b20.npz").write_bytes(b"old flow")
    (flow / "bb" / "dis-112x112-b20.npz").write_bytes(b"new flow")
    settings.VIGIL_FLOW_CACHE_DIR = str(flow)
    for path in (dataset_clip, orphan, models / "weights.pt", flow / "aa" / "dis-112x112-b20.npz",
                 *(media / name for name in (old_video.file, old_video.thumbnail,
                                             old_analysis.annotated_file,
                                             old_analysis.results_file))):
        age(path, 10)
    return {"old": (old_video, old_analysis), "new": new_video, "dataset": dataset_clip,
            "orphan": orphan, "fresh_orphan": fresh_orphan, "model": models / "weights.pt",
            "flow": flow, "media": media}


def test_old_media_goes_and_everything_else_stays(world, settings):
    from webapp.videos.models import Analysis, Video

    settings.VIGIL_RETENTION_DAYS = 7
    old_video, old_analysis = world["old"]
    media = world["media"]
    old_files = [media / n for n in (old_video.file, old_video.thumbnail,
                                     old_analysis.annotated_file, old_analysis.results_file)]
    assert all(p.is_file() for p in old_files)

    report = retention_run()

    assert (report.videos_deleted, report.orphan_files_deleted, report.flow_files_deleted) \
        == (1, 1, 1)
    assert not Video.objects.filter(pk=old_video.pk).exists()
    assert not Analysis.objects.filter(pk=old_analysis.pk).exists()
    assert not any(p.exists() for p in old_files)
    assert not world["orphan"].exists()
    new = world["new"]
    assert Video.objects.filter(pk=new.pk).exists()
    assert (media / new.file).is_file() and (media / new.thumbnail).is_file()
    assert world["fresh_orphan"].is_file()  # recent: may be an upload in progress
    assert world["dataset"].read_bytes() == b"dataset clip"
    assert world["model"].read_bytes() == b"model"
    assert not (world["flow"] / "aa").exists()
    assert (world["flow"] / "bb" / "dis-112x112-b20.npz").read_bytes() == b"new flow"


def test_zero_or_unset_keeps_everything(world, settings):
    from webapp.videos.models import Video

    for days in (0, None):
        settings.VIGIL_RETENTION_DAYS = days or 0
        report = retention_run()
        assert report.cutoff is None and report.videos_deleted == 0
    assert Video.objects.count() == 2
    assert world["orphan"].is_file()
    assert (world["flow"] / "aa" / "dis-112x112-b20.npz").is_file()


def test_a_video_with_a_running_analysis_is_kept(world, settings):
    from webapp.videos.models import Analysis, AnalysisStatus, Video

    settings.VIGIL_RETENTION_DAYS = 7
    old_video, old_analysis = world["old"]
    Analysis.objects.filter(pk=old_analysis.pk).update(status=AnalysisStatus.RUNNING)
    report = retention_run()
    assert report.videos_deleted == 0 and report.skipped_busy_videos == 1
    assert Video.objects.filter(pk=old_video.pk).exists()
    assert (world["media"] / old_analysis.annotated_file).is_file()


def test_a_flow_cache_overlapping_the_model_dir_is_never_swept(world, settings):
    settings.VIGIL_RETENTION_DAYS = 7
    settings.VIGIL_FLOW_CACHE_DIR = str(Path(settings.VIGIL_MODEL_DIR))
    assert retention_run().flow_files_deleted == 0
    assert world["model"].is_file()


def test_beat_runs_the_retention_task_on_a_worker(world, settings, start_worker, worker_logs):
    from webapp.celery import app
    from webapp.videos.models import Video

    entry = settings.CELERY_BEAT_SCHEDULE["vigil-retention"]
    assert entry["task"] == "core.retention" and entry["options"]["queue"] == "cpu"
    old_video, _ = world["old"]
    worker = start_worker(VIGIL_RETENTION_DAYS="7",
                          VIGIL_FLOW_CACHE_DIR=settings.VIGIL_FLOW_CACHE_DIR,
                          VIGIL_MODEL_DIR=settings.VIGIL_MODEL_DIR)
    worker_logs.append(worker)
    worker.wait_ready()
    app.send_task(entry["task"], queue="cpu")
    wait_for(lambda: not Video.objects.filter(pk=old_video.pk).exists(), timeout=60,
             message="the retention task to delete the old video")
    assert Video.objects.filter(pk=world["new"].pk).exists()
    assert world["dataset"].is_file() and world["model"].is_file()
