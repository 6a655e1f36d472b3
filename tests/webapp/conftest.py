"""Fixtures for the web app tests: users, model versions, media in a temp folder, a real
Celery worker subprocess pointed at the test database, camera workers and a fight stream."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.db import connection
from rest_framework.test import APIClient

from tests.live_servers import looped_h264

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLES = REPO_ROOT.parent / "shared" / "clips" / "samples"
LABELS_FILE = REPO_ROOT / "inference" / "models" / "labels" / "kinetics400.txt"
#: Short real clips: 5.3 s and 7.2 s, 640x240 H.264.
SHORT_CLIP = SAMPLES / "fall-01-cam0.mp4"
LONGER_CLIP = SAMPLES / "fall-03-cam0.mp4"
TEST_MODEL = "mc3_18"


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"sample clip {path} is not available")
    return path


def wait_for(predicate: Callable[[], object], *, timeout: float, interval: float = 0.1,
             message: str = "condition") -> object:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {message}")
        time.sleep(interval)


@pytest.fixture(autouse=True)
def _web_settings(settings, tmp_path: Path, request: pytest.FixtureRequest,
                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Media and upload temp files in a per-test folder; cheap password hashing; no API
    throttles or quotas (their own tests switch them on), so no test depends on another's
    request count. A test whose rows live in its own transaction (``db``) runs jobs in-process
    without starting a heartbeat thread: that thread's connection cannot see the uncommitted job row
    and would report the job lost once a slow machine makes it outlast one beat."""
    media = tmp_path / "media"
    upload_tmp = tmp_path / "upload-tmp"
    media.mkdir()
    upload_tmp.mkdir()
    settings.MEDIA_ROOT = media
    settings.FILE_UPLOAD_TEMP_DIR = str(upload_tmp)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.VIGIL_RENDER_MAX_HEIGHT = 240
    settings.VIGIL_SHOW_UNTRAINED = True  # tests run random-weight models; users never see them
    settings.VIGIL_API_THROTTLE_RATES = {}
    settings.VIGIL_QUOTA_ACTIVE_ANALYSES = 0
    settings.VIGIL_QUOTA_STORAGE_BYTES = 0
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        from webapp.core.jobs.reporting import Heartbeat

        monkeypatch.setattr(Heartbeat, "run", lambda self: None)  # beats never


@pytest.fixture
def password() -> str:
    return "correct horse battery staple 42"


@pytest.fixture
def make_user(db, django_user_model, password) -> Callable[..., object]:
    def make(username: str, *, staff: bool = False):
        return django_user_model.objects.create_user(
            username=username, password=password, is_staff=staff)
    return make


@pytest.fixture
def user(make_user):
    return make_user("alice")


@pytest.fixture
def other_user(make_user):
    return make_user("bob")


@pytest.fixture
def staff_user(make_user):
    return make_user("root", staff=True)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def kinetics_labels() -> list[str]:
    return [line.strip() for line in LABELS_FILE.read_text().splitlines() if line.strip()]


@pytest.fixture
def model_version(db):
    """An untrained (random weights) test model, the default version."""
    from webapp.models_registry.models import ModelVersion

    return ModelVersion.objects.create(
        name=f"{TEST_MODEL}.untrained", arch=TEST_MODEL, weights="none",
        labels=kinetics_labels(), input_spec={"clip_len": 16}, is_default=True)


@pytest.fixture
def owned(user, model_version, settings):
    """Alice's video with a finished analysis whose output files exist."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from webapp.videos import services
    from webapp.videos.models import Analysis, AnalysisStatus, Event, Segment

    video, _ = services.video_upload(
        owner=user, upload=SimpleUploadedFile("alice.mp4", SHORT_CLIP.read_bytes()))
    analysis = Analysis.objects.create(
        video=video, model_version=model_version, created_by=user, segment_sec=2,
        stride_sec=2, threshold=0.5, labels=["abseiling"], watched_labels=["abseiling"],
        status=AnalysisStatus.SUCCEEDED, finished_at=timezone.now(), percent=100)
    out = settings.MEDIA_ROOT / "analyses" / str(analysis.pk)
    out.mkdir(parents=True)
    shutil.copy(SHORT_CLIP, out / "annotated.mp4")
    (out / "results.json").write_text(json.dumps({"schema": "vigil.results/1"}))
    analysis.annotated_file = f"analyses/{analysis.pk}/annotated.mp4"
    analysis.results_file = f"analyses/{analysis.pk}/results.json"
    analysis.save()
    Segment.objects.create(analysis=analysis, index=0, start_sec=0, end_sec=2,
                           top=[["abseiling", 0.9]], scores={"abseiling": 0.9},
                           label_scores={"abseiling": 0.9}, top_label="abseiling",
                           top_score=0.9, max_score=0.9)
    Event.objects.create(analysis=analysis, label="abseiling", start_sec=0, end_sec=2,
                         peak_score=0.9, mean_score=0.9, peak_sec=1)
    return video, analysis


def media_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file())


def temp_upload_files() -> list[Path]:
    return sorted(p for p in Path(django_settings.FILE_UPLOAD_TEMP_DIR).rglob("*") if p.is_file())


# --- A real Celery worker ------------------------------------------------------------------------

def database_url() -> str:
    """URL of the database this test uses (pytest-django's test database)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen
    log_path: Path

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_ready(self, timeout: float = 60) -> None:
        wait_for(lambda: " ready." in self.log() or not self.alive, timeout=timeout,
                 interval=0.2, message="the Celery worker to start")
        assert self.alive, f"worker exited early:\n{self.log()[-4000:]}"

    def kill(self) -> None:
        """SIGKILL: no shutdown, no ack, no chance to write anything."""
        if self.alive:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def _flush_broker() -> None:
    """Empty the test broker (Redis db of REDIS_URL, or the queues of another transport)."""
    from webapp.celery import app

    broker = app.conf.broker_url or ""
    if broker.startswith("redis"):
        import redis

        redis.Redis.from_url(broker).flushdb()
    else:
        app.control.purge()


@pytest.fixture
def start_worker(transactional_db, tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    """Start ``celery -A webapp worker -Q cpu,gpu --pool=solo -c 1`` against the test DB."""
    from webapp.celery import app

    workers: list[Worker] = []
    _flush_broker()

    def start(**env_overrides: str) -> Worker:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "webapp.settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": app.conf.broker_url,
            "VIGIL_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
            "VIGIL_DEFAULT_WEIGHTS": "none",
            "VIGIL_RENDER_MAX_HEIGHT": "240",
            "VIGIL_HEARTBEAT_SEC": "1",
            "VIGIL_NUM_THREADS": "2",
            "PYTHONUNBUFFERED": "1",
            **env_overrides,
        }
        log_path = tmp_path / f"worker-{len(workers)}.log"
        log = open(log_path, "wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "webapp", "worker", "-Q", "cpu,gpu",
             "--pool=solo", "-c", "1", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-l", "INFO", "-n", f"test-{uuid.uuid4().hex[:8]}@%h"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        worker = Worker(process, log_path)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.kill()
    _flush_broker()


@pytest.fixture
def worker_logs(request) -> Iterator[list[Worker]]:
    """Register workers here to have their logs printed when a test fails."""
    registered: list[Worker] = []
    yield registered
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for worker in registered:
            sys.stderr.write(f"\n--- worker log {worker.log_path} ---\n{worker.log()[-6000:]}\n")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --- Camera workers (tests of live cameras) -----------------------------------------------------

CAMERA_LEASE_SEC = 6.0
CAMERA_TICK_SEC = 1.0


@dataclass
class CameraWorkerProcess:
    """A ``manage.py vigil_cameras`` subprocess and its log."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no release, no last write (a machine lost)."""
        if self.alive:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def wait_ready(self, timeout: float = 180) -> None:
        wait_for(lambda: f"camera worker {self.name} ready" in self.log() or not self.alive,
                 timeout=timeout, interval=0.2, message=f"camera worker {self.name} to start")
        assert self.alive, self.log()[-4000:]

    def terminate(self) -> int:
        if self.alive:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)


@pytest.fixture
def camera_workers(transactional_db, tmp_path: Path, settings, request,
                   ) -> Iterator[Callable[[str], CameraWorkerProcess]]:
    """Start ``manage.py vigil_cameras --worker-id NAME`` against the test DB (lease
    :data:`CAMERA_LEASE_SEC`, tick :data:`CAMERA_TICK_SEC`); SIGKILLed at the end."""
    settings.VIGIL_CAMERA_KEY = Fernet.generate_key().decode()
    started: list[CameraWorkerProcess] = []

    def start(name: str) -> CameraWorkerProcess:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "webapp.settings",
               "DATABASE_URL": database_url(), "VIGIL_MEDIA_ROOT": str(settings.MEDIA_ROOT),
               "VIGIL_CAMERA_KEY": settings.VIGIL_CAMERA_KEY,
               "VIGIL_CAMERA_LEASE_SEC": str(CAMERA_LEASE_SEC),
               "VIGIL_CAMERA_TICK_SEC": str(CAMERA_TICK_SEC),
               "VIGIL_NUM_THREADS": "2", "PYTHONUNBUFFERED": "1"}
        log_path = tmp_path / f"camera-worker-{name}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "vigil_cameras", "--worker-id", name],
                cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        worker = CameraWorkerProcess(name, process, log_path)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for worker in started:
            sys.stderr.write(f"\n--- camera worker {worker.name} ---\n{worker.log()[-6000:]}\n")


@pytest.fixture(scope="module")
def fight_stream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fight sample (``fight_0002``) as H.264, looped 6 times (3.5 minutes)."""
    return looped_h264(SAMPLES / "fight_0002.mpeg",
                       tmp_path_factory.mktemp("cams") / "fight.mp4", loops=6)
