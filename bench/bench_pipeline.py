"""Real-time factor of ``analyze`` vs the naive JPEG pipeline vs the model's own forward time.

    .venv/bin/python -m bench.bench_pipeline [--seconds 60] [--model r2plus1d_18]

Makes a 60 s 1280x720 30 fps clip from real footage, then measures in one run:
  model     the model's forward on the same windows, pre-decoded to tensors (the floor);
  vigil     ``inference.pipeline.run`` without and with the annotated render;
  naive     ffmpeg dumps every frame to JPEG, each window is read back with PIL and scored one
            at a time (the classic scripts' way).
Weights are random (``none``): the compute is the same as with the pretrained ones.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from bench.clips import REPO, make_clip, print_table
from inference import models
from inference.classify import Classifier
from inference.pipeline import iter_clips, load_model, run
from inference.probe import probe
from inference.sampling import windows
from inference.types import PipelineConfig


def model_floor(config: PipelineConfig, path: Path) -> tuple[float, int]:
    """Forward time of the model alone over the run's windows (batches prepared beforehand)."""
    loaded = load_model(config)
    spec = loaded.info.input_spec
    meta = probe(str(path))
    plan = windows(duration_sec=meta.duration_sec, clip_len=spec.clip_len,
                   segment_sec=config.segment_sec, stride_sec=config.stride_sec)
    clips = np.stack([clip for _, clip in iter_clips(meta, plan, spec=spec)])
    classifier = Classifier(loaded.module, spec=spec, num_threads=config.num_threads,
                            fold_bn=False)  # load_model folded it already
    batches = [classifier.to_input(clips[i:i + config.batch_size])
               for i in range(0, len(clips), config.batch_size)]
    classifier.forward(batches[0])  # warm-up (oneDNN primitive creation)
    started = time.perf_counter()
    for batch in batches:
        classifier.forward(batch)
    return time.perf_counter() - started, len(plan)


def analyze_seconds(clip: Path, config: PipelineConfig) -> float:
    """Wall seconds of one ``inference.pipeline.run`` of ``clip`` (its ``total`` timing)."""
    with tempfile.TemporaryDirectory() as tmp:
        return run(str(clip), config=config, out_dir=tmp).timings_sec["total"]


def naive(config: PipelineConfig, path: Path, workdir: Path) -> float:
    """Classic scripts: every frame to JPEG with ffmpeg, then PIL + one window at a time.

    The model is the registry's plain module (no BatchNorm folding, no channels-last), built
    before the clock starts.
    """
    loaded = models.build(config.model, weights=config.weights, seed=config.seed)
    started = time.perf_counter()
    frames_dir = workdir / "frames"
    frames_dir.mkdir()
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-q:v", "2",
                    str(frames_dir / "%06d.jpg")], check=True)
    names = sorted(os.listdir(frames_dir))
    meta = probe(str(path))
    fps = len(names) / meta.duration_sec
    spec = loaded.info.input_spec
    model = loaded.module.eval()
    mean = torch.tensor(spec.mean).view(3, 1, 1, 1)
    std = torch.tensor(spec.std).view(3, 1, 1, 1)
    plan = windows(duration_sec=meta.duration_sec, clip_len=spec.clip_len,
                   segment_sec=config.segment_sec, stride_sec=config.stride_sec)
    with torch.no_grad():
        for window in plan:
            images = []
            for t in window.sample_times_sec:
                name = names[min(int(t * fps), len(names) - 1)]
                with Image.open(frames_dir / name) as jpeg:
                    rgb = jpeg.convert("RGB")
                scale = spec.resize_short / min(rgb.size)
                rgb = rgb.resize((round(rgb.width * scale), round(rgb.height * scale)),
                                 Image.BILINEAR)
                left = (rgb.width - spec.crop_size) // 2
                top = (rgb.height - spec.crop_size) // 2
                rgb = rgb.crop((left, top, left + spec.crop_size, top + spec.crop_size))
                images.append(torch.from_numpy(np.asarray(rgb)).permute(2, 0, 1).float() / 255)
            clip = ((torch.stack(images, dim=1) - mean) / std).unsqueeze(0)
            torch.softmax(model(clip), dim=1)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--model", default="r2plus1d_18")
    parser.add_argument("--batch-size", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds; each round runs every pipeline once (interleaved)")
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    threads = args.threads or os.cpu_count() or 1
    torch.set_num_threads(threads)
    clip = make_clip(REPO / "bench" / "out" / f"clip_{int(args.seconds)}s_720p.mp4",
                     seconds=args.seconds)
    config = PipelineConfig(model=args.model, weights="none", segment_sec=2.0, stride_sec=1.0,
                            batch_size=args.batch_size, num_threads=threads)
    load_model(config)  # build once, outside every measurement
    duration = probe(str(clip)).duration_sec

    def vigil(*, render: bool) -> float:
        return analyze_seconds(clip, replace(config, render=render))

    def naive_once() -> float:
        with tempfile.TemporaryDirectory() as tmp:
            return naive(config, clip, Path(tmp))

    measures: dict[str, Callable[[], float]] = {
        "model forward only (pre-decoded)": lambda: model_floor(config, clip)[0],
        "vigil analyze, no render": lambda: vigil(render=False),
        "vigil analyze + annotated.mp4": lambda: vigil(render=True),
    }
    if not args.skip_naive:
        measures["naive (ffmpeg JPEGs + PIL, batch 1)"] = naive_once
    times: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(args.repeat):
        for name, measure in measures.items():
            times[name].append(measure())

    floor = statistics.median(times["model forward only (pre-decoded)"])
    rows = []
    for name, values in times.items():
        median = statistics.median(values)
        rows.append([name, median, min(values), max(values), duration / median, median / floor])
    n_windows = len(windows(duration_sec=duration, clip_len=16, segment_sec=2.0, stride_sec=1.0))
    print_table(
        f"{args.model} @112px, 16 frames / 2 s window, 1 s stride: {duration:.0f} s 1280x720 "
        f"clip, {n_windows} windows, {threads} threads, batch {args.batch_size}, "
        f"{args.repeat} interleaved rounds",
        ["pipeline", "median_s", "min_s", "max_s", "rtf (video s / wall s)", "x model time"],
        rows)
    if not args.skip_naive:
        full = statistics.median(times["vigil analyze + annotated.mp4"])
        bare = statistics.median(times["vigil analyze, no render"])
        slow = statistics.median(times["naive (ffmpeg JPEGs + PIL, batch 1)"])
        print(f"\nvigil vs naive (medians): {slow / full:.2f}x faster with the annotated render, "
              f"{slow / bare:.2f}x without")


if __name__ == "__main__":
    main()
