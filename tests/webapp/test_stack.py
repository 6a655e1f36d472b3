"""The no-Docker runner: ``scripts/stack.sh`` (``make stack``) migrates and starts the Procfile
with honcho (gunicorn, a CPU worker, beat) against the real PostgreSQL and Redis; /healthz
answers 200, the worker answers a Celery ping, and SIGTERM stops every process it started."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tests.webapp.conftest import REPO_ROOT, _flush_broker, database_url, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def healthz(port: int) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def test_stack_starts_answers_and_stops_cleanly(tmp_path):
    from webapp.celery import app

    if connection.vendor != "postgresql" or not app.conf.broker_url.startswith("redis"):
        pytest.skip("the stack runs against PostgreSQL and Redis (set DATABASE_URL/REDIS_URL)")
    port = free_port()
    name = f"stack{uuid.uuid4().hex[:6]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": app.conf.broker_url,
        "CELERY_BROKER_URL": app.conf.broker_url,
        "VIGIL_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "VIGIL_VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "VIGIL_STACK_NAME": name,
        "WEB_WORKERS": "1",
        "VIGIL_LOG_FORMAT": "json",
        "PORT": str(port),
        "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp_path / "stack.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([str(REPO_ROOT / "scripts" / "stack.sh")], cwd=REPO_ROOT,
                                   env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    started: set[int] = set()
    try:
        wait_for(lambda: healthz(port) == 200 or process.poll() is not None, timeout=180,
                 interval=0.5, message="/healthz of the stack")
        assert process.poll() is None, log_path.read_text()[-4000:]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            assert json.load(response)["status"] == "ok"
        worker = wait_for(
            lambda: [w for w in (app.control.inspect(timeout=1.0).ping() or {})
                     if w.startswith(f"cpu-{name}@")],
            timeout=120, interval=0.5, message="the stack's worker to answer a ping")
        assert len(worker) == 1
        wait_for(lambda: "beat: Starting" in log_path.read_text(errors="replace"), timeout=60,
                 message="beat to start")
        started = descendants(process.pid) | {process.pid}
        assert len(started) >= 4  # honcho + gunicorn (master, worker) + celery worker + beat
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
            raise
        finally:
            _flush_broker()  # beat's first watchdog/retention messages
    assert process.returncode is not None
    wait_for(lambda: not [pid for pid in started if alive(pid)], timeout=30,
             message="every process of the stack to exit")
    assert healthz(port) is None  # nothing listens any more
