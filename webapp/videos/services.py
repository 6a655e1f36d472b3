"""Writes for videos and analyses: accept an upload, start/cancel/run an analysis, reap stale ones.

The worker side (:func:`analysis_run`) is safe to run twice for the same analysis: a message
whose task id was superseded, or whose analysis another live worker owns (fresh heartbeat),
steps aside; a re-delivered message of a dead worker takes over, deleting its partial rows.
Every write of a run is conditional on the run token, so an execution that lost ownership
(re-queued by the watchdog, row deleted) stops at its next check without touching the row.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import time
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from inference.errors import Cancelled, VideoRejected, VigilError
from inference.probe import probe
from inference.types import (
    EventRules,
    PipelineConfig,
    SegmentScore,
    VideoMeta,
)
from webapp.celery import queue_for_device
from webapp.core import storage as media
from webapp.core.errors import UploadTooLarge
from webapp.core.jobs import (
    Heartbeat,
    JobReporter,
    ReapedJob,
    enqueue_on_commit,
    job_cancel,
    job_claim,
    job_end,
    job_finish,
    jobs_reap_stale,
    span_percent,
)
from webapp.core.probing import probe_limits
from webapp.core.retention import Expired
from webapp.core.uploads import upload_on_disk
from webapp.models_registry.models import ModelVersion
from webapp.videos import quotas
from webapp.videos.models import (
    FINISHED_STATUSES,
    Analysis,
    AnalysisStatus,
    Event,
    Segment,
    Video,
)
from webapp.videos.options import AnalysisOptions, analysis_options_clean
from webapp.videos.signals import analysis_succeeded

logger = logging.getLogger(__name__)

ANALYZE_TASK = "videos.analyze_video"
CONTAINER_EXTENSIONS = {"mov": "mp4", "matroska": "mkv", "avi": "avi", "mpeg": "mpg",
                        "mpegts": "ts", "flv": "flv", "ogg": "ogv", "mpegvideo": "m1v"}
THUMBNAIL_MAX_HEIGHT = 180
#: Longest display name kept for an upload (``Video.original_name``).
MAX_NAME_CHARS = 200
#: Overall percent at the start and end of each pipeline stage.
STAGE_SPANS = {
    "starting": (0.0, 0.0),
    "probe": (0.0, 2.0),
    "load_model": (2.0, 5.0),
    "analyze": (5.0, 85.0),
    "events": (85.0, 87.0),
    "render": (87.0, 99.0),
    "done": (100.0, 100.0),
}
PROGRESS_MIN_INTERVAL_SEC = 0.5
CANCEL_POLL_INTERVAL_SEC = 0.5




# --- Uploads -----------------------------------------------------------------------------------

#: Reasons decoding (the thumbnail's) refuses a file for: limits a probe cannot see in full.
REFUSED_WHILE_DECODING = frozenset({"frame_too_large"})


def clean_original_name(name: str | None) -> str:
    """Display text for an uploaded file's name: no folders, no control characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if ch.isspace() else ch for ch in name
                   if ch.isspace() or not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_NAME_CHARS:  # shorten the stem, keep a short extension
        stem, dot, extension = name.rpartition(".")
        keep = dot and stem and len(extension) <= 16
        name = (stem[:MAX_NAME_CHARS - len(extension) - 1].rstrip(" .") + "." + extension
                if keep else name[:MAX_NAME_CHARS].rstrip(" ."))
    return name or "video"


def thumbnail_create(meta: VideoMeta, name: str, *, at_sec: float = 1.0) -> None:
    """Store a JPEG of the frame on screen at ``at_sec`` (capped to a third of the video)."""
    from inference.clip import still_jpeg  # noqa: PLC0415  (PyAV/Pillow: only needed here)

    with media.local_output(name) as dest:
        still_jpeg(meta, str(dest), at_sec=min(at_sec, meta.duration_sec / 3),
                   max_height=THUMBNAIL_MAX_HEIGHT)


def video_create(*, owner: AbstractBaseUser, upload: UploadedFile,
                 original_name: str | None = None, source_tag: str = "") -> Video:
    """Accept an upload: size limit, content probe, random storage name, SHA-256, thumbnail.

    Raises :class:`UploadTooLarge`, ``VideoRejected`` (with the probe's code) or
    ``QuotaExceeded`` (the owner's storage quota); then nothing is stored: no file in media,
    no row.
    """
    if upload.size is not None and upload.size > settings.VIGIL_MAX_UPLOAD_BYTES:
        raise UploadTooLarge
    quotas.storage_quota_check(user=owner, adding_bytes=upload.size or 0)
    video_id = uuid.uuid4()
    thumbnail = f"thumbnails/{video_id.hex[:2]}/{video_id}.jpg"
    relative = ""
    try:
        with upload_on_disk(upload) as source:
            meta = probe(str(source), limits=probe_limits())
            relative = (f"videos/{video_id.hex[:2]}/{video_id}."
                        f"{CONTAINER_EXTENSIONS[meta.container]}")
            sha256 = media.store_with_sha256(source, relative)
            try:
                thumbnail_create(dataclasses.replace(meta, path=str(source)), thumbnail)
            except VideoRejected as exc:
                if exc.code in REFUSED_WHILE_DECODING:
                    raise  # a limit the probe could not see: the upload is refused
                logger.warning("no thumbnail for video %s: %s", video_id, exc)
                thumbnail = ""
            except (VigilError, OSError, ValueError) as exc:
                logger.warning("no thumbnail for video %s: %s", video_id, exc)
                thumbnail = ""
        with transaction.atomic():
            quotas.storage_quota_check(user=owner, adding_bytes=meta.size_bytes, lock=True)
            return Video.objects.create(
                id=video_id, owner=owner, original_name=clean_original_name(
                    original_name if original_name is not None else upload.name),
                file=relative, thumbnail=thumbnail, sha256=sha256, size_bytes=meta.size_bytes,
                container=meta.container, codec=meta.codec, width=meta.display_width,
                height=meta.display_height, rotation=meta.rotation, fps=meta.fps,
                frame_count=meta.frame_count, duration_sec=meta.duration_sec,
                has_audio=meta.has_audio, source_tag=(source_tag or "").strip()[:100],
            )
    except BaseException:
        media.delete([relative, thumbnail])
        raise


def _remove_media(paths: Iterable[str], folders: Iterable[str]) -> None:
    media.delete(paths)
    for relative in folders:
        media.delete_tree(relative)


def video_delete(*, video: Video) -> None:
    """Delete a video, its analyses and every file; running analyses stop at their next check."""
    paths = [video.file, video.thumbnail]
    folders = [f"analyses/{pk}" for pk in video.analyses.values_list("pk", flat=True)]
    with transaction.atomic():
        video.analyses.exclude(status__in=FINISHED_STATUSES).update(cancel_requested=True)
        video.delete()
        transaction.on_commit(partial(_remove_media, paths, folders))


def videos_expire(cutoff: datetime) -> Expired:
    """Delete the videos created before ``cutoff`` (:func:`video_delete`), keeping those with
    an analysis still queued or running until it finishes (retention's ``expire``)."""
    old = Video.objects.filter(created_at__lt=cutoff)
    busy = set(old.filter(analyses__status__in=[AnalysisStatus.QUEUED, AnalysisStatus.RUNNING])
               .values_list("pk", flat=True))
    deleted = 0
    for video in old.exclude(pk__in=busy).iterator():
        video_delete(video=video)
        deleted += 1
    return Expired(deleted=deleted, kept_busy=len(busy))


# --- Starting and cancelling ---------------------------------------------------------------------

def analysis_start(*, video: Video, created_by: AbstractBaseUser | None = None,
                   options: AnalysisOptions | None = None,
                   model_version: ModelVersion | None = None,
                   segment_sec: float | None = None, stride_sec: float | None = None,
                   labels: Iterable[str] = (), threshold: float | None = None,
                   device: str | None = None, modalities: Iterable[str] = (),
                   fusion_weights: dict[str, float] | None = None,
                   flow_method: str | None = None) -> Analysis:
    """Create a queued analysis and send its task once the transaction commits.

    ``options`` come cleaned from a form or serializer; without them the keyword options are
    cleaned here by ``options.analysis_options_clean`` (``None``: the default; a bad one raises
    ``ValidationError`` keyed by field). ``QuotaExceeded`` when ``created_by`` has
    ``VIGIL_QUOTA_ACTIVE_ANALYSES`` analyses queued or running. ``modalities`` /
    ``fusion_weights`` / ``flow_method`` select fused streams (the model version's
    ``<arch>.<modality>`` siblings), as ``PipelineConfig`` describes.
    """
    if options is None:
        options = analysis_options_clean(
            model_version=model_version, segment_sec=segment_sec, stride_sec=stride_sec,
            labels=labels, threshold=threshold, device=device, modalities=modalities,
            fusion_weights=fusion_weights, flow_method=flow_method)
    with transaction.atomic():
        quotas.analyses_quota_check(user=created_by, lock=True)
        analysis = Analysis.objects.create(
            video=video, created_by=created_by, queue=queue_for_device(options.device),
            celery_task_id=uuid.uuid4().hex, **options.as_fields())
        enqueue_on_commit(analysis, task=ANALYZE_TASK, label="analysis")
    return analysis


def analysis_cancel(*, analysis: Analysis) -> Analysis:
    """Queued: cancelled now. Running: flagged; the worker stops within about a second."""
    return job_cancel(analysis)


def video_upload(*, owner: AbstractBaseUser, upload: UploadedFile,
                 analysis_options: AnalysisOptions | Mapping[str, Any] | None = None,
                 source_tag: str = "") -> tuple[Video, Analysis | None]:
    """Accept an upload and, given options (cleaned, or keyword options to clean), start its
    analysis: all or nothing.

    The options (and the analyses quota) are checked before the file is touched; if anything
    fails after the video was stored, its files and rows go again.
    """
    if analysis_options is not None:
        quotas.analyses_quota_check(user=owner)
        if not isinstance(analysis_options, AnalysisOptions):
            analysis_options = analysis_options_clean(**analysis_options)
    video = None
    try:
        with transaction.atomic():
            video = video_create(owner=owner, upload=upload, source_tag=source_tag)
            analysis = (analysis_start(video=video, created_by=owner, options=analysis_options)
                        if analysis_options is not None else None)
    except BaseException:
        if video is not None:
            _remove_media([video.file, video.thumbnail], [])
        raise
    return video, analysis


# --- Running (worker side) ---------------------------------------------------------------

def _analysis_claim(*, analysis_id: str, task_id: str) -> tuple[Analysis, str] | None:
    """Make this execution the owner of the analysis (``core.jobs.job_claim``), or say why not
    (``None``); a fresh start clears the partial rows of a killed run."""
    return job_claim(
        Analysis.objects.select_related("video", "model_version"), pk=analysis_id,
        task_id=task_id, label="analysis", stage="starting",
        reset={"percent": 0.0, "error_code": "", "results_file": "", "annotated_file": ""},
        give_up=_fail_worker_lost, on_claimed=_clear_partial_rows)


def _clear_partial_rows(analysis: Analysis) -> None:
    Segment.objects.filter(analysis=analysis).delete()
    Event.objects.filter(analysis=analysis).delete()


def _fail_worker_lost(analysis: Analysis, error: str) -> None:
    """Fail an analysis whose worker died; its half-written outputs (``.part`` files of the
    dead run) go once this commits."""
    job_finish(analysis, AnalysisStatus.FAILED, error=error, code="worker_lost")
    transaction.on_commit(partial(_remove_media, [], [f"analyses/{analysis.pk}"]))


def _segment_row(analysis_id: uuid.UUID, segment: SegmentScore) -> Segment:
    top = [[label, float(score)] for label, score in segment.top]
    scores = {label: float(score) for label, score in segment.scores.items()}
    return Segment(
        analysis_id=analysis_id, index=segment.index, start_sec=segment.start_sec,
        end_sec=segment.end_sec, top=top, scores=scores,
        label_scores={**dict(top), **scores},
        top_label=top[0][0] if top else "", top_score=top[0][1] if top else 0.0,
        max_score=max(scores.values(), default=top[0][1] if top else 0.0),
    )


def segments_upsert(*, analysis_id: uuid.UUID, segments: Iterable[SegmentScore]) -> None:
    """Insert or update segments by ``(analysis, index)``: idempotent on re-delivery."""
    rows = [_segment_row(analysis_id, segment) for segment in segments]
    if rows:
        Segment.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["analysis", "index"],
            update_fields=["start_sec", "end_sec", "top", "scores", "label_scores",
                           "top_label", "top_score", "max_score"])


class _RunReporter(JobReporter):
    """The pipeline's callbacks for one execution; every write is conditional on its token."""

    progress_interval_sec = PROGRESS_MIN_INTERVAL_SEC
    poll_interval_sec = CANCEL_POLL_INTERVAL_SEC

    def __init__(self, analysis: Analysis, token: str, *, render: bool) -> None:
        super().__init__(analysis, token)
        self.render = render

    def percent(self, stage: str, fraction: float) -> float:
        start, end = STAGE_SPANS.get(stage, (0.0, 0.0))
        if stage == "analyze" and not self.render:
            end = 97.0
        return span_percent((start, end), fraction)

    def on_progress(self, stage: str, fraction: float) -> None:
        self.progress(stage, self.percent(stage, fraction), force=fraction >= 1.0,
                      heartbeat_at=timezone.now())

    def on_segment(self, segment: SegmentScore) -> None:
        if self.lost:
            return
        try:
            segments_upsert(analysis_id=self.job_id, segments=[segment])
        except IntegrityError:  # the analysis was deleted under us
            self.lost = True


def pipeline_config(analysis: Analysis) -> PipelineConfig:
    version = analysis.model_version
    weights = version.weights
    if weights not in ("default", "none") and not os.path.isabs(weights):
        weights = str(Path(settings.VIGIL_MODEL_DIR) / weights)
    device = analysis.device
    if device == "auto":  # the worker's GPU when it has one
        from inference.classify import resolve_device  # noqa: PLC0415  (torch: workers only)

        device = str(resolve_device(device))
    return PipelineConfig(
        model=version.arch, weights=weights, device=device,
        segment_sec=analysis.segment_sec, stride_sec=analysis.stride_sec,
        labels=tuple(analysis.labels),
        events=EventRules(enter_threshold=analysis.threshold),
        batch_size=settings.VIGIL_BATCH_SIZE, num_threads=settings.VIGIL_NUM_THREADS,
        top_k=settings.VIGIL_TOP_K, render=True,
        render_max_height=settings.VIGIL_RENDER_MAX_HEIGHT,
        model_dir=settings.VIGIL_MODEL_DIR, limits=probe_limits(), seed=0,
        modalities=tuple(analysis.modalities), fusion_weights=dict(analysis.fusion_weights),
        flow_method=analysis.flow_method,
        flow_cache_dir=getattr(settings, "VIGIL_FLOW_CACHE_DIR", None),
    )


def analysis_run(*, analysis_id: str, task_id: str = "") -> str:
    """Run the pipeline for one analysis and record everything; returns the final status.

    Raises ``core.jobs.JobBusy`` when another live execution owns the analysis.
    """
    claim = _analysis_claim(analysis_id=analysis_id, task_id=task_id)
    if claim is None:
        return "skipped"
    from inference import pipeline  # noqa: PLC0415  (torch: only workers import it)

    analysis, token = claim
    out_relative = f"analyses/{analysis.pk}"
    out_dir = media.output_dir(out_relative)
    config = pipeline_config(analysis)
    logger.info("analysis %s started: model %s, device %s, attempt %d, video %s (%.1f s)",
                analysis.pk, analysis.model_version.name, config.device, analysis.attempts,
                analysis.video_id, analysis.video.duration_sec)
    started = time.monotonic()
    reporter = _RunReporter(analysis, token, render=config.render)
    heartbeat = Heartbeat(reporter)
    heartbeat.start()
    status, error, code = AnalysisStatus.FAILED, "", ""
    try:
        with media.local_copy(analysis.video.file) as video_path:
            results = pipeline.run(
                str(video_path), config=config, out_dir=str(out_dir),
                on_progress=reporter.on_progress, on_segment=reporter.on_segment,
                should_cancel=reporter.should_cancel)
        media.output_publish(out_dir, out_relative)
    except Cancelled:
        if reporter.timed_out:
            error, code = _time_limit_message(), "time_limit"
        elif reporter.lost:
            logger.info("analysis %s: this execution lost ownership; stopping", analysis_id)
            if not Analysis.objects.filter(pk=analysis.pk).exists():
                media.output_discard(out_dir, out_relative)  # deleted meanwhile: leave nothing
            return "lost"
        else:
            status, error, code = AnalysisStatus.CANCELLED, "cancelled", ""
    except SoftTimeLimitExceeded:
        error, code = _time_limit_message(), "time_limit"
    except VigilError as exc:
        error, code = exc.message, exc.code
    except Exception as exc:
        logger.exception("analysis %s failed", analysis_id)
        error, code = f"internal error: {type(exc).__name__}: {exc}", "internal"
    else:
        final = _analysis_complete(analysis_id=analysis.pk, token=token, results=results,
                                   out_relative=out_relative)
        logger.info("analysis %s %s in %.1f s (%d segments, %d events)", analysis.pk, final,
                    time.monotonic() - started, len(results.segments), len(results.events))
        return final
    finally:
        heartbeat.stop()
        media.output_release(out_dir)
    updated = job_end(Analysis, pk=analysis.pk, token=token, status=status, error=error,
                      code=code)
    logger.info("analysis %s %s in %.1f s: %s", analysis.pk, status,
                time.monotonic() - started, code or error or "-")
    return status if updated else "lost"


def _time_limit_message() -> str:
    return f"the analysis ran past its time limit of {settings.VIGIL_TASK_SOFT_TIME_LIMIT} s"


def _analysis_complete(*, analysis_id: uuid.UUID, token: str, results, out_relative: str) -> str:
    from inference.pipeline import ANNOTATED_NAME, RESULTS_NAME  # noqa: PLC0415

    annotated = f"{out_relative}/{ANNOTATED_NAME}"
    with transaction.atomic():
        analysis = Analysis.objects.select_for_update().filter(pk=analysis_id).first()
        if analysis is None or analysis.run_token != token:
            return "lost"
        segments_upsert(analysis_id=analysis_id, segments=results.segments)
        Segment.objects.filter(analysis_id=analysis_id).exclude(
            index__in=[segment.index for segment in results.segments]).delete()
        Event.objects.filter(analysis_id=analysis_id).delete()
        Event.objects.bulk_create([
            Event(analysis_id=analysis_id, label=event.label, start_sec=event.start_sec,
                  end_sec=event.end_sec, peak_score=event.peak_score,
                  mean_score=event.mean_score, peak_sec=event.peak_sec)
            for event in results.events
        ])
        now = timezone.now()
        if analysis.cancel_requested:
            analysis.status = AnalysisStatus.CANCELLED
            analysis.error = "cancelled (after the results were written)"
        else:
            analysis.status = AnalysisStatus.SUCCEEDED
            transaction.on_commit(partial(_announce_succeeded, analysis_id))
        analysis.stage = "done"
        analysis.percent = 100.0
        analysis.finished_at = now
        analysis.heartbeat_at = now
        analysis.results_file = f"{out_relative}/{RESULTS_NAME}"
        analysis.annotated_file = annotated if media.exists(annotated) else ""
        analysis.model_weights = results.model.weights[:200]
        analysis.untrained = results.model.weights == "random"
        analysis.watched_labels = list(results.watched_labels)
        analysis.save()
    return analysis.status


def _announce_succeeded(analysis_id: uuid.UUID) -> None:
    """Tell the subscribers (``signals.analysis_succeeded``); a failing one is only logged."""
    for receiver, result in analysis_succeeded.send_robust(sender=Analysis,
                                                           analysis_id=analysis_id):
        if isinstance(result, Exception):
            logger.error("analysis %s: %r failed on analysis_succeeded: %s", analysis_id,
                         receiver, result, exc_info=result)


# --- Watchdog ----------------------------------------------------------------------------------

def analyses_reap_stale(*, stale_after_sec: float | None = None, now: datetime | None = None,
                        requeue: bool = True) -> list[ReapedJob]:
    """Running analyses whose heartbeat is stale (``core.jobs.jobs_reap_stale``): re-queued
    (from the start) while attempts remain and ``requeue``, else failed with the time of their
    last heartbeat and their partial outputs removed."""
    return jobs_reap_stale(
        Analysis.objects.all(), label="analysis", task=ANALYZE_TASK, requeue=requeue,
        reset={"stage": "", "percent": 0.0}, give_up=_fail_worker_lost,
        stale_after_sec=stale_after_sec, now=now)
