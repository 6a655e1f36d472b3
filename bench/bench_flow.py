"""Optical flow speed per method, and the real-time factor of ``analyze`` per model family.

    .venv/bin/python -m bench.bench_flow [--seconds 60] [--families tsn_resnet18,...]

1. Pairs per second of each flow method (TV-L1, Farneback, DIS presets) on consecutive real
   frames (``../shared/clips/samples/vtest.avi``, grayscale) at 224x224 and 340x256.
2. ``inference.pipeline.run`` (no render, random weights: same compute as trained ones) on a
   looped real clip (``bench.clips.make_clip``, 640x360 30 fps), RGB only and RGB + DIS flow,
   as a real-time factor (video seconds per wall second). The flow's own cost is the RGB + flow
   run minus the same run with flow at no cost (zeros), relative to the RGB-only run.
"""
from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from collections.abc import Iterator

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


@contextlib.contextmanager
def free_flow() -> Iterator[None]:
    """Inside the block, every flow method returns zero flow at no cost (measurement only:
    the run keeps its extra decoding, flow network and fusion, so the difference to a real run
    is what computing the flow costs)."""
    real = flow.flow_function
    flow.flow_function = lambda method, **kwargs: (
        lambda prev, nxt: np.zeros((*prev.shape, 2), np.float32))
    try:
        yield
    finally:
        flow.flow_function = real


def analyze_table(seconds: float, families: list[str], *, repeats: int) -> None:
    """Per family, best of ``repeats`` interleaved runs: RGB only, RGB + DIS flow, and RGB +
    flow at no cost (:func:`free_flow`); the flow's cost is the difference of the last two."""
    clip = make_clip(REPO / "bench" / "out" / f"clip-{seconds:g}s-360p.mp4", seconds=seconds,
                     width=640, height=360)
    rows = []
    for family in families:
        best: dict[str, tuple[float, int, float]] = {}
        note = ""
        for _ in range(repeats):
            for kind in ("rgb", "rgb+flow", "free"):
                modalities = ("rgb", "flow") if kind != "rgb" else ()
                config = PipelineConfig(model=family, weights="none", render=False,
                                        modalities=modalities, flow_method="dis")
                try:
                    load_streams(config)
                except Exception as exc:  # noqa: BLE001 - a family without a flow stream
                    note = str(exc)[:40]
                    continue
                with tempfile.TemporaryDirectory() as out, (
                        free_flow() if kind == "free" else contextlib.nullcontext()):
                    results = run(str(clip), config=config, out_dir=out)
                total = results.timings_sec["total"]
                if kind not in best or total < best[kind][0]:
                    best[kind] = (total, len(results.segments), results.video.duration_sec)
        rgb_total, windows, duration_sec = best["rgb"]
        rows.append([family, "rgb", windows, rgb_total, duration_sec / rgb_total, "", "", ""])
        if "rgb+flow" not in best:
            rows.append([family, "rgb+flow", "-", "-", "-", "-", "-", note])
            continue
        total, free_total = best["rgb+flow"][0], best["free"][0]
        flow_sec = total - free_total  # negative: below this machine's run-to-run noise
        rows.append([family, "rgb+flow", windows, total, duration_sec / total, free_total,
                     flow_sec, f"{100 * flow_sec / rgb_total:+.1f}%"])
    print_table(f"analyze on a {seconds:g} s 640x360 30 fps real clip (no render, 2 CPU cores, "
                f"best of {repeats})",
                ["model", "streams", "windows", "wall s", "x real time", "free-flow wall s",
                 "DIS flow s", "flow vs rgb-only"], rows)


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
