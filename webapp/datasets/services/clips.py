"""Clips: storing validated clips (copied or cut) all or nothing, one clip from a video,
relabelling and deleting clips.

Clips are stored as their own files under ``MEDIA_ROOT/datasets/<dataset id>/``; if storing
fails half-way, the files written so far are removed and no row is created.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction

from inference.errors import VigilError
from inference.probe import probe
from training.datasets import TRAIN_SPLITS, Clip, ManifestError, grouped_split
from webapp.core import storage as media
from webapp.datasets.models import ClipOrigin, Dataset, DatasetClip, Feedback
from webapp.datasets.services.datasets import (
    DEFAULT_FRACTIONS,
    Progress,
    check_fractions,
    clean_labels,
    dataset_folder,
    labels_extend,
)
from webapp.videos.models import Video
from webapp.videos.services import CONTAINER_EXTENSIONS, clean_original_name

CLIP_MAX_HEIGHT = 360


def dataset_clip_delete(*, clip: DatasetClip) -> None:
    """Delete one clip and its file (after the commit)."""
    name = clip.file
    with transaction.atomic():
        clip.delete()
        transaction.on_commit(partial(media.delete, [name]))


def dataset_clip_update(*, clip: DatasetClip, label: str | None = None,
                        split: str | None = None) -> DatasetClip:
    """Relabel a clip or move it to another split (its whole group moves with it)."""
    with transaction.atomic():
        if label is not None:
            cleaned = clean_labels([label])
            if not cleaned:
                raise ValidationError({"label": "A clip needs a label."})
            clip.label = cleaned[0]
            labels_extend(clip.dataset, [clip.label])
        if split is not None:
            if split not in TRAIN_SPLITS:
                raise ValidationError({"split": f"One of {', '.join(TRAIN_SPLITS)}."})
            clip.split = split
            if clip.group:  # keep the group together
                clip.dataset.clips.filter(group=clip.group).exclude(pk=clip.pk).update(split=split)
        clip.save()
    return clip


@dataclass(frozen=True)
class PlannedClip:
    """A validated clip about to be stored: a whole file to copy, or a range of a video to cut.

    ``split`` empty: assigned by grouped split. ``start_sec``/``end_sec`` set: cut that range of
    the stored video named ``source`` (seconds) into an H.264 clip; else ``source`` is a local
    file, copied as it is.
    """

    source: str
    label: str
    split: str
    group: str
    origin: str
    original_name: str = ""
    start_sec: float | None = None
    end_sec: float | None = None
    source_video_id: uuid.UUID | None = None
    line: int = 0
    feedback_id: int | None = None


def _assign_splits(dataset: Dataset, planned: Sequence[PlannedClip], *,
                   fractions: tuple[float, float, float], seed: int) -> list[PlannedClip]:
    """Fill empty splits: a group already in the dataset keeps its split, new groups are split
    grouped and stratified by label (``fractions``)."""
    existing = dict(dataset.clips.exclude(group="").values_list("group", "split").distinct())
    todo = [p for p in planned if not p.split and p.group not in existing]
    assigned: dict[str, str] = {}
    if todo:
        clips = [Clip(path=p.source, label=p.label, split="", group=p.group) for p in todo]
        for clip in grouped_split(clips, fractions=fractions, seed=seed, stratify=True):
            assigned[clip.group] = clip.split
    return [p if p.split else replace(p, split=existing.get(p.group) or assigned[p.group])
            for p in planned]


def clips_store(dataset: Dataset, planned: Sequence[PlannedClip], *, source_name: str,
                fractions: Sequence[float] = DEFAULT_FRACTIONS, seed: int = 0,
                on_progress: Progress | None = None) -> list[DatasetClip]:
    """Store the clips' files, then their rows in one transaction; all or nothing.

    A cut that fails is reported with its row in one ``ManifestError`` after all were tried;
    then the files stored so far are deleted.
    """
    planned = _assign_splits(dataset, planned, fractions=check_fractions(fractions), seed=seed)
    folder = dataset_folder(dataset)
    stored: list[str] = []
    rows: list[DatasetClip] = []
    feedback_of: list[int | None] = []
    problems: list[tuple[int, str]] = []
    try:
        for number, item in enumerate(planned):
            if on_progress is not None:
                on_progress("store", number, len(planned))
            try:
                relative, sha256, duration_sec = _store_one(item, folder, stored)
            except (VigilError, ValueError, OSError) as exc:
                problems.append((item.line, f"{item.original_name or item.source}: {exc}"))
                continue
            rows.append(DatasetClip(
                dataset=dataset, label=item.label, split=item.split, file=relative,
                source_video_id=item.source_video_id, start_sec=item.start_sec,
                end_sec=item.end_sec, group=item.group[:200], origin=item.origin,
                original_name=clean_original_name(item.original_name)
                if item.original_name else "", sha256=sha256, duration_sec=duration_sec))
            feedback_of.append(item.feedback_id)
        if problems:
            raise ManifestError(source_name, problems)
        with transaction.atomic():
            created = DatasetClip.objects.bulk_create(rows)
            for clip, feedback_id in zip(created, feedback_of, strict=True):
                if feedback_id is not None:
                    Feedback.objects.filter(pk=feedback_id).update(clip=clip)
            labels_extend(dataset, [c.label for c in created])
            dataset.save(update_fields=["updated_at"])
    except BaseException:
        media.delete(stored)
        raise
    return created


def _store_one(item: PlannedClip, folder: str, stored: list[str]) -> tuple[str, str, float]:
    """Store one clip's file (cut or copied); returns ``(name, sha256, duration_sec)``."""
    if item.start_sec is None or item.end_sec is None:
        meta = probe(item.source)
        relative = f"{folder}/{uuid.uuid4()}.{CONTAINER_EXTENSIONS[meta.container]}"
        stored.append(relative)
        return relative, media.store_with_sha256(item.source, relative), meta.duration_sec
    from inference.clip import cut_clip  # noqa: PLC0415  (PyAV encoder: only needed here)

    relative = f"{folder}/{uuid.uuid4()}.mp4"
    stored.append(relative)
    with media.local_copy(item.source) as source, media.local_output(relative) as out:
        cut_clip(probe(str(source)), str(out), start_sec=item.start_sec,
                 end_sec=item.end_sec, max_height=CLIP_MAX_HEIGHT)
        meta = probe(str(out))
        return relative, media.file_sha256(out), meta.duration_sec


def dataset_clip_add_from_video(*, dataset: Dataset, video: Video, start_sec: float,
                                end_sec: float, label: str, split: str = "",
                                origin: str = ClipOrigin.UPLOAD) -> DatasetClip:
    """Cut ``[start_sec, end_sec)`` of an uploaded video into a clip (group: the video)."""
    label = " ".join((label or "").split())
    problems = []
    if not label:
        problems.append("empty label")
    if split and split not in TRAIN_SPLITS:
        problems.append(f"unknown split {split!r}")
    if not 0 <= start_sec < end_sec:
        problems.append(f"bad time range {start_sec:g}-{end_sec:g} s")
    elif start_sec >= video.duration_sec:
        problems.append(f"starts after the video's end ({video.duration_sec:.2f} s)")
    if problems:
        raise ValidationError({"detail": "; ".join(problems)})
    planned = PlannedClip(source=video.file, label=label, split=split,
                          group=f"video:{video.pk}", origin=origin,
                          original_name=f"{video.original_name} {start_sec:g}-{end_sec:g}s",
                          start_sec=start_sec, end_sec=min(end_sec, video.duration_sec),
                          source_video_id=video.pk, line=1)
    return clips_store(dataset, [planned], source_name=video.original_name)[0]
