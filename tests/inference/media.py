"""Small real videos made by tests (PyAV + libx264), with known per-frame timestamps."""
from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

REPO = Path(__file__).resolve().parents[2]
CLIPS = REPO.parent / "shared" / "clips"
SAMPLES = CLIPS / "samples"

CODE_BITS = 10
CODE_BLOCK = 16


def code_frame(index: int, *, width: int = 192, height: int = 64) -> np.ndarray:
    """An ``(H, W, 3)`` frame whose blocks spell ``index`` in binary (survives compression)."""
    image = np.zeros((height, width, 3), dtype=np.uint8)
    for bit in range(CODE_BITS):
        if index >> bit & 1:
            image[:, bit * CODE_BLOCK:(bit + 1) * CODE_BLOCK] = 255
    return image


def read_code(image: np.ndarray) -> int:
    """Inverse of :func:`code_frame` on a decoded RGB frame of the same size."""
    value = 0
    for bit in range(CODE_BITS):
        block = image[:, bit * CODE_BLOCK + 4:(bit + 1) * CODE_BLOCK - 4]
        if block.mean() > 128:
            value |= 1 << bit
    return value


def write_video(path: Path, frames: Sequence[np.ndarray], *, pts_sec: Sequence[float],
                codec: str = "libx264", time_base: Fraction = Fraction(1, 1000),
                rotation: int | None = None, container_options: dict[str, str] | None = None,
                ) -> Path:
    """Encode RGB frames with the given presentation times (seconds; may be irregular)."""
    with av.open(str(path), "w", options=container_options or {}) as out:
        stream = out.add_stream(codec, rate=30)
        stream.width, stream.height = frames[0].shape[1], frames[0].shape[0]
        stream.pix_fmt = "yuv420p"
        stream.time_base = time_base
        stream.codec_context.time_base = time_base
        if codec == "libx264":
            stream.options = {"crf": "12", "preset": "ultrafast", "bf": "0"}
        if rotation is not None:
            stream.set_display_rotation(rotation)
        for image, t in zip(frames, pts_sec, strict=True):
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = round(t / time_base)
            frame.time_base = time_base
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def write_audio_only(path: Path, *, seconds: float = 1.0) -> Path:
    """An AAC-in-MP4 file with no video stream."""
    rate = 16000
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=rate)
        samples = (np.sin(np.arange(int(rate * seconds)) / 10) * 0.3).astype(np.float32)
        frame_size = stream.codec_context.frame_size or 1024
        for start in range(0, len(samples), frame_size):
            chunk = samples[start:start + frame_size]
            chunk = np.pad(chunk, (0, frame_size - len(chunk)))
            frame = av.AudioFrame.from_ndarray(chunk[None, :], format="flt", layout="mono")
            frame.sample_rate = rate
            frame.pts = start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path
