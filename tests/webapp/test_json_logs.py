"""Structured logs: one JSON object per line, the analysis id on every line of its run."""
from __future__ import annotations

import json
import logging
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.webapp.conftest import SHORT_CLIP, wait_for
from webapp.core.logs import ContextFilter, JsonFormatter, log_context, task_ids


def emit(logger: logging.Logger, *args, **kwargs) -> logging.LogRecord:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    handler.addFilter(ContextFilter())
    logger.addHandler(handler)
    try:
        logger.warning(*args, **kwargs)
    finally:
        logger.removeHandler(handler)
    return records[0]


def test_json_lines_carry_the_context_ids_even_from_threads_it_starts():
    logger = logging.getLogger("vigil.test")
    logger.propagate = False
    fmt = JsonFormatter()
    with log_context(analysis_id="a-1"):
        doc = json.loads(fmt.format(emit(logger, "score %s\nnext line", 0.5)))
        seen: list[dict] = []
        thread = threading.Thread(
            target=lambda: seen.append(json.loads(fmt.format(emit(logger, "from a thread")))))
        thread.start()
        thread.join()
    assert doc["message"] == "score 0.5\nnext line" and doc["level"] == "WARNING"
    assert doc["analysis_id"] == "a-1" and doc["logger"] == "vigil.test"
    assert seen[0]["analysis_id"] == "a-1"  # one context open in the process: threads get it
    assert "analysis_id" not in json.loads(fmt.format(emit(logger, "after")))
    try:
        raise ValueError("boom")
    except ValueError:
        record = emit(logger, "failed", exc_info=True)
    line = fmt.format(record)
    assert "\n" not in line and "ValueError: boom" in json.loads(line)["exc"]


def test_task_arguments_name_the_ids():
    from webapp.alerts.tasks import evaluate_analysis
    from webapp.videos.tasks import analyze_video

    assert task_ids(analyze_video, ["abc"], {}) == {"analysis_id": "abc"}
    assert task_ids(evaluate_analysis, [], {"analysis_id": "x"}) == {"analysis_id": "x"}
    assert task_ids(analyze_video, [], {"nonsense": 1}) == {}


@pytest.mark.slow
def test_a_worker_logs_json_with_the_analysis_id(start_worker, user, model_version, worker_logs):
    from webapp.videos import services
    from webapp.videos.models import Analysis, AnalysisStatus

    worker = start_worker(VIGIL_LOG_FORMAT="json", VIGIL_WEBHOOK_MAX_RETRIES="0")
    worker_logs.append(worker)
    worker.wait_ready()
    _, analysis = services.video_upload(
        owner=user, upload=SimpleUploadedFile("clip.mp4", SHORT_CLIP.read_bytes()),
        analysis_options={"segment_sec": 2.0, "stride_sec": 2.0})
    wait_for(lambda: Analysis.objects.get(pk=analysis.pk).is_finished, timeout=240,
             message="the analysis to finish")
    assert Analysis.objects.get(pk=analysis.pk).status == AnalysisStatus.SUCCEEDED
    wait_for(lambda: any("Task alerts.evaluate_analysis[" in line and "] succeeded" in line
                         for line in worker.log().splitlines()), timeout=60,
             message="the alert evaluation to be logged")
    lines = [line for line in worker.log().splitlines() if line.strip()]
    docs = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"ts", "level", "logger", "message"} <= set(doc) for doc in docs)
    assert not any("superuser privileges" in line and not line.startswith("{")
                   for line in lines)  # early warnings are JSON too
    task_id = analysis.celery_task_id
    received = next(i for i, d in enumerate(docs)
                    if f"[{task_id}] received" in d["message"])
    done = next(i for i, d in enumerate(docs) if f"[{task_id}] succeeded" in d["message"])
    during = docs[received + 1:done + 1]
    assert len(during) >= 3  # started, finished, Celery's "succeeded"
    assert all(d.get("analysis_id") == str(analysis.pk) for d in during), during
    assert any(d["message"].startswith(f"analysis {analysis.pk} started") for d in during)
    # The alert evaluation that follows is tagged with the same analysis.
    assert any(d.get("analysis_id") == str(analysis.pk) and "alerts.evaluate_analysis" in
               d["message"] and "succeeded" in d["message"] for d in docs[done + 1:])
    # Outside a task nothing is tagged.
    assert "analysis_id" not in docs[received] and "analysis_id" not in docs[0]


def test_the_worker_log_file_gets_every_record_in_the_configured_format(tmp_path, settings):
    """Celery skips its own logging set-up (``--logfile`` included) once ``setup_logging``
    has a receiver, so ours must open the file: ``make run`` promises ``var/worker.log``."""
    import logging.config

    from celery import signals

    import webapp.celery  # noqa: F401  (connects the signal receivers)

    path = tmp_path / "worker.log"
    try:
        signals.setup_logging.send(sender=None, loglevel="INFO", logfile=str(path),
                                   format="", colorize=False)
        with log_context(analysis_id="a-2"):
            logging.getLogger("celery.worker").info("celery@x ready.")
        for handler in logging.getLogger().handlers:
            handler.flush()
    finally:
        logging.config.dictConfig(settings.LOGGING)
    text = path.read_text()
    assert "celery@x ready." in text and "analysis_id=a-2" in text
    assert len(text.splitlines()) == 1
