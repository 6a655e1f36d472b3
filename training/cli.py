"""Command line: ``python -m training finetune|evaluate|cv|ship``.

Bad input ends with one line on stderr: 2 = bad manifest, 4 = model / weights problem.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from inference.errors import ModelError, VigilError
from training.datasets import ManifestError, load_manifest
from training.detectors import TASKS, cv_command, ship_command
from training.finetune import FinetuneConfig, evaluate_checkpoint, finetune
from training.finetune_cv import attach_cv, cross_validate_finetune
from training.heads import RECIPES
from training.stream_heads import ALL_RECIPES

EXIT_MANIFEST = 2
EXIT_MODEL = 4
#: ``../shared/clips`` beside the project's root.
DEFAULT_CLIPS_DIR = Path(__file__).resolve().parents[2] / "shared" / "clips"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m training")
    sub = parser.add_subparsers(dest="command", required=True)
    d = FinetuneConfig()
    ft = sub.add_parser("finetune", help="fine-tune a TSN model on a manifest's train split")
    ft.add_argument("manifest")
    ft.add_argument("--model", default=d.model)
    ft.add_argument("--init-weights", default=d.init_weights)
    ft.add_argument("--out", required=True, help="output folder (last.pt, best.pt, metrics.json)")
    ft.add_argument("--train-split", default="train")
    ft.add_argument("--val-split", default="val")
    ft.add_argument("--epochs", type=int, default=d.epochs)
    ft.add_argument("--batch-size", type=int, default=d.batch_size)
    ft.add_argument("--optimizer", choices=("adamw", "sgd"), default=d.optimizer)
    ft.add_argument("--lr", type=float, default=d.lr)
    ft.add_argument("--backbone-lr-mult", type=float, default=d.backbone_lr_mult,
                    help="backbone blocks learn at lr x this (head at lr)")
    ft.add_argument("--momentum", type=float, default=d.momentum)
    ft.add_argument("--weight-decay", type=float, default=d.weight_decay)
    ft.add_argument("--dropout", type=float, default=d.dropout)
    ft.add_argument("--train-blocks", type=int, default=d.train_blocks,
                    help="trainable backbone blocks from the end (0 head only, -1 all)")
    ft.add_argument("--balanced", action="store_true", help="class-balanced sampling")
    ft.add_argument("--train-bn", action="store_true",
                    help="update BatchNorm running statistics (default: kept, partial BN)")
    ft.add_argument("--patience", type=int, default=d.patience)
    for name, what in (("corner-crop", "TSN corner cropping (else random positions)"),
                       ("scale-jitter", "multi-scale crops"), ("color-jitter", "colour jitter"),
                       ("flip", "horizontal flips")):
        ft.add_argument(f"--no-{name}", action="store_true", help=f"augmentation: no {what}")
    ft.add_argument("--segments", type=int, default=d.segments)
    ft.add_argument("--size", type=int, default=d.size, help="training crop size (px)")
    ft.add_argument("--workers", type=int, default=d.workers, help="decoding threads")
    ft.add_argument("--seed", type=int, default=d.seed)
    ft.add_argument("--cache-dir", default=None, help="keep decoded frames as .npy here")
    ft.add_argument("--no-resume", action="store_true")
    ft.add_argument("--cv-folds", type=int, default=0,
                    help="also cross-validate the recipe on K grouped folds of train+val "
                         "(K more runs) and report mean +- std next to the best epoch")
    ft.add_argument("--device", default=d.device, help="cpu, cuda, cuda:N or auto")
    ft.add_argument("--no-amp", action="store_true", help="float32 on CUDA too")
    ev = sub.add_parser("evaluate", help="evaluate a checkpoint on a manifest split")
    ev.add_argument("manifest")
    ev.add_argument("--weights", required=True)
    ev.add_argument("--split", default="val")
    ev.add_argument("--segments", type=int, default=None,
                    help="default: the checkpoint's training value")
    ev.add_argument("--size", type=int, default=None, help="default: the checkpoint's")
    ev.add_argument("--batch-size", type=int, default=d.batch_size)
    ev.add_argument("--workers", type=int, default=d.workers)
    ev.add_argument("--cache-dir", default=None)
    for name, what in (("cv", "grouped k-fold CV of every detector recipe (a table)"),
                       ("ship", "CV, then train the shipped detector and write its card")):
        det = sub.add_parser(name, help=what)
        det.add_argument("--task", required=True, choices=sorted(TASKS))
        det.add_argument("--clips", default=str(DEFAULT_CLIPS_DIR),
                         help="the shared clips folder (manifest.csv, falls/manifest.csv)")
        det.add_argument("--cache-dir", default="var/features", help="cached I3D features")
        det.add_argument("--model-dir", default=None, help="where the converted I3D lives")
        det.add_argument("--folds", type=int, default=5)
        det.add_argument("--seed", type=int, default=0)
        det.add_argument("--recipes", type=lambda v: tuple(v.split(",")), default=RECIPES,
                         help=f"recipes to cross-validate, comma-separated, of: "
                              f"{', '.join(ALL_RECIPES)}, or several joined by '+' (their late "
                              f"fusion, e.g. kinetics+flow_stats); ship: the task's own always")
        if name == "cv":
            det.add_argument("--out", default=None, help="also write the report as JSON")
    for p in (ft, ev):
        p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: default)")
    return parser


def _cv_line(doc: dict[str, Any]) -> str | None:
    cv = doc.get("cv")
    if not cv:
        return None
    return (f"{cv['accuracy_mean'] * 100:.1f} +- {cv['accuracy_std'] * 100:.1f}% accuracy "
            f"({cv['k']}-fold grouped, last epoch)")


def _log(message: str) -> None:
    print(message, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "threads", 0):
        torch.set_num_threads(args.threads)
    started = time.monotonic()
    try:
        if args.command == "cv":
            cv_command(args.task, clips_dir=args.clips, cache_dir=args.cache_dir,
                       recipes=args.recipes, k=args.folds, seed=args.seed, out=args.out,
                       model_dir=args.model_dir, log=_log)
        elif args.command == "ship":
            ship_command(args.task, clips_dir=args.clips, cache_dir=args.cache_dir,
                         k=args.folds, seed=args.seed, model_dir=args.model_dir,
                         recipes=args.recipes, log=_log)
        elif args.command == "finetune":
            clips = load_manifest(args.manifest, splits=(args.train_split, args.val_split))
            config = FinetuneConfig(
                model=args.model, init_weights=args.init_weights, epochs=args.epochs,
                batch_size=args.batch_size, optimizer=args.optimizer, lr=args.lr,
                backbone_lr_mult=args.backbone_lr_mult,
                momentum=args.momentum, weight_decay=args.weight_decay, dropout=args.dropout,
                train_blocks=args.train_blocks, balanced=args.balanced,
                freeze_bn=not args.train_bn, patience=args.patience,
                corner_crop=not args.no_corner_crop, scale_jitter=not args.no_scale_jitter,
                color_jitter=not args.no_color_jitter, flip=not args.no_flip,
                segments=args.segments, size=args.size, workers=args.workers, seed=args.seed,
                device=args.device, amp=not args.no_amp, cv_folds=args.cv_folds)
            doc = finetune([c for c in clips if c.split == args.train_split],
                           [c for c in clips if c.split == args.val_split], out_dir=args.out,
                           config=config, resume=not args.no_resume, cache_dir=args.cache_dir,
                           log=_log)
            if config.cv_folds:
                cv = cross_validate_finetune(clips, config=config, k=config.cv_folds,
                                             out_dir=Path(args.out) / "cv",
                                             cache_dir=args.cache_dir, log=_log)
                doc = attach_cv(doc, cv, out_dir=args.out)
            _log(json.dumps({"best": doc["best"], "cv": _cv_line(doc),
                             "optimism": doc.get("optimism"),
                             "wall_sec": round(time.monotonic() - started, 1)}))
        else:
            clips = load_manifest(args.manifest, splits=(args.split,))
            summary = evaluate_checkpoint(args.weights, clips, segments=args.segments,
                                          size=args.size, batch_size=args.batch_size,
                                          workers=args.workers, cache_dir=args.cache_dir)
            summary["wall_sec"] = round(time.monotonic() - started, 1)
            _log(json.dumps(summary, indent=2))
    except ManifestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_MANIFEST
    except (ModelError, VigilError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_MODEL
    return 0
