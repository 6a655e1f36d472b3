"""Datasets: create, rename, delete, labels, splits and re-splits."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from training.datasets import TRAIN_SPLITS, Clip, clip_group, grouped_split
from webapp.core import storage as media
from webapp.datasets.models import Dataset, DatasetClip

#: ``on_progress(stage, done, total)``: stages ``extract``, ``validate``, ``store``.
Progress = Callable[[str, int, int], None]
DEFAULT_FRACTIONS = (0.7, 0.15, 0.15)
MAX_LABEL_CHARS = 100


def clean_labels(labels: Iterable[str]) -> list[str]:
    """Labels with white space folded, cut to :data:`MAX_LABEL_CHARS`, empties and repeats
    dropped (first order kept)."""
    out: list[str] = []
    for raw in labels:
        label = " ".join(str(raw).split())[:MAX_LABEL_CHARS]
        if label and label not in out:
            out.append(label)
    return out


def dataset_create(*, name: str, description: str = "", labels: Iterable[str] = (),
                   created_by: User | None = None) -> Dataset:
    """A new, empty dataset; raises ``ValidationError`` for an empty or taken name."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "A dataset needs a name."})
    if len(name) > 120:
        raise ValidationError({"name": "At most 120 characters."})
    if Dataset.objects.filter(name=name).exists():
        raise ValidationError({"name": f"A dataset named {name!r} exists already."})
    try:
        with transaction.atomic():
            return Dataset.objects.create(name=name, description=description or "",
                                          labels=clean_labels(labels), created_by=created_by)
    except IntegrityError:
        raise ValidationError({"name": f"A dataset named {name!r} exists already."}) from None


def dataset_update(*, dataset: Dataset, name: str | None = None,
                   description: str | None = None) -> Dataset:
    """Rename or re-describe a dataset."""
    if name is not None:
        name = " ".join(name.split())
        if not name:
            raise ValidationError({"name": "A dataset needs a name."})
        if Dataset.objects.filter(name=name).exclude(pk=dataset.pk).exists():
            raise ValidationError({"name": f"A dataset named {name!r} exists already."})
        dataset.name = name
    if description is not None:
        dataset.description = description
    dataset.save()
    return dataset


def dataset_folder(dataset: Dataset) -> str:
    """The storage folder holding the dataset's clip files."""
    return f"datasets/{dataset.pk}"


def dataset_delete(*, dataset: Dataset) -> None:
    """Delete a dataset, its clips and their files (after the commit)."""
    folder = dataset_folder(dataset)
    with transaction.atomic():
        dataset.delete()
        transaction.on_commit(partial(media.delete_tree, folder))


def labels_extend(dataset: Dataset, labels: Iterable[str]) -> None:
    """Add new labels to the dataset's label set (row locked: concurrent imports add theirs)."""
    with transaction.atomic():
        current = Dataset.objects.select_for_update().values_list("labels", flat=True) \
            .get(pk=dataset.pk)
        new = [label for label in clean_labels(labels) if label not in current]
        dataset.labels = [*current, *new]
        if new:
            Dataset.objects.filter(pk=dataset.pk).update(labels=dataset.labels,
                                                         updated_at=timezone.now())


def check_fractions(fractions: Sequence[float]) -> tuple[float, float, float]:
    """``(train, val, test)`` split fractions, or ``ValidationError``."""
    values = tuple(float(f) for f in fractions)
    if len(values) != 3 or any(f < 0 for f in values) or sum(values) <= 0:
        raise ValidationError({"fractions": "Three non-negative numbers (train, val, test) "
                                            "with a positive sum."})
    return values  # type: ignore[return-value]


def dataset_resplit(*, dataset: Dataset, fractions: Sequence[float] = DEFAULT_FRACTIONS,
                    seed: int = 0) -> dict[str, int]:
    """Re-assign every clip's split by source group (no group spans two splits), each label's
    groups split separately. Returns the number of clips per split.
    """
    fractions = check_fractions(fractions)
    rows = list(dataset.clips.only("pk", "group", "label", "file"))
    clips = [Clip(path=str(row.pk), label=row.label, split="",
                  group=clip_group(row.group, row.file)) for row in rows]
    assigned = grouped_split(clips, fractions=fractions, seed=seed, stratify=True)
    by_split: dict[str, list[int]] = {}
    for clip in assigned:
        by_split.setdefault(clip.split, []).append(int(clip.path))
    with transaction.atomic():
        for split, pks in by_split.items():
            DatasetClip.objects.filter(pk__in=pks).update(split=split)
        dataset.save(update_fields=["updated_at"])
    return {split: len(by_split.get(split, [])) for split in TRAIN_SPLITS}
