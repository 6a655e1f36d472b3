"""``/metrics`` under real gunicorn with two worker processes (``gunicorn.conf.py``): the HTTP
counters add up across workers, and across workers that gunicorn replaced (``--max-requests``
makes it replace them every few requests), so every scrape, whichever worker answers, agrees."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from prometheus_client.parser import text_string_to_metric_families

from tests.webapp.conftest import REPO_ROOT, database_url, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
WORKERS = 2
NOT_FOUND = 6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def not_found_count(body: bytes) -> float:
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            if sample.name == "vigil_http_requests_total" and sample.labels == {
                    "method": "GET", "status": "404"}:
                return sample.value
    return 0.0


def test_http_counts_add_up_across_gunicorn_workers(tmp_path: Path):
    port = free_port()
    folder = tmp_path / "prom"
    folder.mkdir()
    (folder / "counter_1.db").write_bytes(b"stale from a previous run")
    env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONUNBUFFERED": "1",
           "VIGIL_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
           "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "webapp.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", str(WORKERS), "--max-requests", "3"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: get(f"http://127.0.0.1:{port}/metrics")[0] == 200
                 or process.poll() is not None, timeout=120, interval=0.5,
                 message="gunicorn to answer")
        assert process.poll() is None, log_path.read_text()[-4000:]
        assert not (folder / "counter_1.db").exists()  # emptied at start
        for _ in range(NOT_FOUND):
            assert get(f"http://127.0.0.1:{port}/no-such-page/")[0] == 404
        counts = {not_found_count(get(f"http://127.0.0.1:{port}/metrics")[1])
                  for _ in range(4)}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    # Requests were served by more processes than run at once: replaced workers still count.
    assert len(list(folder.glob("counter_*.db"))) > WORKERS
    assert counts == {float(NOT_FOUND)}, log_path.read_text()[-2000:]
