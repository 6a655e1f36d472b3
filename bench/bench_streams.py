"""Cost of each recipe's features per 2 s clip on this machine: the cost column of #12's
recipe table.

    .venv/bin/python -m bench.bench_streams [--clips 8] [--threads 0]

Takes the first ``--clips`` fight-surv clips (2 s, 480-640 px), computes each stream's window
features uncached, as ``python -m training cv --task fight`` does (I3D up to Mixed_5b at 32
whole frames plus the frozen Mixed_5c and head; EfficientNet-Lite0 on 8 frames; DIS flow
statistics on 32 grey frames at 128 px), and prints wall seconds per clip and per window.
The decode is included in each row (every stream decodes for itself here; an analysis decodes
once).
"""
from __future__ import annotations

import argparse
import tempfile
import time

import torch

from bench.clips import print_table
from training.cli import DEFAULT_CLIPS_DIR
from training.detectors import TASKS, kinetics_i3d, task_clips
from training.features import clip_features
from training.heads import HeadTrainer, pooled
from training.streams import stream_features


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clips", type=int, default=8)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--model-dir", default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    task = TASKS["fight"]
    with tempfile.TemporaryDirectory() as cache:
        clips = task_clips(task, clips_dir=DEFAULT_CLIPS_DIR, cache_dir=None)[:args.clips]
        rows = []
        started = time.perf_counter()
        features = clip_features(clips, cache_dir=f"{cache}/i3d", config=task.features,
                                 model_dir=args.model_dir)
        trainer = HeadTrainer(kinetics_i3d(args.model_dir))
        for clip in features:
            pooled(trainer.maps_5c(clip), recipe="kinetics", kinetics=trainer.kinetics)
        seconds = time.perf_counter() - started
        windows = sum(len(f.maps) for f in features)
        rows.append(["i3d (32 whole frames)", len(clips), windows, seconds / len(clips),
                     seconds / windows])
        for stream in ("lite0", "flow"):
            started = time.perf_counter()
            out = stream_features(clips, stream=stream, cache_dir=cache, config=task.features)
            seconds = time.perf_counter() - started
            windows = sum(len(v) for v in out.values())
            rows.append([stream, len(clips), windows, seconds / len(clips), seconds / windows])
    print_table(f"feature cost per clip, {torch.get_num_threads()} torch threads",
                ["stream", "clips", "windows", "sec/clip", "sec/window"], rows)


if __name__ == "__main__":
    main()
