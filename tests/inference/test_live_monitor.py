"""LiveMonitor against real RTSP servers on loopback: incidents, clips, reconnects.

The fight and calm clips are the sample videos the file tests use, transcoded once to H.264 and
served live by gst-rtsp-server (``tests/live_servers``); the model is the shipped
``fight_detector`` with the threshold its card recommends, scored exactly as a file is.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from inference.live import LiveConfig, LiveIncident, LiveMonitor, scorer_for
from inference.models import recommended_threshold
from inference.probe import probe
from tests.live_servers import RtspServer, looped_h264

pytestmark = pytest.mark.slow
THRESHOLD = recommended_threshold("fight_detector")


@pytest.fixture(scope="module")
def clips(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``fight``: the fighting part (12-34 s) of fight_0002 looped; ``calm``: vtest (people
    walking) looped; both several minutes long, H.264."""
    out = tmp_path_factory.mktemp("live-clips")
    return {
        "fight": looped_h264(samples_dir / "fight_0002.mpeg", out / "fight.mp4", loops=10,
                             start_sec=12.0, end_sec=34.0),
        "calm": looped_h264(samples_dir / "vtest.avi", out / "calm.mp4", loops=4),
    }


class Seen:
    """What a monitor reported through its callbacks (thread-safe waits)."""

    def __init__(self) -> None:
        self.incidents: list[tuple[float, LiveIncident]] = []
        self.clips: list[LiveIncident] = []
        self.states: list[tuple[str, str]] = []
        self.scores: list[dict[str, float]] = []
        self.changed = threading.Condition()

    def _add(self, items: list, item: object) -> None:  # type: ignore[type-arg]
        with self.changed:
            items.append(item)
            self.changed.notify_all()

    def incident(self, incident: LiveIncident) -> None:
        self._add(self.incidents, (time.monotonic(), incident))

    def clip(self, incident: LiveIncident) -> None:
        self._add(self.clips, incident)

    def state(self, state: str, reason: str) -> None:
        self._add(self.states, (state, reason))

    def score(self, _at: float, scores: dict[str, float]) -> None:
        self._add(self.scores, scores)

    def wait(self, condition: Callable[[], bool], *, timeout_sec: float, what: str) -> None:
        with self.changed:
            if not self.changed.wait_for(condition, timeout=timeout_sec):
                raise AssertionError(f"gave up waiting for {what} after {timeout_sec:.0f} s; "
                                     f"states {self.states[-5:]}, scores {self.scores[-5:]}")

    def monitor(self, url: str, config: LiveConfig, clip_dir: Path) -> LiveMonitor:
        return LiveMonitor(url, config=config, clip_dir=clip_dir, on_incident=self.incident,
                           on_state=self.state, on_scores=self.score,
                           on_clip_ready=self.clip)


def detector_config(**changes: object) -> LiveConfig:
    options: dict[str, object] = {"model_name": "fight_detector", "threshold": THRESHOLD,
                                  "preroll_sec": 3.0, "postroll_sec": 1.0, "max_lag_sec": 3.0}
    options.update(changes)
    return LiveConfig(**options)  # type: ignore[arg-type]


def test_a_fight_on_a_camera_raises_an_incident_within_seconds_with_a_preroll_clip(
        clips: dict[str, Path], tmp_path: Path) -> None:
    config = detector_config(max_clip_sec=3.0)
    scorer_for(config)  # load the model before the stream starts: latency is what is measured
    seen = Seen()
    with RtspServer(clips["fight"]) as server:
        monitor = seen.monitor(server.url, config, tmp_path)
        monitor.start()
        try:
            seen.wait(lambda: bool(seen.incidents), timeout_sec=300, what="an incident")
            seen.wait(lambda: bool(seen.clips), timeout_sec=120, what="the incident's clip")
            metrics = monitor.metrics()
        finally:
            monitor.stop(timeout_sec=60)
    called_at, incident = seen.incidents[0]
    assert incident.label == "fight"
    assert incident.peak_score >= THRESHOLD
    assert incident.peak_jpeg[:2] == b"\xff\xd8"
    assert not incident.clip_ready
    assert called_at - incident.scored_monotonic <= 3.0  # window scored -> incident created
    ready = seen.clips[0]
    assert ready.incident_id == incident.incident_id and ready.clip_ready, ready.clip_error
    assert ready.clip_start_wall is not None and ready.clip_start_wall <= incident.onset_wall
    meta = probe(str(ready.clip_path))
    assert meta.codec == "h264"
    assert 2.0 <= meta.duration_sec <= config.preroll_sec + config.max_clip_sec + 1.0
    assert metrics.state == "live" and metrics.windows_scored >= 1 and metrics.fps_in > 10
    assert ("live", "") in seen.states


def test_people_walking_past_a_camera_raise_no_incident(clips: dict[str, Path],
                                                        tmp_path: Path) -> None:
    seen = Seen()
    with RtspServer(clips["calm"]) as server:
        monitor = seen.monitor(server.url, detector_config(), tmp_path)
        monitor.start()
        try:
            seen.wait(lambda: len(seen.scores) >= 3, timeout_sec=300, what="three windows")
        finally:
            monitor.stop(timeout_sec=60)
    assert not seen.incidents
    assert max(scores["fight"] for scores in seen.scores) < THRESHOLD
    assert not list(tmp_path.glob("*.mp4"))


def test_a_camera_that_drops_goes_reconnecting_then_live_again(clips: dict[str, Path],
                                                               tmp_path: Path) -> None:
    """Kill the RTSP server mid-stream, start it again on the same port: the monitor says
    ``reconnecting`` (with the reason), then ``live``, and keeps scoring; nothing crashes."""
    config = LiveConfig(model_name="tsn_resnet18", weights="none", backoff_min_sec=0.5,
                        backoff_max_sec=2.0, connect_timeout_sec=3.0, read_timeout_sec=3.0)
    seen = Seen()
    server = RtspServer(clips["fight"]).start()
    monitor = seen.monitor(server.url, config, tmp_path)
    monitor.start()
    try:
        seen.wait(lambda: ("live", "") in seen.states, timeout_sec=120, what="live")
        seen.wait(lambda: len(seen.scores) >= 1, timeout_sec=120, what="a scored window")
        server.kill()
        seen.wait(lambda: seen.states[-1][0] == "reconnecting", timeout_sec=30,
                  what="reconnecting")
        assert seen.states[-1][1]  # a reason is given
        time.sleep(2.0)  # a few failed attempts while the camera is down
        assert monitor.metrics().state == "reconnecting"
        scored = len(seen.scores)
        server.start()
        seen.wait(lambda: seen.states[-1] == ("live", ""), timeout_sec=60, what="live again")
        seen.wait(lambda: len(seen.scores) > scored, timeout_sec=120,
                  what="a window scored after the reconnect")
        metrics = monitor.metrics()
        assert metrics.reconnects >= 1 and metrics.state == "live"
    finally:
        monitor.stop(timeout_sec=60)
        server.kill()
    assert seen.states[-1] == ("stopped", "")
    assert monitor.metrics().state == "stopped"
