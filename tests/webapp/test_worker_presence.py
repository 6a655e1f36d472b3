"""Workers announce themselves, and write the log file they are given, on the embedded defaults.

A real ``celery worker`` subprocess (prefork, one child: what ``make run`` starts) on the
SQLite database and the SQLite broker (kombu's SQLAlchemy transport: no fanout, so ``celery
inspect`` cannot reach it). ``/api/v1/ops/``, ``/ops/`` and ``/healthz`` are read by a second
process on the same files, the way the web server would.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.webapp.conftest import LABELS_FILE, REPO_ROOT, SHORT_CLIP, wait_for

pytestmark = pytest.mark.slow

#: The web side, one process for the whole test (Django starts slowly on a busy machine): set
#: up the database, then answer commands read from stdin, one JSON line each:
#: ``wait <seconds> <expression over ops>`` polls ``/api/v1/ops/`` until the expression holds
#: and answers ``{"ops", "health", "status", "page"}``; ``upload <path>`` uploads a clip with an
#: analysis and answers its id.
WEB = """
import django, json, sys, time
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from webapp.models_registry.models import ModelVersion
from webapp.videos import services
labels = [l.strip() for l in open(sys.argv[1]) if l.strip()]
ModelVersion.objects.create(name="mc3_18.untrained", arch="mc3_18", weights="none",
                            labels=labels, is_default=True)
staff = get_user_model().objects.create_user("ops", password="not-used-here-1", is_staff=True)
client = Client()
client.force_login(staff)
print(json.dumps("ready"), flush=True)
for line in sys.stdin:
    command, _, rest = line.strip().partition(" ")
    if command == "upload":
        with open(rest, "rb") as fh:
            upload = SimpleUploadedFile("clip.mp4", fh.read())
        _, analysis = services.video_upload(owner=staff, upload=upload, analysis_options={
            "segment_sec": 1, "stride_sec": 0.5})
        print(json.dumps(str(analysis.pk)), flush=True)
        continue
    timeout, _, want = rest.partition(" ")
    deadline = time.monotonic() + float(timeout)
    while True:
        ops = client.get("/api/v1/ops/").json()
        if eval(want, {"ops": ops}) or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    health = Client().get("/healthz")
    print(json.dumps({"ops": ops, "health": health.json(), "status": health.status_code,
                      "page": client.get("/ops/").content.decode()}), flush=True)
"""


class WebSide:
    """The :data:`WEB` process: :meth:`read` and :meth:`upload` (see there)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", WEB, str(LABELS_FILE)], cwd=REPO_ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        assert self.answer() == "ready"

    def answer(self) -> object:
        line = self.process.stdout.readline()
        assert line, f"the web side exited ({self.process.wait(timeout=30)})"
        return json.loads(line)

    def read(self, want: str = "True", *, timeout_sec: float = 240) -> dict:
        """The ops document (and health, page) once ``want`` holds or ``timeout_sec`` passed."""
        self.process.stdin.write(f"wait {timeout_sec} {want}\n")
        return self.answer()

    def upload(self, path: Path) -> str:
        self.process.stdin.write(f"upload {path}\n")
        return str(self.answer())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.kill()  # it may be mid-poll; its answers are all read
        self.process.wait(timeout=60)


def test_a_worker_on_the_sqlite_broker_announces_itself_and_writes_its_log_file(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "VIGIL_MEDIA_ROOT")}
    env.update({"DJANGO_SETTINGS_MODULE": "webapp.settings", "VIGIL_VAR_DIR": str(tmp_path),
                "VIGIL_RENDER_MAX_HEIGHT": "240", "VIGIL_HEARTBEAT_SEC": "1",
                "PYTHONUNBUFFERED": "1"})
    web = WebSide(env)
    worker = None
    try:
        assert web.read(timeout_sec=0)["ops"]["workers"] == []
        log_path = tmp_path / "worker.log"
        console = tmp_path / "console.txt"
        with open(console, "wb") as out:
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "webapp", "worker", "-Q", "cpu,gpu",
                 "-c", "1", "-l", "INFO", "--logfile", str(log_path), "-n", "presence@%h",
                 "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        wait_for(lambda: log_path.is_file() and " ready." in log_path.read_text(),
                 timeout=300, interval=0.5, message="the worker log to say it is ready")

        # Idle, on a broker that has no broadcast: the page still lists the worker.
        seen = web.read("any(w['ok'] for w in ops['workers'])")
        (found,) = seen["ops"]["workers"]
        assert found["ok"] and found["name"].startswith("presence@")
        assert found["pid"] == worker.pid and found["host"]
        assert found["queues"] == ["cpu", "gpu"]
        assert found["pool"] == "prefork" and found["concurrency"] == 1
        assert found["active"] == [] and found["rss_bytes"] > 50 * 2**20
        assert seen["status"] == 200
        assert seen["health"]["workers"] == {"alive": 1, "queues": ["cpu", "gpu"]}
        assert found["name"] in seen["page"] and "No worker has announced" not in seen["page"]

        # Busy: the current job names the analysis.
        analysis_id = web.upload(SHORT_CLIP)
        busy = web.read(f"any(j.get('analysis_id') == '{analysis_id}' "
                        "for w in ops['workers'] for j in w['active'])")
        (job,) = busy["ops"]["workers"][0]["active"]
        assert job["analysis_id"] == analysis_id and job["name"] == "videos.analyze_video"
        assert f"analysis {analysis_id}" in busy["page"]
        done = web.read("ops['workers'][0]['tasks_done'] >= 1 and not ops['workers'][0]['active']"
                        " and ops['analyses']['running_count'] == 0", timeout_sec=400)
        assert done["ops"]["workers"][0]["tasks_done"] >= 1
        assert done["ops"]["workers"][0]["devices"][0] == "cpu"  # listed by now
        log = log_path.read_text()
        assert f"analysis {analysis_id} succeeded" in log, log[-3000:]
        assert "Traceback" not in log

        worker.send_signal(signal.SIGTERM)  # warm shutdown: the worker takes its row away
        worker.wait(timeout=400)
        assert web.read("ops['workers'] == []", timeout_sec=10)["ops"]["workers"] == []
        assert " ready." not in console.read_text()  # the records went to the file
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
        web.close()
