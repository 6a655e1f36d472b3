"""Long analyses as time chunks on several real Celery workers, merged into one analysis."""
from __future__ import annotations

import json
import math
import re

import pytest

from inference import pipeline
from inference.events import detect_events
from inference.results import validate_document
from inference.types import EventRules, PipelineConfig, SegmentScore
from tests.inference.test_chunks import assert_same_segments
from tests.webapp.conftest import LONGER_CLIP, wait_for
from tests.webapp.test_worker import status_of, upload, wait_finished
from webapp.videos import services
from webapp.videos.models import AnalysisStatus, Event, Segment

pytestmark = pytest.mark.slow

#: 7.2 s in 2 s windows every 2 s: 4 windows (the last end-aligned); 2 s chunks own 1, 1, 2.
CHUNK_ENV = {"VIGIL_CHUNK_SEC": "2"}
CHUNK_DONE = re.compile(r"chunk (\d+) \(.*\) done")
CHUNK_STARTED = re.compile(r"chunk (\d+) \(.*\) started")
LABEL = "abseiling"


def segment_of(doc: dict) -> SegmentScore:
    """A segment of ``results.json`` (or a Segment row's fields) as the pipeline returns it."""
    return SegmentScore(index=doc["index"], start_sec=doc["start_sec"], end_sec=doc["end_sec"],
                        top=tuple((label, p) for label, p in doc["top"]), scores=doc["scores"])


def test_chunked_analysis_on_two_workers_equals_a_single_run(
        start_worker, worker_logs, api_client, user, model_version, settings, tmp_path):
    workers = [start_worker(**CHUNK_ENV), start_worker(**CHUNK_ENV)]
    worker_logs.extend(workers)
    # The analysis on one worker, in this process (as a worker configures it).
    config = PipelineConfig(model=model_version.arch, weights="none", segment_sec=2.0,
                            stride_sec=2.0, labels=(LABEL,), render=False)
    single = pipeline.run(str(LONGER_CLIP), config=config, out_dir=str(tmp_path / "single"))
    # Threshold at window 1's score: an event opens by window 1 and stays open (exit 0.1
    # lower) to the end, across the chunk borders. (The threshold changes only the events,
    # which a run gets from this same code.)
    threshold = math.floor(single.segments[1].scores[LABEL] * 1e6) / 1e6
    rules = EventRules(enter_threshold=threshold)
    expected = [(e.label, e.start_sec, e.end_sec)
                for e in detect_events(single.segments, labels=(LABEL,), rules=rules)]
    assert len(expected) == 1 and expected[0][2] - expected[0][1] > 4.0

    for worker in workers:
        worker.wait_ready()
    api_client.force_authenticate(user)
    analysis = upload(api_client, LONGER_CLIP, segment_sec="2", stride_sec="2",
                      threshold=str(threshold), labels=[LABEL])
    analysis = wait_finished(analysis, timeout=300)
    assert analysis.status == AnalysisStatus.SUCCEEDED, analysis.error
    assert (analysis.stage, analysis.percent) == ("done", 100.0)
    worker_config = services.pipeline_config(analysis)
    assert (worker_config.model, worker_config.segment_sec, worker_config.stride_sec,
            worker_config.labels, worker_config.events) == (config.model, 2.0, 2.0, (LABEL,),
                                                            rules)

    # It really ran as chunks, on both workers.
    done = [{int(m) for m in CHUNK_DONE.findall(w.log())} for w in workers]
    assert set().union(*done) == {0, 1, 2}, done
    assert all(done), f"one worker ran every chunk: {done}"

    document = json.loads((settings.MEDIA_ROOT / analysis.results_file).read_text())
    validate_document(document)
    assert len(document["segments"]) == 4
    assert_same_segments([segment_of(s) for s in document["segments"]], single.segments)
    rows = Segment.objects.filter(analysis=analysis).order_by("index")
    assert_same_segments([segment_of({**r.__dict__, "top": r.top}) for r in rows],
                         single.segments)
    assert [(e["label"], e["start_sec"], e["end_sec"]) for e in document["events"]] == expected
    assert list(Event.objects.filter(analysis=analysis).order_by("start_sec")
                .values_list("label", "start_sec", "end_sec")) == expected
    annotated = settings.MEDIA_ROOT / analysis.annotated_file
    assert annotated.read_bytes()[4:8] == b"ftyp"
    assert not (settings.MEDIA_ROOT / "analyses" / "chunks" / str(analysis.pk)).exists()


def test_cancel_stops_every_chunk(start_worker, worker_logs, api_client, user, model_version,
                                  settings):
    workers = [start_worker(**CHUNK_ENV), start_worker(**CHUNK_ENV)]
    worker_logs.extend(workers)
    for worker in workers:
        worker.wait_ready()
    api_client.force_authenticate(user)
    analysis = upload(api_client, LONGER_CLIP, segment_sec="1", stride_sec="0.25")
    wait_for(lambda: Segment.objects.filter(analysis=analysis).exists(), timeout=120,
             interval=0.05, message="the first segment")
    assert status_of(analysis) == AnalysisStatus.RUNNING
    response = api_client.post(f"/api/v1/analyses/{analysis.pk}/cancel/")
    assert response.status_code == 200
    analysis = wait_finished(analysis, timeout=60)
    assert analysis.status == AnalysisStatus.CANCELLED
    assert not analysis.annotated_file and not analysis.results_file
    # Every chunk stopped: none finished after the cancel, the windows were not all scored.
    assert Segment.objects.filter(analysis=analysis).count() < 26  # of 26 windows
    assert not (settings.MEDIA_ROOT / "analyses" / "chunks" / str(analysis.pk)).exists()


def test_a_chunk_whose_worker_dies_is_run_again_alone(start_worker, worker_logs, api_client,
                                                      user, model_version, settings):
    """SIGKILL a worker in the middle of a chunk: that chunk's message is re-delivered (late
    acknowledgement, a short visibility timeout) to the other worker, which runs it alone;
    no other chunk runs twice and the merged analysis is complete."""
    env = {**CHUNK_ENV, "VIGIL_BROKER_VISIBILITY_TIMEOUT": "8",
           "VIGIL_BROKER_RESTORE_INTERVAL_SEC": "2", "VIGIL_BROKER_RESTORE_THROTTLE": "1"}
    doomed, survivor = start_worker(**env), start_worker(**env)
    worker_logs.extend([doomed, survivor])
    for worker in (doomed, survivor):
        worker.wait_ready()
    api_client.force_authenticate(user)
    analysis = upload(api_client, LONGER_CLIP, segment_sec="2", stride_sec="1")
    started = wait_for(lambda: CHUNK_STARTED.findall(doomed.log()), timeout=180,
                       interval=0.05, message="a chunk on the first worker")
    killed_chunk = int(started[0])
    doomed.kill()
    assert killed_chunk not in {int(m) for m in CHUNK_DONE.findall(doomed.log())}

    analysis = wait_finished(analysis, timeout=300)
    assert analysis.status == AnalysisStatus.SUCCEEDED, analysis.error
    assert analysis.attempts == 1  # the analysis was not restarted: only the chunk was
    done = [int(m) for w in (doomed, survivor) for m in CHUNK_DONE.findall(w.log())]
    assert sorted(done) == [0, 1, 2], done  # each chunk finished once
    assert killed_chunk in {int(m) for m in CHUNK_DONE.findall(survivor.log())}
    document = json.loads((settings.MEDIA_ROOT / analysis.results_file).read_text())
    assert [s["index"] for s in document["segments"]] == list(range(7))
    assert list(Segment.objects.filter(analysis=analysis).order_by("index")
                .values_list("index", flat=True)) == list(range(7))
