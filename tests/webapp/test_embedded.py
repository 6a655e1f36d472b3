"""The no-server defaults end to end: SQLite database + embedded SQLite Celery broker."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from tests.webapp.conftest import REPO_ROOT, SHORT_CLIP, wait_for

pytestmark = pytest.mark.slow

SETUP = """
import django, sys
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from webapp.models_registry.models import ModelVersion
from webapp.videos import services
labels = [l.strip() for l in open(sys.argv[1]) if l.strip()]
ModelVersion.objects.create(name="mc3_18.untrained", arch="mc3_18", weights="none",
                            labels=labels, is_default=True)
user = get_user_model().objects.create_user("smoke", password="not-used-here-1")
with open(sys.argv[2], "rb") as fh:
    upload = SimpleUploadedFile("clip.mp4", fh.read())
video, analysis = services.video_upload(owner=user, upload=upload,
                                        analysis_options={"segment_sec": 2, "stride_sec": 2})
print(analysis.pk.hex)
"""


def test_web_and_worker_need_no_server(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "VIGIL_MEDIA_ROOT")}
    env.update({"DJANGO_SETTINGS_MODULE": "webapp.settings", "VIGIL_VAR_DIR": str(tmp_path),
                "VIGIL_RENDER_MAX_HEIGHT": "240", "PYTHONUNBUFFERED": "1"})
    labels = REPO_ROOT / "inference" / "models" / "labels" / "kinetics400.txt"
    setup = subprocess.run([sys.executable, "-c", SETUP, str(labels), str(SHORT_CLIP)],
                           cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
                           check=False)
    assert setup.returncode == 0, setup.stderr
    analysis_id = setup.stdout.strip().splitlines()[-1]
    assert (tmp_path / "celery-broker.sqlite3").is_file()  # the task waits in the file broker

    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "webapp", "worker", "-Q", "cpu,gpu",
             "--pool=solo", "-c", "1", "-l", "INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat"], cwd=REPO_ROOT, env=env, stdout=log,
            stderr=subprocess.STDOUT)
    database = sqlite3.connect(tmp_path / "db.sqlite3", timeout=30)
    try:
        def status() -> str | None:
            row = database.execute("SELECT status FROM videos_analysis WHERE id = ?",
                                   (analysis_id,)).fetchone()
            return row[0] if row and row[0] in ("succeeded", "failed", "cancelled") else None

        try:
            final = wait_for(status, timeout=150, interval=0.5, message="the analysis")
        except AssertionError:
            raise AssertionError(log_path.read_text(errors="replace")[-5000:]) from None
        error = database.execute("SELECT error FROM videos_analysis WHERE id = ?",
                                 (analysis_id,)).fetchone()[0]
        assert final == "succeeded", error
        count = database.execute("SELECT COUNT(*) FROM videos_segment WHERE analysis_id = ?",
                                 (analysis_id,)).fetchone()[0]
        assert count == 3
    finally:
        database.close()
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    dashed = f"{analysis_id[:8]}-{analysis_id[8:12]}-{analysis_id[12:16]}-" \
             f"{analysis_id[16:20]}-{analysis_id[20:]}"
    document = json.loads((tmp_path / "media" / "analyses" / dashed / "results.json").read_text())
    assert len(document["segments"]) == 3
