"""Opening live streams: only the URL's own protocol, real RTSP and HLS servers on loopback."""
from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from inference.errors import StreamError
from inference.live import LiveConfig, LiveMonitor, probe_stream, redact_url
from inference.live.source import check_url, ffmpeg_options
from tests.live_servers import HlsServer, RtspServer, free_port, looped_h264


@pytest.fixture(scope="module")
def fight_h264(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return looped_h264(samples_dir / "fight_0002.mpeg",
                       tmp_path_factory.mktemp("live-src") / "fight.mp4", loops=2)


@pytest.mark.parametrize(("url", "code"), [
    ("file:///etc/passwd", "protocol_not_allowed"),
    ("/etc/passwd", "protocol_not_allowed"),
    ("concat:/etc/passwd|/etc/hosts", "protocol_not_allowed"),
    ("subfile:,,start,0,end,0,,:/etc/passwd", "protocol_not_allowed"),
    ("ftp://127.0.0.1/cam", "protocol_not_allowed"),
    ("udp://127.0.0.1:1234", "protocol_not_allowed"),
    ("rtsp:///cam", "invalid_url"),
    ("rtsp://127.0.0.1:99999/cam", "invalid_url"),
    ("rtsp://127.0.0.1/cam\nx", "invalid_url"),
    ("rtsp://127.0.0.1/cam\x0bx", "invalid_url"),  # any control character
    ("rtsp://127.0.0.1/cam\x7fx", "invalid_url"),
])
def test_probe_stream_refuses_local_files_and_other_protocols(url: str, code: str) -> None:
    with pytest.raises(StreamError) as refused:
        probe_stream(url, timeout_sec=2)
    assert refused.value.code == code


def test_each_scheme_opens_only_its_own_protocols() -> None:
    https = ffmpeg_options(check_url("https://cam.example/live.m3u8"), read_timeout_sec=5)
    assert https["protocol_whitelist"].split(",") == ["https", "tls", "tcp", "crypto"]
    assert "file" not in ffmpeg_options(check_url("rtsp://cam/x"),
                                        read_timeout_sec=5)["protocol_whitelist"]
    assert ffmpeg_options(check_url("http://cam/x"), read_timeout_sec=5)["protocol_whitelist"] \
        == "http,tcp"


def test_a_playlist_cannot_make_ffmpeg_read_a_local_file(fight_h264: Path,
                                                         tmp_path: Path) -> None:
    """An HLS playlist served over HTTP naming a local ``file:`` segment (a valid MPEG-TS
    video) is refused: nested opens inherit the HTTP-only protocol whitelist."""
    secret = tmp_path / "secret.ts"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(fight_h264), "-t", "4", "-c", "copy",
                    "-f", "mpegts", str(secret)], check=True, timeout=60)
    (tmp_path / "evil.m3u8").write_text(
        "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\n"
        f"file://{secret}\n#EXT-X-ENDLIST\n")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1",
                               "--directory", str(tmp_path), str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port)
        with pytest.raises(StreamError) as refused:
            probe_stream(f"http://127.0.0.1:{port}/evil.m3u8", timeout_sec=5)
        assert str(secret) not in refused.value.message
    finally:
        server.kill()
        server.wait()


def test_probe_stream_describes_a_live_rtsp_camera(fight_h264: Path) -> None:
    with RtspServer(fight_h264) as server:
        info = probe_stream(server.url, timeout_sec=10)
    assert (info.codec, info.width, info.height) == ("h264", 384, 216)
    assert info.fps == pytest.approx(25, abs=1)
    assert info.url_redacted == server.url


def test_probe_stream_describes_a_live_hls_stream(fight_h264: Path, tmp_path: Path) -> None:
    with HlsServer(fight_h264, tmp_path / "hls") as server:
        info = probe_stream(server.url, timeout_sec=15)
    assert (info.codec, info.width, info.height) == ("h264", 384, 216)


def test_probe_stream_says_a_stopped_camera_is_unreachable() -> None:
    with pytest.raises(StreamError) as refused:
        probe_stream(f"rtsp://admin:hunter2@127.0.0.1:{free_port()}/cam", timeout_sec=3)
    assert refused.value.code == "unreachable"
    assert "hunter2" not in refused.value.message


def test_redacted_urls_keep_the_user_and_hide_the_password_and_query_values() -> None:
    assert redact_url("rtsp://admin:s3cret@10.0.0.7:554/h264?token=abc&ch=1") == \
        "rtsp://admin:***@10.0.0.7:554/h264?token=***&ch=***"


def _wait_for_port(port: int) -> None:

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


def test_a_monitor_with_a_refused_url_or_an_unknown_model_ends_in_error(tmp_path: Path) -> None:
    cases = [("file:///etc/passwd", LiveConfig(model_name="tsn_resnet18", weights="none")),
             (f"rtsp://127.0.0.1:{free_port()}/cam", LiveConfig(model_name="no_such_model"))]
    for url, config in cases:
        states: list[tuple[str, str]] = []
        failed = threading.Event()

        def on_state(state: str, reason: str, states: list[tuple[str, str]] = states,
                     failed: threading.Event = failed) -> None:
            states.append((state, reason))
            if state == "error":
                failed.set()

        monitor = LiveMonitor(url, config=config, clip_dir=tmp_path,
                              on_incident=lambda incident: None, on_state=on_state)
        monitor.start()
        try:
            assert failed.wait(60), states
            assert monitor.metrics().state == "error" and monitor.metrics().state_reason
        finally:
            monitor.stop()
        assert states[-1] == ("stopped", "")
