"""Variants of the shipped fight recipe, each on three grouped fold partitions: does anything
cheap beat ``kinetics+flow_stats``?

    .venv/bin/python -m bench.bench_fight_variants [--cache-dir var/features] [--short-side 288]

Reads the features ``python -m training cv --task fight`` caches (I3D ``Mixed_5b`` maps of 32
whole frames per 2 s window, short side 224, and DIS flow statistics; computed here when
missing, about 15 minutes on 2 cores) and scores every variant with grouped 5-fold CV on fold
partitions 0, 1 and 2 (``training.cv.grouped_folds`` seeds): one partition's mean +- std over
folds per column, then the mean over partitions. A variant that wins on one partition only is
noise; 240 clips make one clip 0.4 points. ``--short-side 288`` adds I3D at a larger picture
(another extraction, about 30 minutes). Variants:

- L2 penalty and multiple-instance settings of the shipped recipe;
- ``kinetics_tmax``: Kinetics-400 log-probabilities per 0.5 s step, mean and max over steps;
- ``kinetics_combat``: the shipped ``kinetics`` features of the 12 Kinetics-400 combat classes
  only (chosen by name, not by data);
- ``mixed5b_mean``: the earlier ``Mixed_5b`` block, mean-pooled (832);
- ``flow_log``: the flow statistics through ``sign(x)·log(1+|x|)`` (heavy tails tamed);
- ``kinetics288``: the ``kinetics`` features at short side 288, alone and beside 224.
"""
from __future__ import annotations

import argparse
import dataclasses
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from bench.clips import print_table
from inference.models.weights import load_label_set
from training.cli import DEFAULT_CLIPS_DIR
from training.cv import cross_validate
from training.detectors import TASKS, kinetics_i3d, task_features, task_streams
from training.features import ClipFeatures, FeatureConfig
from training.heads import HeadTrainer, pooled
from training.stream_heads import STREAM_RECIPES, StreamTrainer

#: Kinetics-400 classes that are combat, by name (``inference/models/labels/kinetics400.txt``).
COMBAT = ("arm wrestling", "capoeira", "drop kicking", "headbutting", "high kick",
          "punching bag", "punching person (boxing)", "side kick", "slapping", "sword fighting",
          "tai chi", "wrestling")
PARTITIONS = (0, 1, 2)
SHIPPED = "kinetics+flow_stats"


def kinetics_steps(trainer: HeadTrainer, clip: ClipFeatures) -> torch.Tensor:
    """Kinetics-400 log-probabilities per temporal step of the ``Mixed_5c`` maps:
    ``(W, 400, T')``."""
    per_step = trainer.maps_5c(clip).mean(dim=(3, 4))
    logits = trainer.kinetics.logits(per_step[..., None, None]).flatten(2)
    return F.log_softmax(logits, dim=1)


@torch.inference_mode()
def probe_streams(trainer: HeadTrainer, features: Sequence[ClipFeatures],
                  flow: dict[str, np.ndarray]) -> dict[str, dict[str, np.ndarray]]:
    """``{stream: {clip path: (W, D)}}`` of the variants' own features."""
    names = load_label_set("kinetics400")
    combat = [names.index(name) for name in COMBAT]
    out: dict[str, dict[str, np.ndarray]] = {
        "kinetics_tmax": {}, "kinetics_combat": {}, "mixed5b_mean": {}, "flow_log": {}}
    for clip in features:
        path = clip.clip.path
        steps = kinetics_steps(trainer, clip)
        out["kinetics_tmax"][path] = torch.cat([steps.mean(2), steps.amax(2)], 1).numpy()
        out["kinetics_combat"][path] = kinetics_log_probabilities(trainer, clip)[:, combat]
        out["mixed5b_mean"][path] = clip.maps.astype(np.float32).mean(axis=(2, 3, 4))
        out["flow_log"][path] = np.sign(flow[path]) * np.log1p(np.abs(flow[path]))
    return out


def kinetics_log_probabilities(trainer: HeadTrainer, clip: ClipFeatures) -> np.ndarray:
    """The shipped ``kinetics`` recipe's features of a clip: ``(W, 400)``."""
    return pooled(trainer.maps_5c(clip), recipe="kinetics", kinetics=trainer.kinetics).numpy()


@torch.inference_mode()
def kinetics_at(trainer: HeadTrainer, features: Sequence[ClipFeatures]) -> dict[str, np.ndarray]:
    """The ``kinetics`` features of other clip features (another picture size)."""
    return {f.clip.path: kinetics_log_probabilities(trainer, f) for f in features}


def run_variant(name: str, recipe: str, *, features: Sequence[ClipFeatures],
                make_trainer: Callable[[], StreamTrainer]) -> list[object]:
    """One table row: ``recipe`` on each fold partition."""
    cells: list[object] = [name]
    means = []
    started = time.perf_counter()
    for seed in PARTITIONS:
        _, results = cross_validate(features, positive="fight", negative="no_fight",
                                    recipes=[recipe], trainer=make_trainer(), seed=seed,
                                    log=lambda _: None)
        accuracy = np.array([fold["accuracy"] for fold in results[0].folds]) * 100
        cells.append(f"{accuracy.mean():.1f} +- {accuracy.std():.1f}")
        means.append(accuracy.mean())
    cells += [f"{np.mean(means):.1f}", f"{time.perf_counter() - started:.0f}"]
    print(" | ".join(str(c) for c in cells), flush=True)
    return cells


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clips", default=str(DEFAULT_CLIPS_DIR))
    parser.add_argument("--cache-dir", default="var/features")
    parser.add_argument("--model-dir", default=None)
    parser.add_argument("--short-side", type=int, default=0,
                        help="also I3D at this short side (px), e.g. 288")
    args = parser.parse_args()
    task = TASKS["fight"]
    features = task_features(task, clips_dir=args.clips, cache_dir=args.cache_dir,
                             model_dir=args.model_dir)
    streams: dict[str, dict[str, np.ndarray]] = dict(task_streams(
        task, features, recipes=[SHIPPED], cache_dir=args.cache_dir))
    kinetics = kinetics_i3d(args.model_dir)
    shared = HeadTrainer(kinetics)
    streams.update(probe_streams(shared, features, streams["flow"]))
    recipes = {**STREAM_RECIPES, **{name: (name,) for name in
                                    ("kinetics_tmax", "kinetics_combat", "mixed5b_mean",
                                     "flow_log", "kinetics288")}}
    if args.short_side:
        larger = dataclasses.replace(task, name=f"fight{args.short_side}", features=FeatureConfig(
            clip_len=task.features.clip_len, crop_size=0, resize_short=args.short_side))
        streams["kinetics288"] = kinetics_at(HeadTrainer(kinetics), task_features(
            larger, clips_dir=args.clips, cache_dir=args.cache_dir, model_dir=args.model_dir))

    def trainer(**head: Any) -> Callable[[], StreamTrainer]:
        """A variant's trainer, built once (its frozen maps computed once for all partitions)."""
        i3d = HeadTrainer(kinetics, config=dataclasses.replace(task.head, **head)) if head \
            else shared
        return lambda: StreamTrainer(i3d, streams=streams, recipes=recipes)

    variants: list[tuple[str, str, Callable[[], StreamTrainer]]] = [
        ("shipped: kinetics+flow_stats, L2 1e-2, MIL 0.5 x 2", SHIPPED, trainer()),
        ("kinetics alone", "kinetics", trainer()),
        ("no MIL (every window of a fight clip positive)", SHIPPED,
         trainer(positive_fraction=1.0, mil_rounds=1)),
        *((f"L2 {l2:g}", SHIPPED, trainer(l2=l2)) for l2 in (1e-3, 3e-2, 1e-1)),
        ("kinetics_tmax+flow_stats", "kinetics_tmax+flow_stats", trainer()),
        ("kinetics_combat+flow_stats", "kinetics_combat+flow_stats", trainer()),
        ("kinetics+kinetics_combat+flow_stats", "kinetics+kinetics_combat+flow_stats",
         trainer()),
        ("mixed5b_mean+flow_stats", "mixed5b_mean+flow_stats", trainer()),
        ("kinetics+mixed5b_mean+flow_stats", "kinetics+mixed5b_mean+flow_stats", trainer()),
        ("kinetics+linear_mean+flow_stats", "kinetics+linear_mean+flow_stats", trainer()),
        ("kinetics+flow_log", "kinetics+flow_log", trainer()),
    ]
    if args.short_side:
        variants += [
            (f"kinetics at {args.short_side} px + flow_stats", "kinetics288+flow_stats",
             trainer()),
            (f"kinetics at 224 and {args.short_side} px + flow_stats",
             "kinetics+kinetics288+flow_stats", trainer())]
    rows = [run_variant(name, recipe, features=features, make_trainer=make)
            for name, recipe, make in variants]
    print_table("fight: grouped 5-fold CV accuracy (%) on three fold partitions",
                ["variant", *(f"partition {s}" for s in PARTITIONS), "mean", "sec"], rows)


if __name__ == "__main__":
    main()
