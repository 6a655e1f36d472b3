"""Fine-tune a registry TSN model on labelled clips; Vigil checkpoints every epoch + the best.

Output folder: ``last.pt`` (every epoch, with optimizer state for resuming), ``best.pt`` (best
val accuracy), ``metrics.json`` (config and per-epoch metrics). Both checkpoints load with
``inference.models.build(arch, weights=path)`` and ``--weights PATH`` in the inference CLI.
"""
from __future__ import annotations

import math
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader, WeightedRandomSampler

from inference import models
from inference.classify import amp_dtype_for, resolve_device
from inference.errors import Cancelled, ModelError
from inference.models.backbones import BACKBONES
from inference.models.weights import read_checkpoint
from inference.models.weights_spec import WeightsKind, WeightsSpec
from inference.types import InputSpec
from training.augment import TrainTransform
from training.checkpoints import LAST_NAME, RunState, restore_run, save_epoch, save_metrics
from training.datasets import Clip, ClipDataset, labels_of, short_side_for
from training.engine import EvalResult, evaluate, grad_scaler_for, train_one_epoch
from training.metrics import summarize, threshold_at_precision


@dataclass(frozen=True)
class FinetuneConfig:
    """Options of one fine-tuning run (stored in every checkpoint and ``metrics.json``)."""

    model: str = "tsn_efficientnet_lite0"
    init_weights: str = "default"
    epochs: int = 6
    batch_size: int = 8
    optimizer: str = "adamw"
    lr: float = 1e-3
    backbone_lr_mult: float = 0.1
    """The trainable backbone blocks learn at ``lr * backbone_lr_mult``; the new head at ``lr``."""
    momentum: float = 0.9
    weight_decay: float = 1e-4
    dropout: float = 0.5
    train_blocks: int = 3
    """Trainable backbone blocks from the end (EfficientNet ``_blocks``, ResNet stages);
    0 trains the head only, -1 everything."""
    balanced: bool = False
    freeze_bn: bool = True
    """Keep every BatchNorm's running statistics (TSN's partial BN): Lite0's BN momentum is
    0.01, so a few hundred steps cannot move them and batch statistics would not match eval."""
    patience: int = 3
    segments: int = 8
    size: int = 224
    workers: int = 2
    seed: int = 0
    positive_label: str | None = "fight"
    target_precision: float = 0.9
    corner_crop: bool = True
    """Augmentation: TSN corner cropping (else random crop positions)."""
    scale_jitter: bool = True
    """Augmentation: multi-scale crops (else the full short side)."""
    color_jitter: bool = True
    """Augmentation: brightness / contrast / saturation jitter."""
    flip: bool = True
    """Augmentation: horizontal flips."""
    device: str = "cpu"
    """``cpu``, ``cuda``, ``cuda:N`` or ``auto`` (CUDA when present)."""
    amp: bool = True
    """Mixed precision on CUDA (bf16 where supported, else fp16 with a GradScaler)."""
    cv_folds: int = 0
    """After the run, cross-validate this recipe on that many grouped folds of train+val
    (:mod:`training.finetune_cv`; 0: none). :func:`finetune` itself ignores it."""


def backbone_name(model: str) -> str:
    """The 2D backbone of TSN ``model`` (its registry entry's ``backbone``), e.g.
    ``efficientnet_lite0`` for ``tsn_efficientnet_lite0_stats``; other models are refused."""
    try:
        entry: models.ModelEntry | None = models.get(model)
    except ModelError:
        entry = None
    backbone = entry.backbone if entry is not None and entry.family == "tsn" else None
    if backbone is None or backbone not in BACKBONES:
        raise ModelError(f"fine-tuning supports TSN models (tsn_<backbone>), not {model!r}")
    return backbone


def head_of(module: nn.Module, model: str) -> nn.Linear:
    """The classifier a fine-tuning run replaces: the TSN's own ``head`` (``stats``
    consensus) or the backbone's last linear layer (``avg``)."""
    head = getattr(module, "head", None)
    if not isinstance(head, nn.Linear):
        head = module.get_submodule(f"backbone.{BACKBONES[backbone_name(model)].head}")
    if not isinstance(head, nn.Linear):
        raise ModelError(f"{model!r} has no linear classifier to replace")
    return head


def prepare_model(module: nn.Module, *, model: str, num_classes: int, dropout: float,
                  train_blocks: int) -> nn.Module:
    """New ``num_classes`` head, dropout, and ``requires_grad`` off up to the trainable tail."""
    spec = BACKBONES[backbone_name(model)]
    backbone = module.get_submodule("backbone")
    old = head_of(module, model)
    if getattr(module, "head", None) is old:
        module.head = nn.Linear(old.in_features, num_classes)
        _set_dropout(module, "dropout", dropout)
    else:
        setattr(backbone, spec.head, nn.Linear(old.in_features, num_classes))
    _set_dropout(backbone, "_dropout", dropout)
    if train_blocks < 0:
        for p in module.parameters():
            p.requires_grad_(True)
        return module
    for p in module.parameters():
        p.requires_grad_(False)
    tail: list[nn.Module]
    if hasattr(backbone, "_blocks"):  # EfficientNet: last blocks + conv head + head
        blocks = list(backbone.get_submodule("_blocks").children())
        tail = [*(blocks[-train_blocks:] if train_blocks else []),
                backbone.get_submodule("_conv_head"), backbone.get_submodule("_bn1")]
    else:  # torchvision ResNet stages
        stages = [backbone.get_submodule(f"layer{i}") for i in range(1, 5)]
        tail = stages[-train_blocks:] if train_blocks else []
    for part in [*tail, head_of(module, model)]:
        for p in part.parameters():
            p.requires_grad_(True)
    return module


def _set_dropout(module: nn.Module, name: str, p: float) -> None:
    """``module.<name>.p = p`` when that is a dropout layer."""
    layer = getattr(module, name, None)
    if isinstance(layer, nn.Dropout):
        layer.p = p


def freeze_norms(module: nn.Module, *, all_norms: bool = False) -> None:
    """Put BatchNorms in eval mode (running stats kept): those whose parameters are frozen, or
    every one with ``all_norms`` (their affine parameters may still train)."""
    for m in module.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm) and (all_norms or not any(
                p.requires_grad for p in m.parameters())):
            m.eval()


def make_optimizer(module: nn.Module, config: FinetuneConfig) -> torch.optim.Optimizer:
    """AdamW (``betas[0] = momentum``) or SGD with Nesterov momentum over the trainable
    parameters: the head at ``lr``, the backbone tail at ``lr * backbone_lr_mult`` (each
    group's ``lr_scale`` is kept for the schedule)."""
    head = head_of(module, config.model)
    head_ids = {id(p) for p in head.parameters()}
    trainable = [p for p in module.parameters() if p.requires_grad]
    groups: list[dict[str, Any]] = [g for g in (
        {"params": [p for p in trainable if id(p) not in head_ids],
         "lr_scale": config.backbone_lr_mult},
        {"params": [p for p in trainable if id(p) in head_ids], "lr_scale": 1.0},
    ) if g["params"]]
    for group in groups:
        group["lr"] = config.lr * group["lr_scale"]
    if config.optimizer == "sgd":
        return torch.optim.SGD(groups, lr=config.lr, momentum=config.momentum,
                               weight_decay=config.weight_decay, nesterov=config.momentum > 0)
    if config.optimizer == "adamw":
        return torch.optim.AdamW(groups, lr=config.lr, betas=(config.momentum, 0.999),
                                 weight_decay=config.weight_decay)
    raise ValueError(f"unknown optimizer {config.optimizer!r} (adamw, sgd)")


def trained_spec(config: FinetuneConfig) -> dict[str, int]:
    """The input a checkpoint of ``config`` expects (``extra["input_spec"]``, read back by
    :func:`inference.models.registry.trained_input_spec`)."""
    return {"clip_len": config.segments, "crop_size": config.size,
            "resize_short": short_side_for(config.size)}


def cosine_lr(base: float, epoch: int, epochs: int) -> float:
    """Cosine decay from ``base`` at epoch 0 towards 0.05·base at the last epoch."""
    return base * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * epoch / max(epochs, 1))))


def finetune(train_clips: Sequence[Clip], val_clips: Sequence[Clip], *, out_dir: str
             | os.PathLike[str], config: FinetuneConfig | None = None,
             on_epoch: Callable[[dict[str, Any]], None] | None = None, resume: bool = True,
             should_stop: Callable[[], bool] | None = None,
             cache_dir: str | os.PathLike[str] | None = None,
             log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Fine-tune ``config.model`` on ``train_clips``, early-stopping on ``val_clips`` accuracy.

    Resumes from ``out_dir/last.pt`` when present (and ``resume``): weights, optimizer and AMP
    scaler state; calls ``on_epoch`` with each epoch's metrics dict and rewrites
    ``metrics.json``. Returns the ``metrics.json`` document. ``should_stop()`` is asked before
    every batch; when true, :class:`Cancelled` is raised (``last.pt`` keeps the last finished
    epoch).
    """
    config = config or FinetuneConfig()
    say = log or (lambda _msg: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    labels = labels_of([*train_clips, *val_clips])
    if len(labels) < 2:
        raise ValueError(f"need at least two labels, got {labels}")
    torch.manual_seed(config.seed)
    module, spec = initial_model(config, num_classes=len(labels))
    device = resolve_device(config.device)
    module = module.to(device)
    amp_dtype = amp_dtype_for(device, enabled=config.amp)
    scaler = grad_scaler_for(amp_dtype)
    optimizer = make_optimizer(module, config)

    run = RunState()
    last_path = out / LAST_NAME
    if resume and last_path.is_file():
        run = restore_run(last_path, module=module, optimizer=optimizer, scaler=scaler,
                          model=config.model, labels=labels)
        say(f"resumed from {last_path} at epoch {run.start_epoch}")
    train_loader, val_loader = make_loaders(train_clips, val_clips, labels=labels, config=config,
                                            epoch=run.start_epoch, cache_dir=cache_dir, say=say)
    positive = (labels.index(config.positive_label)
                if config.positive_label in labels else None)

    def document() -> dict[str, Any]:
        return {"config": asdict(config), "labels": list(labels), "epochs": run.history,
                "best": run.best, "input_spec": trained_spec(config)}

    stale = run.epochs_since_best()
    for epoch in range(run.start_epoch, config.epochs + 1):
        if stale >= config.patience:
            say(f"early stop: no val improvement in {stale} epochs")
            break
        tick = time.monotonic()
        lr = cosine_lr(config.lr, epoch - 1, config.epochs)
        for group in optimizer.param_groups:
            group["lr"] = lr * group["lr_scale"]
        train = train_one_epoch(module, _stoppable(train_loader, should_stop),
                                optimizer=optimizer, spec=spec,
                                prepare=lambda m: freeze_norms(m, all_norms=config.freeze_bn),
                                device=device, amp_dtype=amp_dtype, scaler=scaler)
        result = evaluate(module, _stoppable(val_loader, should_stop), spec=spec, device=device,
                          amp_dtype=amp_dtype)
        row = epoch_row(epoch, lr=lr, train=train, result=result, labels=labels,
                        positive=positive, target_precision=config.target_precision)
        improved = run.best is None or (row["val_accuracy"], -row["val_loss"]) > (
            run.best["val_accuracy"], -run.best["val_loss"])
        row["seconds"] = round(time.monotonic() - tick, 2)
        row["improved"] = improved
        run.history.append(row)
        stale = 0 if improved else stale + 1
        if improved:
            run.best = {k: row[k] for k in ("epoch", "val_accuracy", "val_loss", "val_macro_f1")}
        save_epoch(out, module=module, optimizer=optimizer, scaler=scaler, model=config.model,
                   labels=labels, state=run, row=row, improved=improved,
                   extra={"config": asdict(config), "input_spec": trained_spec(config)})
        save_metrics(out, document())
        say(f"epoch {epoch}: train loss {train['loss']:.3f} acc {train['accuracy']:.3f} | "
            f"val loss {result.loss:.3f} acc {row['val_accuracy']:.3f} "
            f"macro-F1 {row['val_macro_f1']:.3f} | {row['seconds']:.0f} s"
            f"{' *' if improved else ''}")
        if on_epoch is not None:
            on_epoch(dict(row))
    doc = document()
    save_metrics(out, doc)
    return doc


def initial_model(config: FinetuneConfig, *, num_classes: int) -> tuple[nn.Module, InputSpec]:
    """``config.model`` built from ``config.init_weights`` (``default`` without public weights
    starts from the ImageNet backbone), prepared for ``num_classes`` (:func:`prepare_model`);
    and the input spec it reads."""
    init = WeightsSpec.parse(config.init_weights)
    if init.kind is WeightsKind.DEFAULT and models.get(config.model).default_weights is None:
        init = WeightsSpec(WeightsKind.BACKBONE, backbone_name(config.model))  # new head
    loaded = models.build(config.model, weights=init, seed=config.seed)
    module = prepare_model(loaded.module, model=config.model, num_classes=num_classes,
                           dropout=config.dropout, train_blocks=config.train_blocks)
    return module, loaded.info.input_spec


def make_loaders(train_clips: Sequence[Clip], val_clips: Sequence[Clip], *,
                 labels: tuple[str, ...], config: FinetuneConfig, epoch: int,
                 cache_dir: str | os.PathLike[str] | None,
                 say: Callable[[str], None]) -> tuple[DataLoader[Any], DataLoader[Any]]:
    """Train (augmented, shuffled or class-balanced, seeded by ``epoch``) and val loaders
    of ``(B, T, H, W, C)`` uint8 clips; every clip is decoded (or read from the cache) first."""
    transform = TrainTransform(size=config.size, seed=config.seed, flip=config.flip,
                               color_p=0.8 if config.color_jitter else 0.0,
                               corner_crop=config.corner_crop, scale_jitter=config.scale_jitter)
    train_set = ClipDataset(train_clips, labels=labels, segments=config.segments, size=config.size,
                            train=True, transform=transform, cache_dir=cache_dir, seed=config.seed)
    val_set = ClipDataset(val_clips, labels=labels, segments=config.segments, size=config.size,
                          train=False, cache_dir=cache_dir)
    started = time.monotonic()
    train_set.prepare(workers=config.workers)
    val_set.prepare(workers=config.workers)
    say(f"decoded {len(train_set)} train + {len(val_set)} val clips in "
        f"{time.monotonic() - started:.1f} s")
    generator = torch.Generator().manual_seed(config.seed + epoch)
    if config.balanced:
        counts = Counter(train_set.targets())
        weights = [1.0 / counts[t] for t in train_set.targets()]
        sampler = WeightedRandomSampler(weights, num_samples=len(weights), replacement=True,
                                        generator=generator)
        train_loader = DataLoader(train_set, batch_size=config.batch_size, sampler=sampler)
    else:
        train_loader = DataLoader(train_set, batch_size=config.batch_size, shuffle=True,
                                  generator=generator)
    return train_loader, DataLoader(val_set, batch_size=config.batch_size)


def epoch_row(epoch: int, *, lr: float, train: dict[str, float], result: EvalResult,
              labels: tuple[str, ...], positive: int | None,
              target_precision: float) -> dict[str, Any]:
    """One epoch's metrics: train loss/accuracy, val loss/accuracy/macro-F1, per class,
    confusion matrix, and the threshold at ``target_precision`` for label ``positive``."""
    summary = summarize(result.probabilities, result.targets, labels=labels)
    row: dict[str, Any] = {
        "epoch": epoch, "lr": lr, "train_loss": train["loss"],
        "train_accuracy": train["accuracy"], "val_loss": result.loss,
        "val_accuracy": summary["accuracy"], "val_macro_f1": summary["macro_f1"],
        "per_class": summary["per_class"], "confusion_matrix": summary["confusion_matrix"],
    }
    if positive is not None and len(result.targets):
        row["threshold_at_precision"] = threshold_at_precision(
            result.probabilities, result.targets, positive=positive,
            target_precision=target_precision)
    return row


def evaluate_checkpoint(weights: str | os.PathLike[str], clips: Sequence[Clip], *,
                        segments: int | None = None, size: int | None = None,
                        batch_size: int = 8,
                        workers: int = 2, positive_label: str | None = "fight",
                        target_precision: float = 0.9,
                        cache_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Accuracy, per-class P/R/F1, confusion matrix (and threshold) of a checkpoint on clips.

    ``segments`` / ``size`` default to the ones the checkpoint was trained with (its input spec).
    """
    checkpoint = read_checkpoint(weights)
    if checkpoint.arch is None or checkpoint.labels is None:
        raise ModelError(f"{weights} is not a Vigil checkpoint (no arch / labels)")
    loaded = models.build(checkpoint.arch, weights=str(weights))
    segments = segments or loaded.info.input_spec.clip_len
    size = size or loaded.info.input_spec.crop_size
    labels = loaded.info.labels
    dataset = ClipDataset(clips, labels=labels, segments=segments, size=size, train=False,
                          cache_dir=cache_dir)
    dataset.prepare(workers=workers)
    result = evaluate(loaded.module, DataLoader(dataset, batch_size=batch_size),
                      spec=loaded.info.input_spec)
    summary = summarize(result.probabilities, result.targets, labels=labels)
    summary["loss"] = result.loss
    summary["clips"] = len(dataset)
    summary["segments"], summary["size"] = segments, size
    if positive_label in labels and len(result.targets):
        summary["threshold_at_precision"] = threshold_at_precision(
            result.probabilities, result.targets, positive=labels.index(positive_label),
            target_precision=target_precision)
    return summary


def _stoppable(batches: Iterable[Any], should_stop: Callable[[], bool] | None) -> Iterator[Any]:
    """``batches``, raising :class:`Cancelled` before a batch once ``should_stop()`` is true."""
    for batch in batches:
        if should_stop is not None and should_stop():
            raise Cancelled("training cancelled")
        yield batch
