"""Optical flow speed per method, and the real-time factor of ``analyze`` per model family.

    .venv/bin/python -m bench.bench_flow [--seconds 60] [--families tsn_resnet18,...]

1. Pairs per second of each flow method (TV-L1, Farneback, DIS presets) on consecutive real
   frames (``../shared/clips/samples/vtest.avi``, grayscale) at 224x224 and 340x256.
2. ``inference.pipeline.run`` (no render, random weights: same compute as trained ones) on a
   looped real clip (``bench.clips.make_clip``, 640x360 30 fps), RGB only and RGB + DIS flow,
   as a real-time factor (video seconds per wall second), with the flow computation's time as a
   share of the run and relative to the same model's RGB-only run.
"""
from __future__ import annotations

import argparse
import math
import tempfile
import time

import av
import numpy as np

from bench.clips import REPO, SAMPLES, make_clip, print_table
from inference import flow
from inference.pipeline import load_streams, run
from inference.types import PipelineConfig

METHODS = ("tvl1", "farneback", "dis_ultrafast", "dis_fast", "dis_medium")
SIZES = ((224, 224), (340, 256))
FAMILIES = ("tsn_efficientnet_lite0", "tsn_resnet18", "tsn_resnet50",
            "crnn_efficientnet_lite0_lstm", "i3d", "r2plus1d_18")


def real_frames(size: tuple[int, int], count: int) -> np.ndarray:
    """``count`` consecutive grayscale frames of a real street clip at ``size = (w, h)``."""
    frames = []
    with av.open(str(SAMPLES / "vtest.avi")) as container:
        for frame in container.decode(video=0):
            frames.append(frame.to_ndarray(width=size[0], height=size[1], format="gray"))
            if len(frames) == count:
                break
    return np.stack(frames)


def flow_table(pairs: int) -> None:
    rows = []
    for method in METHODS:
        row: list[object] = [method]
        for size in SIZES:
            n = 3 if method == "tvl1" else pairs
            gray = real_frames(size, n + 1)
            fn = flow.flow_function(method)
            fn(gray[0], gray[1])  # warm-up
            started = time.perf_counter()
            for i in range(n):
                flow.quantize(fn(gray[i], gray[i + 1]))
            row.append(n / (time.perf_counter() - started))
        rows.append(row)
    print_table("Optical flow, pairs per second (2 CPU cores, real frames)",
                ["method", *(f"{w}x{h} pairs/s" for w, h in SIZES)], rows)


def analyze_table(seconds: float, families: list[str], *, repeats: int) -> None:
    """Per family: RGB-only and RGB + DIS flow runs (best of ``repeats``, interleaved)."""
    clip = make_clip(REPO / "bench" / "out" / f"clip-{seconds:g}s-360p.mp4", seconds=seconds,
                     width=640, height=360)
    rows = []
    for family in families:
        best: dict[tuple[str, ...], tuple[float, float, int, float]] = {}
        for _ in range(repeats):
            for modalities in (("rgb",), ("rgb", "flow")):
                config = PipelineConfig(model=family, weights="none", render=False,
                                        modalities=modalities if len(modalities) > 1 else (),
                                        flow_method="dis")
                try:
                    load_streams(config)
                except Exception as exc:  # noqa: BLE001 - a family without a flow stream
                    best[modalities] = (float("nan"), 0.0, 0, 0.0)
                    note = str(exc)[:40]
                    continue
                with tempfile.TemporaryDirectory() as out:
                    results = run(str(clip), config=config, out_dir=out)
                total = results.timings_sec["total"]
                if modalities not in best or total < best[modalities][0]:
                    best[modalities] = (total, results.timings_sec.get("flow", 0.0),
                                        len(results.segments), results.video.duration_sec)
        rgb_total = best[("rgb",)][0]
        for modalities, (total, flow_sec, windows, duration_sec) in best.items():
            if math.isnan(total):  # no such stream
                rows.append([family, "+".join(modalities), "-", "-", "-", "-", note])
                continue
            rows.append([family, "+".join(modalities), windows, total, duration_sec / total,
                         f"{100 * flow_sec / total:.0f}%" if flow_sec else "",
                         f"+{100 * flow_sec / rgb_total:.0f}%" if flow_sec else ""])
    print_table(f"analyze on a {seconds:g} s 640x360 30 fps real clip (no render, 2 CPU cores, "
                f"best of {repeats})",
                ["model", "streams", "windows", "wall s", "x real time", "flow share",
                 "flow vs rgb-only"], rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--pairs", type=int, default=30)
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--skip-flow", action="store_true")
    parser.add_argument("--skip-analyze", action="store_true")
    args = parser.parse_args()
    if not args.skip_flow:
        flow_table(args.pairs)
    if not args.skip_analyze:
        analyze_table(args.seconds, [f for f in args.families.split(",") if f],
                      repeats=args.repeats)


if __name__ == "__main__":
    main()
