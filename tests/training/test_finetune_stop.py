"""``finetune(should_stop=...)`` cancels between batches; augmentation switches."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inference.errors import Cancelled
from training.augment import TrainTransform
from training.datasets import load_manifest
from training.finetune import FinetuneConfig, finetune

TINY = FinetuneConfig(init_weights="none", epochs=2, batch_size=2, segments=2, size=64,
                      train_blocks=1, workers=1)


def test_should_stop_cancels_before_the_next_batch(tiny_manifest: Path, tmp_path: Path) -> None:
    clips = load_manifest(tiny_manifest)
    asked: list[int] = []

    def stop_on_third() -> bool:
        asked.append(1)
        return len(asked) >= 3

    with pytest.raises(Cancelled):
        finetune([c for c in clips if c.split == "train"],
                 [c for c in clips if c.split == "val"], out_dir=tmp_path, config=TINY,
                 should_stop=stop_on_third)
    assert len(asked) == 3  # asked before each batch; stopped at the third
    assert not (tmp_path / "last.pt").exists()  # no epoch finished: nothing to resume


@pytest.mark.parametrize(("corner_crop", "scale_jitter"), [(True, True), (False, False)])
def test_train_transform_switches(corner_crop: bool, scale_jitter: bool) -> None:
    clip = np.random.default_rng(0).integers(0, 255, (2, 90, 120, 3), dtype=np.uint8)
    transform = TrainTransform(size=48, flip=False, color_p=0.0, corner_crop=corner_crop,
                               scale_jitter=scale_jitter, seed=1)
    out = transform(clip)
    assert out.shape == (2, 48, 48, 3) and out.dtype == np.uint8
    if not scale_jitter:  # the full short side (90 px) is cropped and resized
        assert transform.scales == (1.0,)
