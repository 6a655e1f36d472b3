"""Source-video groups for clips whose manifest has none, from what the clips show.

Cross-validation must keep clips of one source video (one camera, one scene) in one fold, or
it measures recognition of the scene, not of the action. fight-surv names no source videos,
and several of its clips are cut from the same recording. :func:`scene_groups` links two clips
when they have the same frame size and their background looks the same: the per-pixel
*median* over a few frames (people move, the scene does not), as a small grey thumbnail,
correlates above ``threshold``. Linked clips form one group (connected components), so a
chain of similar clips ends up in one fold: erring towards larger groups keeps CV honest.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from inference.decode import FrameScaler, iter_frames
from inference.probe import probe
from training.datasets import Clip

THUMB_SIZE = (32, 24)


def background_thumbnail(path: str, *, frames: int = 5) -> tuple[tuple[int, int], np.ndarray]:
    """``((width, height), (24, 32) float32 zero-mean unit-norm)`` background of a video."""
    meta = probe(path)
    scaler = FrameScaler(size=THUMB_SIZE, rotation=meta.rotation)
    step = max(1, meta.frame_count // frames) if meta.frame_count else 10
    grabbed = []
    for i, frame in enumerate(iter_frames(meta)):
        if i % step == 0:
            grabbed.append(scaler.to_rgb(frame.av_frame).astype(np.float32).mean(axis=2))
        if len(grabbed) >= frames:
            break
    thumb = np.median(np.stack(grabbed), axis=0)
    thumb = thumb - thumb.mean()
    return (meta.width, meta.height), thumb / (np.linalg.norm(thumb) + 1e-6)


def cached_thumbnail(path: str, *, cache_dir: Path | None) -> tuple[tuple[int, int], np.ndarray]:
    """:func:`background_thumbnail`, kept in ``cache_dir`` keyed by the file's path, size and
    modification time."""
    if cache_dir is None:
        return background_thumbnail(path)
    stat = os.stat(path)
    key = hashlib.sha256(f"{os.path.abspath(path)}|{stat.st_size}|{int(stat.st_mtime)}"
                         .encode()).hexdigest()[:24]
    target = cache_dir / f"thumb-{key}.npz"
    if target.is_file():
        with np.load(target, allow_pickle=False) as data:
            return (int(data["size"][0]), int(data["size"][1])), data["thumb"]
    size, thumb = background_thumbnail(path)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.savez(target, size=np.array(size), thumb=thumb)
    return size, thumb


def scene_groups(clips: Sequence[Clip], *, threshold: float = 0.9,
                 cache_dir: str | os.PathLike[str] | None = None) -> list[Clip]:
    """``clips`` with ``group`` replaced by a scene group (``scene-<n>``), see the module doc."""
    cache = Path(cache_dir) if cache_dir is not None else None
    keys = [cached_thumbnail(c.path, cache_dir=cache) for c in clips]
    parent = list(range(len(clips)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(clips)):
        for j in range(i + 1, len(clips)):
            if keys[i][0] == keys[j][0] and float((keys[i][1] * keys[j][1]).sum()) >= threshold:
                parent[root(i)] = root(j)
    names: dict[int, str] = {}
    out = []
    for i, clip in enumerate(clips):
        name = names.setdefault(root(i), f"scene-{len(names) + 1}")
        out.append(replace(clip, group=name))
    return out
