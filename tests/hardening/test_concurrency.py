"""Ten uploads at once over real HTTP (live server) to two real Celery workers: every one is
analysed exactly once; nothing is lost or duplicated."""
from __future__ import annotations

import json
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db.models import Count

from tests.hardening import media
from tests.hardening.conftest import queued_messages, wait_for
from tests.hardening.uploads import API, multipart
from webapp.accounts.services import api_token_create
from webapp.videos.models import FINISHED_STATUSES, Analysis, AnalysisStatus, Segment, Video

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

UPLOADS = 10


def http_upload(base_url: str, token: str, clip: Path, fields: dict[str, str],
                ) -> tuple[int, dict]:
    body, content_type = multipart(clip.name, clip.read_bytes(), fields)
    request = urllib.request.Request(
        f"{base_url}{API}", data=body, method="POST",
        headers={"Content-Type": content_type, "Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status, json.loads(response.read())


def test_ten_concurrent_uploads_are_each_analysed_exactly_once(
        live_server, start_worker, worker_logs, user, model_version, settings):
    clips = media.TINY_CLIPS[:UPLOADS]
    assert len(clips) == UPLOADS
    workers = [start_worker(VIGIL_NUM_THREADS="1") for _ in range(2)]
    worker_logs.extend(workers)
    _, token = api_token_create(user=user, name="hardening")
    start = threading.Barrier(UPLOADS)

    def upload(clip: Path) -> tuple[int, dict]:
        start.wait(timeout=30)  # all ten requests leave together
        return http_upload(live_server.url, token, clip,
                           {"segment_sec": "2", "stride_sec": "2", "labels": "abseiling"})

    with ThreadPoolExecutor(UPLOADS) as pool:
        answers = list(pool.map(upload, clips))
    assert [status for status, _ in answers] == [201] * UPLOADS, answers
    analysis_ids = {body["analysis"]["id"] for _, body in answers}
    assert len(analysis_ids) == UPLOADS
    assert Video.objects.filter(owner=user).count() == UPLOADS
    assert Analysis.objects.count() == UPLOADS  # no upload started two analyses

    def all_finished() -> bool:
        return not Analysis.objects.exclude(status__in=FINISHED_STATUSES).exists()

    for worker in workers:
        worker.wait_ready()
    wait_for(all_finished, timeout=240, interval=0.25, message="all ten analyses to finish")

    duplicates = (Segment.objects.values("analysis", "index").annotate(n=Count("id"))
                  .filter(n__gt=1))
    assert list(duplicates) == []
    for analysis in Analysis.objects.filter(pk__in=analysis_ids):
        assert analysis.status == AnalysisStatus.SUCCEEDED, analysis.error
        assert analysis.attempts == 1, analysis.pk  # each ran once: none re-run or lost
        document = json.loads((Path(settings.MEDIA_ROOT) / analysis.results_file).read_text())
        indices = list(Segment.objects.filter(analysis=analysis).order_by("index")
                       .values_list("index", flat=True))
        assert indices == [s["index"] for s in document["segments"]]
        assert indices == list(range(len(indices))) and indices
        annotated = Path(settings.MEDIA_ROOT) / analysis.annotated_file
        assert annotated.read_bytes()[4:8] == b"ftyp"
    # Every worker log shows each analysis it ran once; the two logs share none.
    ran = [[line for line in worker.log().splitlines() if "videos.analyze_video" in line
            and "succeeded" in line] for worker in workers]
    assert sum(len(lines) for lines in ran) == UPLOADS, [worker.log()[-3000:] for worker in workers]
    wait_for(lambda: sum(queued_messages().values()) == 0, timeout=60,
             message="the queues to drain (alert evaluations follow each analysis)")
    assert [path for path in Path(settings.MEDIA_ROOT).rglob("*.part")] == []
