"""Check MP4 outputs: top-level box order (faststart) and ffprobe's view of the video stream.

Used by tests and the clip-check script; ``ffprobe_video`` needs the ffprobe CLI.
"""
from __future__ import annotations

import json
import struct
import subprocess
from pathlib import Path
from typing import Any


def top_level_boxes(path: Path) -> list[tuple[str, int]]:
    """``(type, offset)`` of each top-level ISO-BMFF box, walking the box headers.

    Raises ``ValueError`` when a box header is corrupt or the boxes do not tile the file.
    """
    boxes = []
    data = path.read_bytes()
    offset = 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8:offset + 16])[0]
        elif size == 0:
            size = len(data) - offset
        if size < 8:
            raise ValueError(f"corrupt box {kind!r} of size {size} at offset {offset}")
        boxes.append((kind.decode("latin-1"), offset))
        offset += size
    if offset != len(data):
        raise ValueError("the boxes do not tile the file")
    return boxes


def ffprobe_video(path: Path) -> dict[str, Any]:
    """ffprobe's first video stream, with ``duration`` (format's) and ``nb_frames`` as numbers."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets",
         "-show_entries", "stream=codec_name,pix_fmt,width,height,nb_read_packets:format=duration",
         "-of", "json", str(path)], capture_output=True, text=True, check=True, timeout=60)
    info = json.loads(out.stdout)
    stream: dict[str, Any] = info["streams"][0]
    stream["duration"] = float(info["format"]["duration"])
    stream["nb_frames"] = int(stream["nb_read_packets"])
    return stream
