"""Clip lists (CSV manifest, folder-per-class), grouped splits, and a cached TSN Dataset.

A manifest is a CSV with columns ``path,label,split,source,license`` and an optional ``group``
(the clip's source-video key; without it the group comes from the file name, see
:func:`source_group`); paths are relative to the manifest's folder (or absolute). Every row is
checked before anything is returned, and one :class:`ManifestError` lists all bad rows with their
line numbers.
"""
from __future__ import annotations

import csv
import hashlib
import os
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from inference.csvsafe import unsafe_cell
from inference.decode import iter_sampled, scaled_size
from inference.errors import VigilError
from inference.probe import probe
from inference.sampling import tsn_snippet_times
from inference.types import VideoMeta, Window

#: Splits a manifest may name; ``sample`` rows are demo clips, never trained on (label optional).
KNOWN_SPLITS = ("train", "val", "test", "sample")
TRAIN_SPLITS = ("train", "val", "test")
VIDEO_SUFFIXES = (".mp4", ".avi", ".mkv", ".mov", ".mpeg", ".mpg", ".webm", ".m4v")
_UCF_GROUP = re.compile(r"_g(\d+)_c\d+$")


class ManifestError(VigilError):
    """A manifest or folder import has bad rows; ``problems`` lists ``(line, reason)``."""

    code = "manifest"

    def __init__(self, source: str, problems: Sequence[tuple[int, str]]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = "; ".join(f"line {line}: {reason}" for line, reason in self.problems)
        super().__init__(f"{source}: {len(self.problems)} bad row(s): {lines}")


@dataclass(frozen=True)
class Clip:
    """One labelled clip. ``path`` is absolute; ``group`` is its source video (split unit)."""

    path: str
    label: str
    split: str
    group: str
    source: str = ""
    license: str = ""
    line: int = 0


def load_manifest(path: str | os.PathLike[str], *, splits: Iterable[str] | None = TRAIN_SPLITS,
                  check_decode: bool = True,
                  on_progress: Callable[[int, int], None] | None = None) -> list[Clip]:
    """Clips of ``splits`` (None: all) from a CSV manifest, after validating every row.

    Checks: required columns, known split, non-empty label (except ``sample`` rows), existing
    file, and (``check_decode``) that :func:`inference.probe.probe` accepts the file. Raises one
    :class:`ManifestError` listing every bad row; returns nothing partially. ``on_progress(done,
    total)`` is called after each row.
    """
    manifest = Path(path)
    root = manifest.parent
    wanted = None if splits is None else set(splits)
    problems: list[tuple[int, str]] = []
    clips: list[Clip] = []
    try:
        with open(manifest, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = {"path", "label", "split"} - set(reader.fieldnames or ())
            if missing:
                raise ManifestError(str(manifest), [(1, f"missing columns {sorted(missing)}")])
            # Cells Vigil's exports quoted against spreadsheet formulas read back as written.
            rows = [(reader.line_num, {key: unsafe_cell(value) if isinstance(value, str)
                                       else value for key, value in row.items()})
                    for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ManifestError(str(manifest), [(0, f"cannot read the manifest ({exc})")]) from exc
    for done, (line, row) in enumerate(rows, start=1):
        if on_progress is not None:
            on_progress(done - 1, len(rows))
        rel = (row.get("path") or "").strip()
        label = (row.get("label") or "").strip()
        split = (row.get("split") or "").strip()
        reasons = []
        if split not in KNOWN_SPLITS:
            reasons.append(f"unknown split {split!r} (known: {', '.join(KNOWN_SPLITS)})")
        if not label and split != "sample":
            reasons.append("empty label")
        full = (root / rel).resolve() if rel else None
        if full is None or not full.is_file():
            reasons.append(f"missing file {rel!r}")
        elif check_decode and (wanted is None or split in wanted):
            try:
                probe(str(full))
            except VigilError as exc:
                reasons.append(f"{rel}: not a usable video ({exc})")
        if reasons:
            problems.append((line, "; ".join(reasons)))
            continue
        if wanted is not None and split not in wanted:
            continue
        clips.append(Clip(path=str(full), label=label, split=split,
                          group=clip_group(row.get("group") or "", rel),
                          source=(row.get("source") or "").strip(),
                          license=(row.get("license") or "").strip(), line=line))
    if problems:
        raise ManifestError(str(manifest), problems)
    return clips


def load_folder(root: str | os.PathLike[str], *, check_decode: bool = True,
                on_progress: Callable[[int, int], None] | None = None) -> list[Clip]:
    """Clips from a folder-per-class layout ``root/<label>/<clip>`` (UCF101 / HMDB51 style).

    Splits are left empty (``""``): assign them with :func:`grouped_split`. Groups come from
    UCF101's ``v_<Class>_gNN_cNN`` names (the source video ``gNN``), else the file stem.
    ``on_progress(done, total)`` is called before each file.
    """
    base = Path(root)
    if not base.is_dir():
        raise ManifestError(str(base), [(0, "not a folder")])
    problems: list[tuple[int, str]] = []
    clips: list[Clip] = []
    files = sorted(p for d in sorted(base.iterdir()) if d.is_dir() for p in d.iterdir()
                   if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES)
    for number, file in enumerate(files, start=1):
        if on_progress is not None:
            on_progress(number - 1, len(files))
        if check_decode:
            try:
                probe(str(file))
            except VigilError as exc:
                problems.append((number, f"{file.relative_to(base)}: not a usable video ({exc})"))
                continue
        label = file.parent.name
        clips.append(Clip(path=str(file.resolve()), label=label, split="",
                          group=f"{label}/{source_group(file.name)}", line=number))
    if problems:
        raise ManifestError(str(base), problems)
    if not clips:
        raise ManifestError(str(base), [(0, "no video files in class folders")])
    return clips


def clip_group(group: str, path: str) -> str:
    """A clip's split and fold unit: its ``group`` (source video) when it names one, else the
    source-video key of its file name (:func:`source_group`). The one derivation: manifests,
    splits, cross-validation folds and the web layer's fold-count check all use it."""
    return group.strip() or source_group(path)


def source_group(name: str) -> str:
    """The source-video key of a clip file name: UCF101's ``..._gNN`` or the bare stem."""
    stem = Path(name).stem
    match = _UCF_GROUP.search(stem)
    return stem[: match.start()] + f"_g{match.group(1)}" if match else stem


def grouped_split(clips: Sequence[Clip], *, fractions: tuple[float, float, float] = (0.7, 0.15,
                  0.15), seed: int = 0, group: Callable[[Clip], str] = lambda c: c.group,
                  stratify: bool = False) -> list[Clip]:
    """Assign ``train``/``val``/``test`` by source group (no group spans two splits).

    Groups are shuffled with ``seed`` and filled greedily into the splits by clip count.
    ``stratify``: split the groups of each label separately (a group counts for its most
    common label), so every class gets its share of each split.
    """
    if len(fractions) != 3 or any(f < 0 for f in fractions) or sum(fractions) <= 0:
        raise ValueError("fractions must be three non-negative numbers")
    if stratify:
        votes: dict[str, Counter[str]] = {}
        for clip in clips:
            votes.setdefault(group(clip), Counter())[clip.label] += 1
        # most common label; ties go to the alphabetically first
        stratum = {key: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0]
                   for key, c in votes.items()}
        assigned: dict[int, Clip] = {}
        for label in sorted(set(stratum.values())):
            members = [i for i, c in enumerate(clips) if stratum[group(c)] == label]
            split = grouped_split([clips[i] for i in members], fractions=fractions,
                                  seed=seed, group=group)
            assigned.update(zip(members, split, strict=True))
        return [assigned[i] for i in range(len(clips))]
    groups: dict[str, list[int]] = {}
    for i, clip in enumerate(clips):
        groups.setdefault(group(clip), []).append(i)
    keys = sorted(groups)
    random.Random(seed).shuffle(keys)  # noqa: S311 - reproducible split, not crypto
    total = sum(fractions)
    targets = [f / total * len(clips) for f in fractions]
    counts = [0, 0, 0]
    split_of: dict[str, str] = {}
    for key in keys:
        # the split furthest below its target share takes the whole group
        index = max(range(3), key=lambda s: (targets[s] - counts[s]) / max(targets[s], 1e-9))
        split_of[key] = TRAIN_SPLITS[index]
        counts[index] += len(groups[key])
    return [replace(c, split=split_of[group(c)]) for c in clips]


def labels_of(clips: Iterable[Clip]) -> tuple[str, ...]:
    """Sorted distinct labels."""
    return tuple(sorted({c.label for c in clips}))


def decode_snippets(meta: VideoMeta, *, segments: int, candidates: int, short_side: int,
                    ) -> np.ndarray:
    """Decode ``segments x candidates`` frames, TSN-style, scaled to ``short_side`` px.

    Returns ``(segments, candidates, H, W, 3)`` uint8; candidates sit at offsets
    ``(j + 0.5) / candidates`` inside each segment (one candidate = the centred test-time rule).
    """
    window = Window(0, 0.0, meta.duration_sec, ())
    times = [t[0] for t in tsn_snippet_times(window, num_snippets=segments * candidates,
                                             frame_interval_sec=1.0 / max(meta.fps, 1.0))]
    images = [image for _, image in iter_sampled(meta, times, size=scaled_size(
        meta, short_side=short_side))]
    if not images:
        raise VigilError(f"{meta.path}: no frames decoded")
    while len(images) < len(times):
        images.append(images[-1])
    array = np.stack(images)
    return array.reshape(segments, candidates, *array.shape[1:])


def short_side_for(size: int) -> int:
    """Short side frames are scaled to before a ``size`` crop (the 256 -> 224 ratio)."""
    return round(size * 256 / 224)


class ClipDataset(Dataset[tuple[torch.Tensor, int]]):
    """TSN clips: item ``i`` is ``((T, H, W, C) uint8 tensor, label index)``, ``T = segments``.

    Each clip is decoded once (:meth:`prepare`, or lazily) into ``candidates`` frames per
    segment at ``short_side`` px and kept in memory or, with ``cache_dir``, in ``.npy`` files
    reused across runs. ``train=True`` picks a random candidate per segment (TSN's random
    offsets) and applies ``transform``; evaluation takes the centred candidate and a centre crop
    of ``size``.
    """

    def __init__(self, clips: Sequence[Clip], *, labels: Sequence[str], segments: int = 8,
                 size: int = 224, short_side: int | None = None, train: bool = False,
                 candidates: int | None = None, transform: Callable[[np.ndarray], np.ndarray]
                 | None = None, cache_dir: str | os.PathLike[str] | None = None,
                 seed: int = 0) -> None:
        self.clips = list(clips)
        self.labels = tuple(labels)
        self.index = {label: i for i, label in enumerate(self.labels)}
        unknown = sorted({c.label for c in self.clips} - set(self.index))
        if unknown:
            raise ValueError(f"clips have labels outside {self.labels}: {unknown}")
        self.segments = segments
        self.size = size
        self.short_side = short_side or short_side_for(size)
        self.train = train
        self.candidates = candidates or (3 if train else 1)
        self.transform = transform
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.rng = np.random.default_rng(seed)
        self._memory: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.clips)

    def targets(self) -> list[int]:
        """Label index of every clip, in order."""
        return [self.index[c.label] for c in self.clips]

    def prepare(self, *, workers: int = 1) -> None:
        """Decode every clip not yet cached (``workers`` decoding threads)."""
        todo = [i for i in range(len(self)) if i not in self._memory]
        if workers > 1:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(self.frames, todo))
        else:
            for i in todo:
                self.frames(i)

    def frames(self, i: int) -> np.ndarray:
        """Cached ``(segments, candidates, H, W, 3)`` uint8 frames of clip ``i``."""
        cached = self._memory.get(i)
        if cached is not None:
            return cached
        file = self._cache_file(i)
        array: np.ndarray
        if file is not None and file.is_file():
            array = np.load(file, allow_pickle=False)
        else:
            array = decode_snippets(probe(self.clips[i].path), segments=self.segments,
                                    candidates=self.candidates, short_side=self.short_side)
            if file is not None:
                file.parent.mkdir(parents=True, exist_ok=True)
                tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp.npy")
                np.save(tmp, array, allow_pickle=False)
                os.replace(tmp, file)
        self._memory[i] = array
        return array

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        array = self.frames(i)
        picks: np.ndarray
        if self.train:
            picks = np.asarray(self.rng.integers(0, array.shape[1], size=array.shape[0]))
        else:
            picks = np.full(array.shape[0], array.shape[1] // 2)
        clip = array[np.arange(array.shape[0]), picks]  # (T, H, W, C)
        if self.transform is not None:
            clip = self.transform(clip)
        else:
            clip = center_crop_clip(clip, size=self.size)
        return torch.from_numpy(np.ascontiguousarray(clip)), self.index[self.clips[i].label]

    def _cache_file(self, i: int) -> Path | None:
        if self.cache_dir is None:
            return None
        clip = self.clips[i]
        stat = os.stat(clip.path)
        key = f"{clip.path}|{stat.st_size}|{stat.st_mtime_ns}|{self.segments}|" \
              f"{self.candidates}|{self.short_side}"
        return self.cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.npy"


def center_crop_clip(clip: np.ndarray, *, size: int) -> np.ndarray:
    """Centre ``size x size`` crop of ``(T, H, W, C)`` (edge-padded if smaller)."""
    _, height, width, _ = clip.shape
    if height < size or width < size:
        ph, pw = max(0, size - height), max(0, size - width)
        clip = np.pad(clip, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)),
                      mode="edge")
        _, height, width, _ = clip.shape
    top, left = (height - size) // 2, (width - size) // 2
    return clip[:, top:top + size, left:left + size]
