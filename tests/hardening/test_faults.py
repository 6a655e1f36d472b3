"""Faults with real workers: SIGKILL mid-analysis at three different stages, and a restart of
(a private, persistent) Redis with analyses queued. Every analysis ends succeeded or failed
with a reason; no segment is duplicated; no output file is left half-written."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count

from inference.probe import probe
from inference.results import validate_document
from inference.sampling import windows
from tests.hardening.conftest import queued_messages, wait_for
from tests.webapp.conftest import SHORT_CLIP, Worker
from webapp.videos.models import FINISHED_STATUSES, Analysis, AnalysisStatus, Segment

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

#: Quick re-delivery of a dead worker's message (what a long visibility timeout does in hours).
FAST_RECOVERY = {"VIGIL_BROKER_VISIBILITY_TIMEOUT": "8", "VIGIL_STALE_AFTER_SEC": "4",
                 "VIGIL_BROKER_RESTORE_INTERVAL_SEC": "1", "VIGIL_BROKER_RESTORE_THROTTLE": "1",
                 "VIGIL_BATCH_SIZE": "1"}
OPTIONS = {"segment_sec": "2", "stride_sec": "2", "labels": ["abseiling", "archery"]}


def upload(api_client, clip: Path) -> Analysis:
    response = api_client.post("/api/v1/videos/", {
        "file": SimpleUploadedFile(clip.name, clip.read_bytes()), **OPTIONS}, format="multipart")
    assert response.status_code == 201, response.content
    return Analysis.objects.select_related("video").get(pk=response.json()["analysis"]["id"])


def expected_segments(analysis: Analysis) -> int:
    return len(windows(duration_sec=analysis.video.duration_sec, clip_len=16,
                       segment_sec=analysis.segment_sec, stride_sec=analysis.stride_sec))


def output_dir(analysis: Analysis) -> Path:
    return Path(django_settings.MEDIA_ROOT) / "analyses" / str(analysis.pk)


def part_files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if ".part" in path.name] if folder.exists() \
        else []


def running(analyses: list[Analysis], condition: Callable[[Analysis, int], bool], *,
            worker: Worker) -> Callable[[], Analysis | None]:
    """A poll: the running analysis (fresh from the DB) for which ``condition`` holds; fails
    at once if ``worker`` died."""
    def poll() -> Analysis | None:
        assert worker.alive, f"the worker exited:\n{worker.log()[-3000:]}"
        for analysis in Analysis.objects.filter(pk__in=[a.pk for a in analyses],
                                                status=AnalysisStatus.RUNNING):
            segments = Segment.objects.filter(analysis=analysis).count()
            if condition(analysis, segments):
                return analysis
        return None
    return poll


def all_settled(analyses: list[Analysis], *, worker: Worker) -> Callable[[], bool]:
    def poll() -> bool:
        assert worker.alive, f"the worker exited:\n{worker.log()[-3000:]}"
        return not Analysis.objects.filter(pk__in=[a.pk for a in analyses]) \
            .exclude(status__in=FINISHED_STATUSES).exists()
    return poll


def assert_settled_cleanly(analyses: list[Analysis]) -> list[Analysis]:
    """Succeeded (complete, decodable outputs) or failed with a reason; nothing duplicated."""
    duplicates = (Segment.objects.filter(analysis__in=analyses).values("analysis", "index")
                  .annotate(n=Count("id")).filter(n__gt=1))
    assert list(duplicates) == []
    final = []
    for analysis in analyses:
        analysis.refresh_from_db()
        final.append(analysis)
        assert analysis.status in (AnalysisStatus.SUCCEEDED, AnalysisStatus.FAILED), \
            (analysis.pk, analysis.status)
        assert analysis.finished_at is not None
        folder = output_dir(analysis)
        assert part_files(folder) == [], analysis.pk
        if analysis.status == AnalysisStatus.FAILED:
            assert analysis.error and analysis.error_code, analysis.pk
            continue
        media_root = Path(django_settings.MEDIA_ROOT)
        document = json.loads((media_root / analysis.results_file).read_text())
        validate_document(document)
        indices = list(Segment.objects.filter(analysis=analysis).order_by("index")
                       .values_list("index", flat=True))
        assert indices == [s["index"] for s in document["segments"]]
        assert indices == list(range(expected_segments(analysis)))
        meta = probe(str(media_root / analysis.annotated_file))  # decodes: not half-written
        assert meta.frame_count == analysis.video.frame_count
    return final


def test_sigkill_at_three_stages_never_leaves_a_broken_analysis(
        start_worker, worker_logs, api_client, user, model_version):
    api_client.force_authenticate(user)
    analyses = [upload(api_client, SHORT_CLIP) for _ in range(3)]
    total = expected_segments(analyses[0])
    assert total >= 3
    moments = [
        ("scoring: some segments written, not all",
         lambda a, n: a.stage == "analyze" and 0 < n < total),
        ("rendering: the annotated video is being written",
         lambda a, n: a.stage == "render" and (part_files(output_dir(a)) or a.percent >= 90)),
        ("right after the last segment was written",
         lambda a, n: n == total and a.stage in ("analyze", "events", "render")
         and a.percent < 95),
    ]
    killed = []
    for label, condition in moments:
        worker = start_worker(**FAST_RECOVERY)
        worker_logs.append(worker)
        mine = f"pid {worker.process.pid}"

        def in_this_worker(a: Analysis, n: int, condition=condition, mine=mine) -> bool:
            return a.worker.endswith(mine) and condition(a, n)

        victim = wait_for(running(analyses, in_this_worker, worker=worker), timeout=180,
                          interval=0.02,
                          message=f"an analysis {label}")
        worker.kill()
        victim.refresh_from_db()
        killed.append((label, victim.pk, victim.stage, victim.percent))
        assert victim.status == AnalysisStatus.RUNNING  # nobody noticed yet
    survivor = start_worker(**FAST_RECOVERY)
    worker_logs.append(survivor)
    wait_for(all_settled(analyses, worker=survivor), timeout=240, interval=0.25,
             message="every analysis to settle")
    final = assert_settled_cleanly(analyses)
    print("kills:", killed, "->", [(a.status, a.attempts, a.error_code) for a in final])
    # Each analysis killed once had a second, clean run.
    victims = {pk for _, pk, _, _ in killed}
    for analysis in final:
        if analysis.status == AnalysisStatus.FAILED:  # killed on each of its 2 attempts
            assert analysis.error_code == "worker_lost"
            assert "worker stopped responding" in analysis.error
            assert analysis.attempts == 2
        elif analysis.pk in victims:
            assert analysis.attempts == 2  # a clean second run took over
    # At least one killed analysis was taken over and finished (a SIGKILL costs a re-run).
    assert any(a.pk in victims and a.status == AnalysisStatus.SUCCEEDED for a in final)
    wait_for(lambda: sum(queued_messages().values()) == 0, timeout=60,
             message="the queues to drain")


def test_redis_restart_with_analyses_queued_loses_nothing(
        start_worker, worker_logs, api_client, user, model_version, private_redis,
        app_broker):
    app_broker(private_redis.url)  # the web side queues on the private, persistent Redis
    api_client.force_authenticate(user)
    analyses = [upload(api_client, SHORT_CLIP) for _ in range(3)]
    broker = private_redis.client()
    assert queued_messages(broker)["cpu"] == 3

    # Restart with everything queued (SIGTERM: Redis writes its append-only file and exits).
    private_redis.restart()
    broker = private_redis.client()
    assert queued_messages(broker)["cpu"] == 3

    worker = start_worker(CELERY_BROKER_URL=private_redis.url, **FAST_RECOVERY)
    worker_logs.append(worker)
    # And again while the worker runs one analysis and the others wait in the queue.
    wait_for(running(analyses, lambda a, n: n > 0, worker=worker), timeout=120, interval=0.05,
             message="the first analysis to start")
    private_redis.restart()
    wait_for(all_settled(analyses, worker=worker), timeout=240, interval=0.25,
             message="every analysis to settle")
    final = assert_settled_cleanly(analyses)
    assert [a.status for a in final] == [AnalysisStatus.SUCCEEDED] * 3, \
        [(a.status, a.error) for a in final]
    assert worker.alive  # it reconnected by itself
    wait_for(lambda: sum(queued_messages(private_redis.client()).values()) == 0, timeout=60,
             message="the private broker's queues to drain")
