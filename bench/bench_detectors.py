"""Real-time factor of the shipped detectors on a 60 s 720p clip (and their model cards' CV).

    .venv/bin/python -m bench.bench_detectors [--seconds 60] [--models fight_detector,...]

Makes a 60 s 1280x720 30 fps clip from real CCTV footage (``bench.clips``), then runs
``inference.pipeline.run`` once per model (after one warm-up run that loads and converts the
weights), without the render, and prints wall seconds, seconds per minute of video and the
real-time factor next to each detector's grouped-CV accuracy from its model card.
"""
from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from bench.clips import REPO, make_clip, print_table
from inference.models.detectors import model_card
from inference.pipeline import run
from inference.types import PipelineConfig

DEFAULT_MODELS = ("fight_detector", "fall_detector", "kinetics400_fight", "i3d")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--models", default=",".join(DEFAULT_MODELS))
    args = parser.parse_args()
    clip = make_clip(REPO / "bench" / "out" / f"cctv-{args.seconds:.0f}s-720p.mp4",
                     seconds=args.seconds)
    rows = []
    for name in args.models.split(","):
        config = PipelineConfig(model=name, weights="default", render=False)
        with tempfile.TemporaryDirectory() as out:
            run(str(Path(clip)), config=config, out_dir=out)  # warm: load, convert
            results = run(str(clip), config=config, out_dir=out)
        total = results.timings_sec["total"]
        minutes = results.video.duration_sec / 60
        try:
            cv = model_card(name)["cv"]
            accuracy = f"{cv['cv_accuracy_mean']:.1%} +- {cv['cv_accuracy_std']:.1%}"
        except Exception:  # noqa: BLE001 - models without a card (i3d, the composed one)
            accuracy = "-"
        rows.append([name, len(results.segments), total, total / minutes,
                     results.video.duration_sec / total, accuracy])
    print_table(f"Detectors on a {args.seconds:.0f} s 1280x720 CCTV clip, {os.cpu_count()} "
                "cores, no render, 2 s windows every 1 s",
                ["model", "windows", "wall s", "s per video min", "x real time",
                 "grouped-CV accuracy"], rows)


if __name__ == "__main__":
    main()
