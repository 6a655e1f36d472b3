from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from PIL import Image

from inference.errors import VideoRejected
from inference.probe import probe, sniff_container
from inference.types import ProbeLimits
from tests.inference.media import code_frame, write_audio_only, write_video


class Canary(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Canary.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"\x00" * 188)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def canary_url() -> Iterator[str]:
    Canary.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Canary)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def reject_code(path: Path, **kwargs: object) -> str:
    with pytest.raises(VideoRejected) as info:
        probe(str(path), **kwargs)
    assert info.value.message and "\n" not in info.value.message
    return info.value.code


def test_probe_real_samples(samples_dir: Path):
    for name, container in [("chaplin.mp4", "mov"), ("flipping_a_pancake.mkv", "matroska"),
                            ("mmaction2-test.avi", "avi"), ("fight_0002.mpeg", "mpeg")]:
        meta = probe(str(samples_dir / name))
        assert meta.container == container
        assert meta.width > 0 and meta.height > 0 and meta.frame_count > 10
        assert meta.duration_sec == pytest.approx(meta.frame_count / meta.fps, rel=0.05)
    chaplin = probe(str(samples_dir / "chaplin.mp4"))
    assert (chaplin.width, chaplin.height, chaplin.frame_count) == (640, 360, 241)
    assert chaplin.duration_sec == pytest.approx(9.64, abs=0.04)


def test_empty_file(tmp_path: Path):
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    assert reject_code(path) == "empty_file"


def test_text_file_named_mp4(tmp_path: Path):
    path = tmp_path / "notes.mp4"
    path.write_text("just some notes, not a video\n" * 20)
    assert reject_code(path) == "not_a_video"


def test_html_and_executable_are_not_videos(tmp_path: Path):
    html = tmp_path / "page.mp4"
    html.write_text("<!doctype html><html><script>alert(1)</script></html>")
    elf = tmp_path / "prog.mp4"
    elf.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(200))
    assert reject_code(html) == "not_a_video"
    assert reject_code(elf) == "not_a_video"


def test_truncated_mp4_without_index(samples_dir: Path, tmp_path: Path):
    data = (samples_dir / "chaplin.mp4").read_bytes()  # moov at the end
    assert data.find(b"moov") > data.find(b"mdat")
    path = tmp_path / "cut.mp4"
    path.write_bytes(data[: len(data) // 2])
    assert reject_code(path) == "truncated"


def test_truncated_faststart_mp4(samples_dir: Path, tmp_path: Path):
    data = (samples_dir / "fall-01-cam0.mp4").read_bytes()  # moov first
    assert data.find(b"moov") < data.find(b"mdat")
    path = tmp_path / "cut.mp4"
    path.write_bytes(data[: len(data) // 3])
    assert reject_code(path) == "truncated"


def test_cut_mp4_is_recognised_whatever_its_path(samples_dir: Path, tmp_path: Path):
    """The reason comes from the file's boxes, not from words in FFmpeg's message or path."""
    data = (samples_dir / "chaplin.mp4").read_bytes()
    path = tmp_path / "clip.mp4"
    path.write_bytes(data[:4096])
    assert reject_code(path) == "truncated"
    path.write_bytes(data[:32])  # exactly the ftyp box: nothing runs past the end
    assert reject_code(path) == "corrupt"


def test_audio_only_file(tmp_path: Path):
    assert reject_code(write_audio_only(tmp_path / "voice.m4a")) == "no_video_stream"


def test_images_are_refused(tmp_path: Path):
    png, jpg = tmp_path / "frame.mp4", tmp_path / "photo.jpg"
    Image.fromarray(code_frame(5)).save(png, format="PNG")
    Image.fromarray(code_frame(5)).save(jpg, format="JPEG")
    assert reject_code(png) == "image"
    assert reject_code(jpg) == "image"


def test_hls_playlist_reads_nothing(tmp_path: Path, samples_dir: Path, canary_url: str):
    playlist = tmp_path / "clip.mp4"
    playlist.write_text(
        "#EXTM3U\n#EXT-X-TARGETDURATION:10\n"
        f"#EXTINF:10,\nfile://{samples_dir / 'chaplin.mp4'}\n"
        f"#EXTINF:10,\n{canary_url}/segment.ts\n#EXT-X-ENDLIST\n")
    assert reject_code(playlist) == "playlist"
    assert Canary.hits == []


def test_ffconcat_reads_nothing(tmp_path: Path, samples_dir: Path, canary_url: str):
    script = tmp_path / "clip.mp4"
    script.write_text(f"ffconcat version 1.0\nfile '{samples_dir / 'chaplin.mp4'}'\n"
                      f"file '{canary_url}/x.mp4'\n")
    assert reject_code(script) == "playlist"
    assert Canary.hits == []


def test_frame_size_over_the_limit(tmp_path: Path):
    frame = np.zeros((4320, 7680, 3), dtype=np.uint8)
    path = write_video(tmp_path / "8k.mp4", [frame, frame], pts_sec=[0.0, 0.04])
    assert reject_code(path) == "frame_too_large"
    small = write_video(tmp_path / "vga.mp4", [code_frame(1, width=640, height=480)] * 3,
                        pts_sec=[0.0, 0.1, 0.2])
    limits = ProbeLimits(max_width=320, max_height=240)
    assert reject_code(small, limits=limits) == "frame_too_large"


def test_duration_over_the_limit(coded_video: Path):
    assert reject_code(coded_video, limits=ProbeLimits(max_duration_sec=2.0)) == "too_long"


def test_rotation_is_read_from_the_display_matrix(tmp_path: Path):
    path = write_video(tmp_path / "rot.mp4", [code_frame(i, width=96, height=64) for i in range(5)],
                       pts_sec=[i / 10 for i in range(5)], rotation=-90)
    meta = probe(str(path))
    assert meta.rotation == 90
    assert (meta.display_width, meta.display_height) == (64, 96)


@pytest.mark.parametrize(
    "head", [b"", b"\x00\x00\x00\x18ftypavif" + bytes(8), b"ID3\x03" + bytes(20)])
def test_sniff_refuses_non_video_heads(head: bytes):
    with pytest.raises(VideoRejected):
        sniff_container(head)
