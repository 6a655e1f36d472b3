"""Long analyses across workers: time chunks as a Celery chord, merged into one analysis.

An analysis of a video longer than ``VIGIL_CHUNK_SEC`` is claimed as usual
(:func:`.worker.analysis_run`, one run token), then split (:func:`inference.chunks.plan_chunks`)
into a chord: one ``videos.analyze_chunk`` task per chunk on any worker of the analysis' queue,
and one ``videos.merge_chunks`` task once they have all returned. Every chunk execution works
under the analysis' run token with the common job lifecycle (:mod:`webapp.core.jobs`):

- each chunk beats the analysis' heartbeat and writes its segments as they come (upserts by
  ``(analysis, index)``); the analysis' percent is the share of all windows scored so far, so
  progress aggregates over chunks (it never goes back);
- a chunk stores its window probabilities under ``analyses/chunks/<id>/<token>/<k>.npz``; a
  re-delivered chunk whose file exists returns at once, so a chunk whose worker died is run
  again alone (late acknowledgement re-delivers just that message);
- a cancel request, a failed chunk (it fails the analysis) or a lost run token stops every
  chunk at its next check; the merge then records cancelled (or leaves the failure);
- the merge loads the chunks (all present, or the analysis fails), renders once and records
  the results as a single run does (:func:`.worker.analysis_execute`).

Needs a Celery result backend (a chord counts its finished tasks there); without one, or with
``VIGIL_CHUNK_SEC`` 0, every analysis runs in one task.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

from celery import chord, current_app, signature
from django.conf import settings
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from inference.chunks import (
    Chunk,
    ChunkScores,
    analyse_chunk,
    load_chunk,
    merge_chunks,
    plan_chunks,
    save_chunk,
)
from inference.sampling import windows
from inference.types import PipelineConfig, Results
from webapp.core import storage as media
from webapp.core.jobs import RUNNING, Heartbeat, job_end, span_percent
from webapp.videos.models import Analysis, AnalysisStatus, Segment
from webapp.videos.services.worker import (
    STAGE_SPANS,
    RunReporter,
    analysis_execute,
    failure_outcome,
    pipeline_config,
)

logger = logging.getLogger(__name__)

CHUNK_TASK = "videos.analyze_chunk"
MERGE_TASK = "videos.merge_chunks"
#: What a chunk task returns when its probabilities are stored.
DONE = "done"


def chunking_applies(analysis: Analysis) -> bool:
    """Whether ``analysis`` runs as chunks: its video is longer than ``VIGIL_CHUNK_SEC`` (0:
    never) and Celery has a result backend for the chord."""
    chunk_sec = getattr(settings, "VIGIL_CHUNK_SEC", 0.0)
    return (bool(chunk_sec) and analysis.video.duration_sec > chunk_sec
            and bool(current_app.conf.result_backend))


def chunks_prefix(analysis_id: object) -> str:
    """Where an analysis' chunks store their probabilities: beside its output folder, which
    a merge empties when it starts (a re-delivered merge still finds them), and under a
    prefix retention sweeps (what a crash leaves goes in time)."""
    return f"analyses/chunks/{analysis_id}"


def chunk_name(analysis_id: object, token: str, index: int) -> str:
    """Where chunk ``index`` of the run ``token`` stores its probabilities."""
    return f"{chunks_prefix(analysis_id)}/{token}/{index}.npz"


def analysis_chunks_start(*, analysis: Analysis, token: str, config: PipelineConfig) -> str:
    """Send the chord of a claimed ``analysis``: its chunks, then the merge; ``chunked``."""
    duration_sec = analysis.video.duration_sec
    chunks = plan_chunks(duration_sec=duration_sec, segment_sec=config.segment_sec,
                         stride_sec=config.stride_sec, chunk_sec=settings.VIGIL_CHUNK_SEC)
    total = len(windows(duration_sec=duration_sec, clip_len=1, segment_sec=config.segment_sec,
                        stride_sec=config.stride_sec))
    analysis_id = str(analysis.pk)
    header = [signature(CHUNK_TASK, kwargs={
        "analysis_id": analysis_id, "token": token, "index": c.index, "start_sec": c.start_sec,
        "end_sec": c.end_sec, "total_windows": total}, queue=analysis.queue, immutable=True)
        for c in chunks]
    body = signature(MERGE_TASK, kwargs={"analysis_id": analysis_id, "token": token,
                                         "chunk_count": len(chunks)}, queue=analysis.queue)
    Analysis.objects.filter(pk=analysis.pk, run_token=token).update(
        stage="analyze", heartbeat_at=timezone.now())
    chord(header)(body)
    logger.info("analysis %s: %d chunks of about %.0f s over %.1f s of video (%d windows)",
                analysis_id, len(chunks), settings.VIGIL_CHUNK_SEC, duration_sec, total)
    return "chunked"


class ChunkReporter(RunReporter):
    """A chunk's callbacks: segments as they come; ``analyze`` percent over all chunks."""

    def __init__(self, analysis: Analysis, token: str, *, total_windows: int) -> None:
        super().__init__(analysis, token, render=True)
        self.total_windows = max(1, total_windows)
        self._last_count = 0.0

    def on_progress(self, stage: str, fraction: float) -> None:
        now = time.monotonic()
        if stage != "analyze" or now - self._last_count < self.progress_interval_sec:
            return
        self._last_count = now
        done = Segment.objects.filter(analysis_id=self.job_id).count()
        percent = span_percent(STAGE_SPANS["analyze"], done / self.total_windows)
        # Chunks write in any order: the percent only goes up.
        self.update(stage="analyze", percent=Greatest(F("percent"), Value(percent)),
                    heartbeat_at=timezone.now())


def analysis_chunk_run(*, analysis_id: str, token: str, index: int, start_sec: float,
                       end_sec: float, total_windows: int) -> str:
    """Score chunk ``index`` of the run ``token``; ``done``, ``cancelled``, ``lost`` or
    ``failed`` (a failing chunk fails the whole analysis; the others stop)."""
    analysis = (Analysis.objects.select_related("video", "model_version")
                .filter(pk=analysis_id, run_token=token, status=RUNNING).first())
    if analysis is None:
        return "lost"
    if analysis.cancel_requested:
        return "cancelled"
    name = chunk_name(analysis_id, token, index)
    if media.exists(name):
        return DONE  # a re-delivered message of a chunk that finished
    logger.info("analysis %s: chunk %d (%.0f s on) started", analysis_id, index, start_sec)
    reporter = ChunkReporter(analysis, token, total_windows=total_windows)
    heartbeat = Heartbeat(reporter)
    heartbeat.start()
    started = time.monotonic()
    try:
        with media.local_copy(analysis.video.file) as video_path:
            scores = analyse_chunk(
                str(video_path), config=pipeline_config(analysis),
                chunk=Chunk(index, start_sec, end_sec), on_progress=reporter.on_progress,
                on_segment=reporter.on_segment, should_cancel=reporter.should_cancel)
        with media.local_output(name) as local:
            save_chunk(scores, local)
    except Exception as exc:  # noqa: BLE001 - failure_outcome logs the unexpected ones
        status, error, code = failure_outcome(exc, reporter, analysis_id=analysis_id)
        if status == AnalysisStatus.FAILED:
            job_end(Analysis, pk=analysis_id, token=token, status=status,
                    error=f"chunk {index} ({start_sec:.0f} s on): {error}", code=code)
        return str(status)
    finally:
        heartbeat.stop()
    logger.info("analysis %s: chunk %d (%.0f-%.0f s, %d windows) done in %.1f s", analysis_id,
                index, start_sec, end_sec, len(scores.window_index),
                time.monotonic() - started)
    return DONE


def analysis_chunks_merge(*, outcomes: list[str], analysis_id: str, token: str,
                          chunk_count: int) -> str:
    """Merge the chunks of the run ``token`` into the analysis' results and record them; if a
    chunk did not finish, end the analysis (cancelled on a cancel request, else failed)."""
    analysis = (Analysis.objects.select_related("video", "model_version")
                .filter(pk=analysis_id, run_token=token, status=RUNNING).first())
    if analysis is None:
        return "lost"  # failed by a chunk, re-queued by the watchdog, or deleted
    names = [chunk_name(analysis_id, token, i) for i in range(chunk_count)]
    if analysis.cancel_requested or not all(media.exists(n) for n in names):
        cancelled = analysis.cancel_requested or "cancelled" in outcomes
        status = AnalysisStatus.CANCELLED if cancelled else AnalysisStatus.FAILED
        missing = [i for i, n in enumerate(names) if not media.exists(n)]
        job_end(Analysis, pk=analysis_id, token=token, status=status,
                error="cancelled" if cancelled else f"chunks {missing} did not finish",
                code="" if cancelled else "chunk_lost")
        media.delete_tree(chunks_prefix(analysis_id))
        return str(status)
    parts: list[ChunkScores] = []
    for name in names:
        with media.local_copy(name) as local:
            parts.append(load_chunk(local))
    config = pipeline_config(analysis)

    def work(video_path: Path, out_dir: Path, reporter: RunReporter) -> Results:
        return merge_chunks(str(video_path), config=config, parts=parts, out_dir=str(out_dir),
                            on_progress=reporter.on_progress,
                            should_cancel=reporter.should_cancel)

    final = analysis_execute(analysis, token, config=config, work=work)
    media.delete_tree(chunks_prefix(analysis_id))
    return final
