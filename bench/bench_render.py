"""Benchmark ``inference.render.render_annotated`` on a 60 s 1280x720 30 fps H.264 clip.

The clip is real footage: ``../shared/clips/samples/vtest.avi`` (480x360, 10 fps, 795 frames)
played 3x faster (so consecutive frames always differ, as at a real 30 fps), looped, and scaled
to 1280x720 (``bench.clips.make_clip``, kept in ``bench/out/``). Scores and events are fake but
plausible (a sine-shaped score); only rendering is measured.

    .venv/bin/python bench/bench_render.py [--repeat N] [--quality] [--clip PATH]

Wall and CPU seconds (all threads) are the best of ``--repeat`` runs; on a shared machine
CPU seconds are the steadier figure. ``--quality`` also renders a lossless reference per
height and prints each preset's output size and PSNR against it (ffmpeg ``psnr``, Y plane).
"""
from __future__ import annotations

import argparse
import math
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.clips import make_clip  # noqa: E402
from inference.probe import probe  # noqa: E402
from inference.render import render_annotated  # noqa: E402
from inference.types import Event, SegmentScore, VideoMeta  # noqa: E402

HEIGHTS = (480, 360)
PRESETS = ("ultrafast", "superfast", "veryfast")


def fake_scores(meta: VideoMeta) -> tuple[list[SegmentScore], list[Event]]:
    """2 s windows every 1 s with a sine-shaped ``fight`` score; events where it is > 0.7."""
    segments = []
    start, index = 0.0, 0
    while start < meta.duration_sec:
        centre = start + 1.0
        fight = 0.5 + 0.45 * math.sin(centre / 4.0)
        segments.append(SegmentScore(
            index=index, start_sec=start, end_sec=min(start + 2.0, meta.duration_sec),
            top=(("fight", fight), ("walking", 1.0 - fight)), scores={"fight": fight}))
        start += 1.0
        index += 1
    events = []
    open_at = None
    for seg in segments:
        high = seg.scores["fight"] > 0.7
        if high and open_at is None:
            open_at = seg
        elif not high and open_at is not None:
            events.append(Event("fight", open_at.start_sec, seg.start_sec, 0.95, 0.85,
                                (open_at.start_sec + seg.start_sec) / 2))
            open_at = None
    return segments, events


def cpu_sec() -> float:
    """User + system CPU seconds of this process so far, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def psnr_y(output: Path, reference: Path) -> float:
    """Average Y-plane PSNR (dB) of ``output`` against ``reference``."""
    result = subprocess.run(
        ["ffmpeg", "-v", "info", "-i", str(output), "-i", str(reference),
         "-lavfi", "[0:v][1:v]psnr", "-f", "null", "-"],
        check=True, capture_output=True, text=True)
    match = re.search(r"PSNR y:([\d.]+|inf)", result.stderr)
    return float(match.group(1)) if match else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell; best is shown")
    parser.add_argument("--quality", action="store_true", help="also PSNR vs lossless, size")
    parser.add_argument("--clip", type=Path, help="use this clip instead of making one")
    parser.add_argument("--presets", default=",".join(PRESETS))
    parser.add_argument("--heights", default=",".join(map(str, HEIGHTS)))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench_render_") as tmp:
        tmp_dir = Path(tmp)
        clip = args.clip
        if clip is None:
            clip = make_clip(REPO / "bench" / "out" / "clip_60s_720p.mp4", seconds=60.0)
        meta = probe(str(clip))
        segments, events = fake_scores(meta)
        print(f"input: {meta.width}x{meta.height} {meta.fps:g} fps {meta.duration_sec:.1f} s "
              f"{meta.frame_count} frames, {len(segments)} segments, {len(events)} events, "
              f"{os.cpu_count()} CPUs")
        header = (f"{'height':>6} {'preset':>10} {'frames':>6} {'wall_s':>7} {'fps':>6} "
                  f"{'cpu_s':>6}")
        if args.quality:
            header += f" {'size_kB':>8} {'psnr_y_dB':>9}"
        print(header)
        for height in map(int, args.heights.split(",")):
            reference = tmp_dir / f"ref{height}.mp4"
            if args.quality:
                render_annotated(meta, str(reference), segments=segments, events=events,
                                 watched_labels=["fight"], max_height=height,
                                 preset="ultrafast", crf=0)
            for preset in args.presets.split(","):
                out = tmp_dir / f"out{height}_{preset}.mp4"
                best, best_cpu = math.inf, math.inf
                for _ in range(args.repeat):
                    started, started_cpu = time.perf_counter(), cpu_sec()
                    render_annotated(meta, str(out), segments=segments, events=events,
                                     watched_labels=["fight"], max_height=height, preset=preset)
                    best = min(best, time.perf_counter() - started)
                    best_cpu = min(best_cpu, cpu_sec() - started_cpu)
                row = (f"{height:>6} {preset:>10} {meta.frame_count:>6} {best:>7.2f} "
                       f"{meta.frame_count / best:>6.0f} {best_cpu:>6.2f}")
                if args.quality:
                    row += f" {out.stat().st_size / 1000:>8.0f} {psnr_y(out, reference):>9.2f}"
                print(row, flush=True)


if __name__ == "__main__":
    main()
