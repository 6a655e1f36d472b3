"""The worker side of an analysis: claim, run the pipeline, record, and reap stale runs.

:func:`analysis_run` is safe to run twice for the same analysis: a message
whose task id was superseded, or whose analysis another live worker owns (fresh heartbeat),
steps aside; a re-delivered message of a dead worker takes over, deleting its partial rows.
Every write of a run is conditional on the run token, so an execution that lost ownership
(re-queued by the watchdog, row deleted) stops at its next check without touching the row.
"""
from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from inference.errors import Cancelled, VigilError
from inference.types import (
    EventRules,
    PipelineConfig,
    Results,
    SegmentScore,
)
from webapp.core import storage as media
from webapp.core.jobs import (
    Heartbeat,
    JobReporter,
    ReapedJob,
    job_claim,
    job_end,
    job_finish,
    jobs_reap_stale,
    span_percent,
)
from webapp.core.probing import probe_limits
from webapp.videos.models import (
    Analysis,
    AnalysisStatus,
    Event,
    Segment,
)
from webapp.videos.services.analyses import ANALYZE_TASK
from webapp.videos.signals import analysis_labels_wanted, analysis_succeeded

logger = logging.getLogger(__name__)

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


# --- Running (worker side) ---------------------------------------------------------------

def _analysis_claim(*, analysis_id: str, task_id: str) -> tuple[Analysis, str] | None:
    """Make this execution the owner of the analysis (``core.jobs.job_claim``), or say why not
    (``None``); a fresh start clears the partial rows of a killed run."""
    return job_claim(
        Analysis.objects.select_related("video", "model_version"), pk=analysis_id,
        task_id=task_id, label="analysis", stage="starting",
        reset={"percent": 0.0, "error_code": "", "results_file": "", "annotated_file": "",
               "thumbs_file": "", "thumbs_index": {}},
        give_up=_fail_worker_lost, on_claimed=_clear_partial_rows)


def _clear_partial_rows(analysis: Analysis) -> None:
    Segment.objects.filter(analysis=analysis).delete()
    Event.objects.filter(analysis=analysis).delete()


def _fail_worker_lost(analysis: Analysis, error: str) -> None:
    """Fail an analysis whose worker died; its half-written outputs (``.part`` files of the
    dead run) go once this commits."""
    job_finish(analysis, AnalysisStatus.FAILED, error=error, code="worker_lost")
    transaction.on_commit(partial(media.delete_tree, f"analyses/{analysis.pk}"))


def _segment_row(analysis_id: uuid.UUID, segment: SegmentScore) -> Segment:
    """The row of one segment: ``label_scores`` holds every label scored (top-k, watched, and
    the ones asked for through :data:`~webapp.videos.signals.analysis_labels_wanted`)."""
    pairs = [(label, float(score)) for label, score in segment.top]
    scores = {label: float(score) for label, score in segment.scores.items()}
    also = {label: float(score) for label, score in segment.also.items()}
    return Segment(
        analysis_id=analysis_id, index=segment.index, start_sec=segment.start_sec,
        end_sec=segment.end_sec, top=[[label, score] for label, score in pairs], scores=scores,
        label_scores={**dict(pairs), **also, **scores},
        top_label=pairs[0][0] if pairs else "", top_score=pairs[0][1] if pairs else 0.0,
        max_score=max(scores.values(), default=pairs[0][1] if pairs else 0.0),
    )


def segments_upsert(*, analysis_id: uuid.UUID, segments: Iterable[SegmentScore]) -> None:
    """Insert or update segments by ``(analysis, index)``: idempotent on re-delivery."""
    rows = [_segment_row(analysis_id, segment) for segment in segments]
    if rows:
        Segment.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["analysis", "index"],
            update_fields=["start_sec", "end_sec", "top", "scores", "label_scores",
                           "top_label", "top_score", "max_score"])


class RunReporter(JobReporter):
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


def labels_wanted(analysis: Analysis) -> tuple[str, ...]:
    """What the subscribers of ``analysis_labels_wanted`` want scored (sorted, no repeats)."""
    wanted: set[str] = set()
    for receiver, result in analysis_labels_wanted.send_robust(sender=Analysis,
                                                               analysis=analysis):
        if isinstance(result, Exception):
            logger.error("analysis %s: %r failed on analysis_labels_wanted: %s", analysis.pk,
                         receiver, result, exc_info=result)
        else:
            wanted.update(str(label) for label in result or ())
    return tuple(sorted(wanted))


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
        labels=tuple(analysis.labels), also_score=labels_wanted(analysis),
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

    A video longer than ``VIGIL_CHUNK_SEC`` is split into time chunks that run on any
    number of workers (:mod:`.chunked`); this returns ``chunked`` and the merge task records
    the outcome. Raises ``core.jobs.JobBusy`` when another live execution owns the analysis.
    """
    claim = _analysis_claim(analysis_id=analysis_id, task_id=task_id)
    if claim is None:
        return "skipped"
    from inference import pipeline  # noqa: PLC0415  (torch: only workers import it)
    from webapp.videos.services import chunked  # noqa: PLC0415  (it builds on this module)

    analysis, token = claim
    config = pipeline_config(analysis)
    if chunked.chunking_applies(analysis):
        return chunked.analysis_chunks_start(analysis=analysis, token=token, config=config)

    def work(video_path: Path, out_dir: Path, reporter: RunReporter) -> Results:
        return pipeline.run(
            str(video_path), config=config, out_dir=str(out_dir),
            on_progress=reporter.on_progress, on_segment=reporter.on_segment,
            should_cancel=reporter.should_cancel)

    return analysis_execute(analysis, token, config=config, work=work)


#: What an execution does between its claim and its record: ``(video file, output folder,
#: reporter) -> Results`` (the results document and render written to the folder).
Work = Callable[[Path, Path, "RunReporter"], Results]


def analysis_execute(analysis: Analysis, token: str, *, config: PipelineConfig,
                     work: Work) -> str:
    """Run ``work`` for a claimed analysis under a heartbeat, publish its outputs and record
    its results (or its failure, cancellation or lost ownership); returns the final status."""
    out_relative = f"analyses/{analysis.pk}"
    logger.info("analysis %s started: model %s, device %s, attempt %d, video %s (%.1f s)",
                analysis.pk, analysis.model_version.name, config.device, analysis.attempts,
                analysis.video_id, analysis.video.duration_sec)
    started = time.monotonic()
    reporter = RunReporter(analysis, token, render=config.render)
    heartbeat = Heartbeat(reporter)
    heartbeat.start()
    out_dir = media.output_dir(out_relative)
    try:
        with media.local_copy(analysis.video.file) as video_path:
            results = work(video_path, out_dir, reporter)
        media.output_publish(out_dir, out_relative)
    except Exception as exc:  # noqa: BLE001 - failure_outcome logs the unexpected ones
        status, error, code = failure_outcome(exc, reporter, analysis_id=analysis.pk)
        if status == "lost":
            if not Analysis.objects.filter(pk=analysis.pk).exists():
                media.output_discard(out_dir, out_relative)  # deleted meanwhile: leave nothing
            return "lost"
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


def failure_outcome(exc: Exception, reporter: JobReporter, *, analysis_id: object,
                    ) -> tuple[str, str, str]:
    """``(status, error, code)`` an execution of an analysis ends with after ``exc``; status
    ``lost`` when it lost ownership of the row (nothing to write then)."""
    if isinstance(exc, Cancelled):
        if reporter.timed_out:
            return AnalysisStatus.FAILED, _time_limit_message(), "time_limit"
        if reporter.lost:
            logger.info("analysis %s: this execution lost ownership; stopping", analysis_id)
            return "lost", "", ""
        return AnalysisStatus.CANCELLED, "cancelled", ""
    if isinstance(exc, SoftTimeLimitExceeded):
        return AnalysisStatus.FAILED, _time_limit_message(), "time_limit"
    if isinstance(exc, VigilError):
        return AnalysisStatus.FAILED, exc.message, exc.code
    logger.error("analysis %s failed", analysis_id, exc_info=exc)
    return AnalysisStatus.FAILED, f"internal error: {type(exc).__name__}: {exc}", "internal"


def _time_limit_message() -> str:
    return f"the analysis ran past its time limit of {settings.VIGIL_TASK_SOFT_TIME_LIMIT} s"


def _analysis_complete(*, analysis_id: uuid.UUID, token: str, results: Results,
                       out_relative: str) -> str:
    from inference.pipeline import ANNOTATED_NAME, RESULTS_NAME  # noqa: PLC0415

    annotated = f"{out_relative}/{ANNOTATED_NAME}"
    thumbs_file, thumbs_index = _stored_thumbs(out_relative)
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
        analysis.thumbs_file, analysis.thumbs_index = thumbs_file, thumbs_index
        analysis.model_weights = results.model.weights[:200]
        analysis.untrained = results.model.weights == "random"
        analysis.watched_labels = list(results.watched_labels)
        analysis.save()
    return analysis.status


def _stored_thumbs(out_relative: str) -> tuple[str, dict]:
    """``(name, index)`` of the published thumbnail sheet; ``("", {})`` if none was made."""
    from inference.thumbsheet import SHEET_INDEX_NAME, SHEET_NAME  # noqa: PLC0415

    sheet, index = f"{out_relative}/{SHEET_NAME}", f"{out_relative}/{SHEET_INDEX_NAME}"
    if not (media.exists(sheet) and media.exists(index)):
        return "", {}
    with media.media_storage().open(index, "rb") as fh:
        return sheet, json.loads(fh.read())


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
