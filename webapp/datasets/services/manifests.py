"""Manifest CSVs: the rows ``training.datasets`` reads, written for a dataset or an export."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from django.db.models import QuerySet

from inference.csvsafe import csv_writer
from webapp.core import storage as media
from webapp.datasets.models import Dataset, DatasetClip

MANIFEST_COLUMNS = ("path", "label", "split", "source", "license", "group")


def _clip_source(clip: DatasetClip) -> str:
    return clip.original_name or clip.get_origin_display()


def manifest_clips(*, dataset: Dataset,
                   splits: Iterable[str] | None = None) -> QuerySet[DatasetClip]:
    """The dataset's clips in manifest order (split, label, id); ``splits``: only those."""
    clips = dataset.clips.order_by("split", "label", "id")
    if splits is not None:
        clips = clips.filter(split__in=list(splits))
    return clips


def manifest_write(*, clips: Iterable[DatasetClip], out: Path,
                   path_of: Callable[[DatasetClip], str]) -> Path:
    """Write ``out`` (temp name + rename) with :data:`MANIFEST_COLUMNS`, one row per clip."""
    part = out.with_name(f".{out.name}.{os.getpid()}.part")
    with open(part, "w", newline="", encoding="utf-8") as fh:
        writer = csv_writer(fh)  # names and labels come from users: no formulas
        writer.writerow(MANIFEST_COLUMNS)
        for clip in clips:
            writer.writerow((path_of(clip), clip.label, clip.split, _clip_source(clip), "",
                             clip.group))
    os.replace(part, out)
    return out


def dataset_write_manifest(*, dataset: Dataset, directory: Path,
                           splits: Iterable[str] | None = None) -> Path:
    """Write ``directory/manifest.csv`` (absolute clip paths) for ``training.datasets``.

    Columns ``path,label,split,source,license,group``; ``splits`` limits the rows (None: all).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    clips = manifest_clips(dataset=dataset, splits=splits)
    return manifest_write(clips=clips.iterator(), out=directory / "manifest.csv",
                          path_of=lambda c: str(media.local_name_path(c.file).resolve()))
