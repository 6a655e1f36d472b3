"""Real live-stream servers on the loopback address, for the live tests and the bench.

- :class:`RtspServer`: Debian's gst-rtsp-server run by the *system* ``python3`` (which has
  ``gi``) as a separate process (``rtsp_server.py``), serving an H.264 MP4 as a shared, live
  RTSP stream; :meth:`RtspServer.kill` and :meth:`RtspServer.start` again on the same port
  make a camera drop and come back.
- :class:`HlsServer`: the ``ffmpeg`` binary writing a live HLS playlist (MPEG-TS segments) in
  real time, served by Python's ``http.server`` in another process.

Clips are transcoded once with :func:`looped_h264` (the sample clips are MPEG-1 or AVI).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SYSTEM_PYTHON = "/usr/bin/python3"


def free_port() -> int:
    """A TCP port nobody listens on now (127.0.0.1)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def looped_h264(source: Path, out: Path, *, loops: int = 1, start_sec: float = 0.0,
                end_sec: float | None = None, fps: float | None = None,
                height: int | None = None, gop_sec: float = 1.0, speed: float = 1.0) -> Path:
    """Transcode ``[start_sec, end_sec)`` of ``source`` to H.264 MP4 (no audio, no B-frames,
    a keyframe every ``gop_sec``) repeated ``loops`` times; cached by name in ``out``.

    ``speed`` > 1 plays it that many times faster (every frame kept, ``fps x speed``): a live
    server then sends that many seconds of stream per second, for accelerated soaks."""
    if out.exists():
        return out
    cut = out.with_suffix(".cut.mp4")
    filters = []
    if fps:
        filters.append(f"fps={fps}")
    if speed != 1.0:
        filters.append(f"setpts=PTS/{speed}")
    if height:
        filters.append(f"scale=-2:{height}")
    rate = (fps or 25) * speed
    command = ["ffmpeg", "-v", "error", "-y", "-ss", str(start_sec), "-i", str(source)]
    if end_sec is not None:
        command += ["-t", str(end_sec - start_sec)]
    command += ["-an", "-c:v", "libx264", "-preset", "veryfast", "-bf", "0",
                "-g", str(max(1, round(rate * gop_sec))), "-pix_fmt", "yuv420p"]
    if filters:
        command += ["-vf", ",".join(filters)]
    if speed != 1.0:
        command += ["-r", str(rate)]
    subprocess.run([*command, str(cut)], check=True, timeout=300)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", str(loops - 1), "-i", str(cut),
                    "-c", "copy", "-movflags", "+faststart", str(out)], check=True, timeout=300)
    cut.unlink()
    return out


class RtspServer:
    """``rtsp://127.0.0.1:<port>/cam`` serving ``clip`` live (see the module docstring)."""

    def __init__(self, clip: Path, *, port: int | None = None, mount: str = "/cam") -> None:
        self.clip = clip
        self.port = port or free_port()
        self.mount = mount
        self.process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"rtsp://127.0.0.1:{self.port}{self.mount}"

    def start(self, *, timeout_sec: float = 20.0) -> RtspServer:
        if not Path(SYSTEM_PYTHON).exists():
            raise RuntimeError(f"{SYSTEM_PYTHON} is needed to run the RTSP test server")
        self.process = subprocess.Popen(
            [SYSTEM_PYTHON, str(HERE / "rtsp_server.py"), "--file", str(self.clip),
             "--port", str(self.port), "--mount", self.mount],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout_sec
        line = self.process.stdout.readline()
        if not line.startswith("READY") or time.monotonic() > deadline:
            _, errors = self.process.communicate(timeout=5)
            raise RuntimeError(f"the RTSP test server did not start: {line}{errors}")
        return self

    def kill(self) -> None:
        """Kill the server at once (a camera losing power)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def __enter__(self) -> RtspServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.kill()


class HlsServer:
    """``http://127.0.0.1:<port>/live.m3u8``: ``ffmpeg -re`` writing a live HLS playlist of
    ``clip`` (looped for ever) into ``directory``, served by ``http.server``."""

    def __init__(self, clip: Path, directory: Path, *, segment_sec: float = 1.0) -> None:
        self.clip = clip
        self.directory = directory
        self.segment_sec = segment_sec
        self.port = free_port()
        self.processes: list[subprocess.Popen[bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/live.m3u8"

    def start(self, *, timeout_sec: float = 30.0) -> HlsServer:
        if shutil.which("ffmpeg") is None:
            raise RuntimeError("the ffmpeg binary is needed to run the HLS test server")
        self.directory.mkdir(parents=True, exist_ok=True)
        self.processes.append(subprocess.Popen(
            ["ffmpeg", "-v", "error", "-re", "-stream_loop", "-1", "-i", str(self.clip),
             "-c", "copy", "-f", "hls", "-hls_time", str(self.segment_sec),
             "-hls_list_size", "6", "-hls_flags", "delete_segments+omit_endlist",
             str(self.directory / "live.m3u8")], start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        self.processes.append(subprocess.Popen(
            [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
             str(self.directory), str(self.port)], start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + timeout_sec
        while time.monotonic() < deadline:
            playlist = self.directory / "live.m3u8"
            if playlist.exists() and playlist.read_text().count("#EXTINF") >= 2:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        return self
                except OSError:
                    pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("the HLS test server did not start")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.processes.clear()

    def __enter__(self) -> HlsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
