"""LiveMonitor over HTTP: a live HLS playlist, and an MPEG-TS stream whose picture changes
size mid-way. A cheap real model (TSN-ResNet18, random weights) does the scoring: these
tests are about the stream side, not the scores."""
from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from inference.live import LiveConfig, LiveMonitor
from tests.live_servers import HlsServer, free_port, looped_h264

pytestmark = pytest.mark.slow
CHEAP = LiveConfig(model_name="tsn_resnet18", weights="none", backoff_min_sec=0.5,
                   backoff_max_sec=1.0, connect_timeout_sec=5.0, read_timeout_sec=5.0)


def test_a_live_hls_stream_is_watched_like_a_camera(samples_dir: Path, tmp_path: Path) -> None:
    clip = looped_h264(samples_dir / "fight_0002.mpeg", tmp_path / "fight.mp4")
    scored = threading.Semaphore(0)
    with HlsServer(clip, tmp_path / "hls") as server:
        monitor = LiveMonitor(server.url, config=CHEAP, clip_dir=tmp_path / "clips",
                              on_incident=lambda incident: None,
                              on_scores=lambda at, scores: scored.release())
        monitor.start()
        try:
            assert all(scored.acquire(timeout=120) for _ in range(2)), monitor.metrics()
            metrics = monitor.metrics()
            preview = monitor.latest_jpeg()
        finally:
            monitor.stop(timeout_sec=30)
    assert metrics.state == "live" and metrics.fps_in > 0
    assert preview is not None and preview[:2] == b"\xff\xd8"


def test_a_picture_that_changes_size_reopens_the_stream_without_a_crash(
        samples_dir: Path, tmp_path: Path) -> None:
    """Two MPEG-TS encodes (384x216, then 192x108) back to back in one HTTP response."""
    parts = []
    for height in (216, 108):
        part = tmp_path / f"{height}.ts"
        subprocess.run(["ffmpeg", "-v", "error", "-i", str(samples_dir / "fight_0002.mpeg"),
                        "-t", "6", "-an", "-vf", f"scale=-2:{height}", "-c:v", "libx264",
                        "-preset", "veryfast", "-bf", "0", "-f", "mpegts", str(part)],
                       check=True, timeout=120)
        parts.append(part.read_bytes())
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "cam.ts").write_bytes(b"".join(parts))
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1",
                               "--directory", str(tmp_path / "www"), str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    states: list[tuple[str, str]] = []
    changed = threading.Event()

    def on_state(state: str, reason: str) -> None:
        states.append((state, reason))
        if state == "reconnecting" and "changed size" in reason:
            changed.set()

    monitor = LiveMonitor(f"http://127.0.0.1:{port}/cam.ts", config=CHEAP,
                          clip_dir=tmp_path / "clips", on_incident=lambda incident: None,
                          on_state=on_state)
    try:
        monitor.start()
        assert changed.wait(120), states
        assert ("live", "") in states
        metrics = monitor.metrics()
        assert metrics.reconnects >= 1
    finally:
        monitor.stop(timeout_sec=30)
        server.kill()
        server.wait()
    assert states[-1] == ("stopped", "")
