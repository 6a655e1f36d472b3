"""Detector heads over cached I3D maps (:mod:`training.features`): fit, score, export.

A *recipe* turns a clip's cached ``Mixed_5b`` maps ``(W, 832, T', 7, 7)`` into one score per
window and is trained on window-level targets: every window of a negative clip is a negative;
a positive clip is a *bag* whose best windows are its positives (multiple-instance learning:
a fall takes one second of a twenty-second clip). A clip's score is its best window's, which
is what an analysis alerts on (any window over the threshold raises an event).

Recipes:

- ``linear_mean``: frozen ``Mixed_5c``, mean over time and space (1024), logistic regression.
- ``linear_meanmax``: frozen ``Mixed_5c``, mean and spatial max (2048), logistic regression.
- ``kinetics``: the 400 Kinetics-400 log-probabilities as features, logistic regression.
- ``finetune_5c``: ``Mixed_5c`` trained from its Kinetics weights with a new linear head on
  the mean (flipped maps as augmentation).
"""
from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from inference.models.detectors import pooled as detector_pooled
from inference.models.i3d import InceptionI3d
from training.features import CACHED_LAYER, ClipFeatures

RECIPES = ("linear_mean", "linear_meanmax", "kinetics", "finetune_5c")


@dataclass(frozen=True)
class HeadConfig:
    """Hyper-parameters of every recipe (chosen by grouped cross-validation, never by test)."""

    l2: float = 1e-2
    """Logistic regression: L2 penalty on standardised features (mean over samples)."""
    positive_fraction: float = 0.5
    """MIL: share of a positive clip's windows (at least one) kept as positives."""
    mil_rounds: int = 2
    epochs: int = 6
    lr_block: float = 1e-4
    lr_head: float = 1e-3
    weight_decay: float = 1e-4
    dropout: float = 0.5
    batch_size: int = 16
    seed: int = 0


@dataclass
class FittedHead:
    """A trained recipe: ``pool`` names the features, ``linear`` maps them to a logit (positive
    class) and ``block`` is a fine-tuned ``Mixed_5c`` (``None``: the Kinetics one)."""

    recipe: str
    linear: nn.Linear
    block: nn.Module | None = None
    extra: dict[str, float] = field(default_factory=dict)
    parts: list[FittedHead] = field(default_factory=list)
    """A late fusion (recipe ``a+b``): its parts; a window's score is their mean."""


#: The features (:func:`inference.models.detectors.pooled`) each recipe reads.
RECIPE_POOL = {"linear_mean": "mean", "linear_meanmax": "meanmax", "kinetics": "kinetics",
               "finetune_5c": "mean"}


def pooled(maps_5c: torch.Tensor, *, recipe: str, kinetics: InceptionI3d) -> torch.Tensor:
    """Features of ``(N, 1024, T, H, W)`` maps for ``recipe``: ``(N, D)``."""
    return detector_pooled(maps_5c, pool=RECIPE_POOL[recipe], kinetics_logits=kinetics.logits)


class FrozenMaps:
    """``Mixed_5c`` outputs of cached ``Mixed_5b`` maps, computed once per clip."""

    def __init__(self, kinetics: InceptionI3d) -> None:
        self.kinetics = kinetics.eval()

    @torch.inference_mode()
    def __call__(self, maps: np.ndarray) -> torch.Tensor:
        x = torch.from_numpy(maps).float()
        return self.kinetics.forward_features(x, start=CACHED_LAYER).clone()


def window_targets(scores: Sequence[np.ndarray] | None, labels: np.ndarray,
                   sizes: Sequence[int], *, positive_fraction: float) -> np.ndarray:
    """0/1 per window, ``-1`` for windows left out: a positive clip keeps its best
    ``positive_fraction`` windows (all of them when ``scores`` is None, the first round)."""
    out = []
    for i, (label, size) in enumerate(zip(labels, sizes, strict=True)):
        if not label:
            out.append(np.zeros(size))
            continue
        if scores is None:
            out.append(np.ones(size))
            continue
        keep = max(1, round(size * positive_fraction))
        chosen = np.full(size, -1.0)
        chosen[np.argsort(-scores[i])[:keep]] = 1.0
        out.append(chosen)
    return np.concatenate(out)


def fit_logistic(x: torch.Tensor, y: torch.Tensor, *, l2: float) -> nn.Linear:
    """Class-balanced, L2-penalised logistic regression; the standardisation is folded into
    the returned layer, so it takes raw features ``(N, D)`` and returns one logit."""
    mu, sigma = x.mean(0), x.std(0).clamp_min(1e-6)
    z = (x - mu) / sigma
    weight = torch.zeros(z.shape[1], requires_grad=True)
    bias = torch.zeros(1, requires_grad=True)
    positives = y.sum().clamp_min(1)
    pos_weight = (len(y) - positives) / positives
    optimizer = torch.optim.LBFGS([weight, bias], lr=1.0, max_iter=200,
                                  line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = F.binary_cross_entropy_with_logits(z @ weight + bias, y, pos_weight=pos_weight)
        loss = loss + l2 * (weight ** 2).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    linear = nn.Linear(z.shape[1], 1)
    with torch.no_grad():
        linear.weight.copy_((weight / sigma)[None])
        linear.bias.copy_(bias - (weight * mu / sigma).sum())
    return linear


class HeadTrainer:
    """Fits any recipe on clips' cached maps; scores clips' windows with a fitted head."""

    def __init__(self, kinetics: InceptionI3d, *, config: HeadConfig = HeadConfig()) -> None:
        self.kinetics = kinetics.eval()
        self.config = config
        self._frozen = FrozenMaps(kinetics)
        self._cache: dict[int, tuple[torch.Tensor, ...]] = {}

    def maps_5c(self, clip: ClipFeatures) -> torch.Tensor:
        """The clip's frozen ``Mixed_5c`` maps ``(W, 1024, T', 7, 7)``, computed once."""
        key = id(clip)
        if key not in self._cache:
            self._cache[key] = (self._frozen(clip.maps),)
        return self._cache[key][0]

    @torch.inference_mode()
    def window_scores(self, head: FittedHead, clips: Sequence[ClipFeatures]) -> list[np.ndarray]:
        """Positive-class probability of every window of every clip."""
        out = []
        for clip in clips:
            if head.block is not None:
                maps = head.block.eval()(torch.from_numpy(clip.maps).float())
            else:
                maps = self.maps_5c(clip)
            feats = pooled(maps, recipe=head.recipe, kinetics=self.kinetics)
            out.append(torch.sigmoid(head.linear(feats)[:, 0]).numpy())
        return out

    def fit(self, recipe: str, clips: Sequence[ClipFeatures], labels: np.ndarray) -> FittedHead:
        """Train ``recipe`` on ``clips`` (``labels``: 1 = positive class) with MIL rounds."""
        sizes = [len(c.maps) for c in clips]
        scores: list[np.ndarray] | None = None
        head: FittedHead | None = None
        for _ in range(max(1, self.config.mil_rounds)):
            targets = window_targets(scores, labels, sizes,
                                     positive_fraction=self.config.positive_fraction)
            head = (self._fit_block(clips, targets) if recipe == "finetune_5c"
                    else self._fit_linear(recipe, clips, targets))
            scores = self.window_scores(head, clips)
        assert head is not None
        return head

    def _fit_linear(self, recipe: str, clips: Sequence[ClipFeatures],
                    targets: np.ndarray) -> FittedHead:
        with torch.inference_mode():
            feats = torch.cat([pooled(self.maps_5c(c), recipe=recipe, kinetics=self.kinetics)
                               for c in clips])
        keep = torch.from_numpy(targets >= 0)
        y = torch.from_numpy(targets).float()
        linear = fit_logistic(feats[keep].clone(), y[keep], l2=self.config.l2)
        return FittedHead(recipe=recipe, linear=linear)

    def _fit_block(self, clips: Sequence[ClipFeatures], targets: np.ndarray) -> FittedHead:
        cfg = self.config
        torch.manual_seed(cfg.seed)
        block = copy.deepcopy(self.kinetics.get_submodule("Mixed_5c")).train()
        for module in block.modules():  # frozen BatchNorm statistics (few clips)
            if isinstance(module, nn.BatchNorm3d):
                module.eval()
        linear = nn.Linear(1024, 1)
        dropout = nn.Dropout(cfg.dropout)
        # windows as a list: whole-frame maps differ in width from clip to clip
        maps = [window for c in clips for window in c.maps]
        flipped = [c.flipped for c in clips if c.flipped is not None]
        flips = ([window for f in flipped for window in f]
                 if len(flipped) == len(clips) else None)
        keep = np.flatnonzero(targets >= 0)
        y_all = torch.from_numpy(targets).float()
        positives = float((targets == 1).sum()) or 1.0
        pos_weight = torch.tensor(float((targets == 0).sum()) / positives)
        optimizer = torch.optim.AdamW([
            {"params": block.parameters(), "lr": cfg.lr_block},
            {"params": linear.parameters(), "lr": cfg.lr_head}], weight_decay=cfg.weight_decay)
        steps = cfg.epochs * int(np.ceil(len(keep) / cfg.batch_size))
        schedule = torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=[cfg.lr_block, cfg.lr_head], total_steps=max(1, steps),
            pct_start=0.1)
        generator = np.random.default_rng(cfg.seed)
        for _ in range(cfg.epochs):
            order = generator.permutation(keep)
            for start in range(0, len(order), cfg.batch_size):
                index = order[start:start + cfg.batch_size]
                source = maps
                if flips is not None and generator.random() < 0.5:
                    source = flips
                pooled_5c = torch.cat([
                    block(torch.from_numpy(source[i][None]).float()).mean(dim=(2, 3, 4))
                    for i in index])
                logits = linear(dropout(pooled_5c))[:, 0]
                loss = F.binary_cross_entropy_with_logits(logits, y_all[index],
                                                          pos_weight=pos_weight)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                schedule.step()
        return FittedHead(recipe="finetune_5c", linear=linear.eval(), block=block.eval())


def clip_scores(window_scores: Sequence[np.ndarray]) -> np.ndarray:
    """A clip's score: its best window's."""
    return np.array([float(s.max()) for s in window_scores])
