"""Benchmark inputs made from real footage: the shared samples looped and scaled."""
from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "clips" / "samples"


def make_clip(path: Path, *, seconds: float, width: int = 1280, height: int = 720,
              fps: int = 30, source: str = "vtest.avi") -> Path:
    """Loop a real sample to ``seconds`` at ``width``x``height``, H.264 (x264 veryfast, CRF 23).

    Made once and reused. ``vtest.avi`` is a real street CCTV recording (people walking) at
    10 fps; it is played ``fps / 10`` times faster so that every output frame is a distinct
    real frame (duplicated frames would make decoding and encoding unrealistically cheap).
    """
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".part.mp4")
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-stream_loop", "-1", "-i", str(SAMPLES / source),
         "-vf", f"setpts=N/({fps}*TB),scale={width}:{height}", "-r", str(fps),
         "-t", str(seconds), "-an",
         "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
         str(part)], check=True)
    part.rename(path)
    return path


def print_table(title: str, header: list[str], rows: list[list[object]]) -> None:
    """A plain aligned text table."""
    cells = [header] + [[f"{c:.3f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    print(f"\n{title}")
    for n, row in enumerate(cells):
        print("  ".join(c.rjust(w) if n else c.ljust(w) for c, w in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
