"""Request ids: on every log line of a web request, returned in ``X-Request-ID``, and carried
into the tasks the request sends, as a real worker process logs them."""
from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Iterator

import pytest
from django.test import Client

from tests.webapp.alert_receiver import Receiver
from tests.webapp.conftest import wait_for
from webapp.core.logs import (
    REQUEST_ID_TASK_HEADER,
    ContextFilter,
    JsonFormatter,
    TextFormatter,
    log_context,
    on_before_task_publish,
)


class Lines(logging.Handler):
    """Every record, formatted as the JSON log line it would be."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.addFilter(ContextFilter())
        self.setFormatter(JsonFormatter())
        self.docs: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.docs.append(json.loads(self.format(record)))


@pytest.fixture
def web_log() -> Iterator[Lines]:
    handler = Lines()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.mark.django_db
def test_a_valid_client_id_is_kept_and_a_bad_one_replaced(web_log):
    client = Client()
    kept = client.get("/no-such-page/", HTTP_X_REQUEST_ID="lb-7f3a:42")
    assert kept.status_code == 404 and kept["X-Request-ID"] == "lb-7f3a:42"
    # django.request logs the 404 inside the request: the line carries the id.
    assert [d["request_id"] for d in web_log.docs if "Not Found" in d["message"]] == [
        "lb-7f3a:42"]
    for bad in ("two words", "x" * 129, "-leading-dash", "nl\nforged log line"):
        fresh = client.get("/no-such-page/", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", fresh), (bad, fresh)
    one, two = (client.get("/healthz")["X-Request-ID"] for _ in range(2))
    assert one != two  # none sent: a new one each time
    outside = logging.LogRecord("x", logging.INFO, __file__, 1, "after", None, None)
    ContextFilter().filter(outside)
    assert not hasattr(outside, "request_id")  # closed with the request


def test_the_text_format_shows_request_and_task_ids():
    record = logging.LogRecord("vigil", logging.INFO, __file__, 1, "hello", None, None)
    with log_context(request_id="r-1", task_id="t-2", analysis_id="a-3"):
        ContextFilter().filter(record)
    line = TextFormatter("%(message)s").format(record)
    assert line == "hello [request_id=r-1 task_id=t-2 analysis_id=a-3]"


def test_a_task_sent_inside_a_request_carries_its_id_in_a_header():
    headers: dict[str, str] = {}
    on_before_task_publish(headers=headers)
    assert REQUEST_ID_TASK_HEADER not in headers  # no request: nothing to carry
    with log_context(request_id="r-9"):
        on_before_task_publish(headers=headers)
    assert headers[REQUEST_ID_TASK_HEADER] == "r-9"


@pytest.mark.slow
def test_a_request_id_reaches_the_log_lines_of_the_task_it_started(
        start_worker, worker_logs, api_client, user, settings, web_log):
    """The webhook test button: the request queues ``alerts.deliver_webhook``; a real worker
    (JSON logs) runs it and every line of that task names the request."""
    from webapp.alerts import services
    from webapp.alerts.models import Delivery

    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = True
    worker = start_worker(VIGIL_LOG_FORMAT="json", VIGIL_WEBHOOK_ALLOW_PRIVATE="true",
                          VIGIL_WEBHOOK_MAX_RETRIES="0")
    worker_logs.append(worker)
    receiver = Receiver()
    try:
        hook = services.webhook_create(owner=user, url=receiver.url)
        worker.wait_ready()
        request_id = f"obs-{uuid.uuid4().hex[:12]}"
        api_client.force_authenticate(user)
        response = api_client.post(f"/api/v1/webhooks/{hook.pk}/test/",
                                   HTTP_X_REQUEST_ID=request_id)
        assert response.status_code == 202, response.content
        assert response["X-Request-ID"] == request_id

        # The web side: the line that sent the task names the request and the task id.
        (sent,) = [d for d in web_log.docs if d["message"].startswith("sent alerts.deliver")]
        assert sent["request_id"] == request_id
        task_id = re.search(r"\[([0-9a-f-]{36})\]", sent["message"]).group(1)

        wait_for(lambda: f"[{task_id}] succeeded" in worker.log(), timeout=60,
                 interval=0.2, message="the webhook task to finish")
        assert Delivery.objects.get(webhook=hook).status == "succeeded"
        assert len(receiver.requests) == 1
    finally:
        receiver.close()
    docs = [json.loads(line) for line in worker.log().splitlines() if line.strip()]
    during = [d for d in docs if d.get("task_id") == task_id]
    assert any(f"[{task_id}] succeeded" in d["message"] for d in during)
    assert during and all(d.get("request_id") == request_id for d in during), during
    # Lines outside the task (start-up, "received") carry no request id.
    assert not any(d.get("request_id") for d in docs if d.get("task_id") != task_id)
