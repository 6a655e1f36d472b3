"""Worker memory over a session of mixed analyses: does the pool child keep growing?

Starts what ``make run`` starts (a prefork worker with one child, SQLite database and broker in
a temporary folder), submits ``--analyses`` analyses one after another, cycling through a mix
of models (3D CNN, TSN, CRNN), streams (RGB, RGB + DIS flow) and real clips of different sizes
(each also renders its annotated video), and prints the resident memory of the pool child and
of the worker's main process after each, then after ``--idle-sec`` of idling. Weights are
random (``none``): the same compute and allocations as trained ones, no download.

``--max-memory-per-child KIB`` runs with that recycling limit (0 = off, the measurement);
the table's ``child pid`` column then shows when the child was replaced.

    .venv/bin/python -m bench.bench_worker_memory                 # one pass over the mix (6)
    .venv/bin/python -m bench.bench_worker_memory --analyses 100  # the issue's session
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "clips" / "samples"
MIB = 2**20


@dataclass(frozen=True)
class Job:
    """One analysis of the mix."""

    arch: str
    clip: str
    modalities: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.arch} {'+'.join(self.modalities) or 'rgb'}"


MIX = (
    Job("mc3_18", "fall-01-cam0.mp4"),
    Job("tsn_efficientnet_lite0", "chaplin.mp4", ("rgb", "flow")),
    Job("r2plus1d_18", "mmaction2-test.mp4"),
    Job("crnn_efficientnet_lite0_lstm", "flipping_a_pancake.mkv"),
    Job("tsn_resnet18", "torchvideo-1.mp4", ("rgb", "flow")),
    Job("r3d_18", "fall-03-cam0.mp4"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--analyses", type=int, default=len(MIX))
    parser.add_argument("--idle-sec", type=float, default=20.0)
    parser.add_argument("--max-memory-per-child", type=int, default=0,
                        help="KiB; 0 measures without recycling")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vigil-bench-worker-") as var_dir:
        run(analyses=args.analyses, idle_sec=args.idle_sec, var_dir=Path(var_dir),
            max_memory_kib=args.max_memory_per_child)


def run(*, analyses: int, idle_sec: float, var_dir: Path, max_memory_kib: int) -> None:
    """Set up the embedded defaults in ``var_dir``, run the session, print the table."""
    for key in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "VIGIL_MEDIA_ROOT"):
        os.environ.pop(key, None)
    os.environ.update({"DJANGO_SETTINGS_MODULE": "webapp.settings", "VIGIL_VAR_DIR": str(var_dir),
                       "VIGIL_WORKER_MAX_MEMORY_PER_CHILD_KIB": str(max_memory_kib)})
    import django  # after the environment is set

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from inference.models import get
    from inference.models.weights import load_label_set
    from webapp.core.workers import child_pids, rss_bytes
    from webapp.models_registry.models import ModelVersion
    from webapp.videos import services
    from webapp.videos.models import Analysis

    call_command("migrate", verbosity=0)
    owner = get_user_model().objects.create_user("bench", password="bench-not-used-1")
    versions = {}
    for arch in dict.fromkeys(job.arch for job in MIX):
        labels = list(load_label_set(get(arch).label_set))
        versions[arch] = ModelVersion.objects.create(
            name=f"{arch.replace('_', '-')}-untrained", arch=arch, weights="none",
            labels=labels, is_default=not versions)

    log_path = var_dir / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "webapp", "worker", "-Q", "cpu,gpu", "-c", "1",
         "-l", "INFO", "--logfile", str(log_path), "--without-gossip", "--without-mingle",
         "--without-heartbeat"], cwd=REPO, env=os.environ.copy(),
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        _wait(lambda: log_path.is_file() and " ready." in log_path.read_text(), 300)
        print(f"worker pid {worker.pid}, max_memory_per_child "
              f"{max_memory_kib or 'off'} KiB, {analyses} analyses")
        print("| # | analysis | clip | status | wall s | child pid | child RSS MiB "
              "| main RSS MiB |")
        print("|---|---|---|---|---|---|---|---|")
        child_mib: list[float] = []
        for index in range(analyses):
            job = MIX[index % len(MIX)]
            started = time.monotonic()
            upload = SimpleUploadedFile(job.clip, (SAMPLES / job.clip).read_bytes())
            _, analysis = services.video_upload(owner=owner, upload=upload, analysis_options={
                "model_version": versions[job.arch], "segment_sec": 2.0, "stride_sec": 1.0,
                "modalities": list(job.modalities)})
            _wait(lambda pk=analysis.pk: Analysis.objects.get(pk=pk).is_finished, 900)
            analysis.refresh_from_db()
            children = child_pids(worker.pid)
            child = (rss_bytes(children[0]) or 0) / MIB if children else 0.0
            child_mib.append(child)
            print(f"| {index + 1} | {job.label} | {job.clip} | {analysis.status} "
                  f"| {time.monotonic() - started:.1f} | {children[0] if children else '-'} "
                  f"| {child:.0f} | {(rss_bytes(worker.pid) or 0) / MIB:.0f} |", flush=True)
        time.sleep(idle_sec)
        children = child_pids(worker.pid)
        idle = (rss_bytes(children[0]) or 0) / MIB if children else 0.0
        print(f"| idle {idle_sec:.0f} s | | | | | {children[0] if children else '-'} "
              f"| {idle:.0f} | {(rss_bytes(worker.pid) or 0) / MIB:.0f} |")
        if child_mib:
            print(f"\nchild RSS: after the first analysis {child_mib[0]:.0f} MiB, "
                  f"max {max(child_mib):.0f} MiB, after the last {child_mib[-1]:.0f} MiB, "
                  f"idle {idle:.0f} MiB")
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()


def _wait(predicate, timeout_sec: float) -> None:
    deadline = time.monotonic() + timeout_sec
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("gave up waiting")
        time.sleep(0.5)


if __name__ == "__main__":
    main()
