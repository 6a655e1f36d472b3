"""Reads for datasets and feedback (staff-only data; views check ``is_staff``)."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, QuerySet

from training.datasets import TRAIN_SPLITS
from webapp.datasets.models import Dataset, DatasetClip, DatasetImport, Feedback
from webapp.videos.models import Analysis


def dataset_list() -> QuerySet[Dataset]:
    return (Dataset.objects.annotate(clip_count=Count("clips")).select_related("created_by")
            .order_by("name"))


def dataset_get(*, pk) -> Dataset:
    """Raises ``Dataset.DoesNotExist``."""
    return Dataset.objects.get(pk=pk)


def clip_list(*, dataset: Dataset | None = None, split: str = "", label: str = "",
              ) -> QuerySet[DatasetClip]:
    """Clips of ``dataset`` by label and split; without one, every dataset's, by dataset."""
    clips = (DatasetClip.objects.order_by("dataset", "label", "id") if dataset is None
             else dataset.clips.order_by("label", "split", "id")).select_related("source_video")
    if split:
        clips = clips.filter(split=split)
    if label:
        clips = clips.filter(label=label)
    return clips


def clip_get(*, dataset: Dataset, pk) -> DatasetClip:
    """Raises ``DatasetClip.DoesNotExist``."""
    return dataset.clips.get(pk=pk)


@dataclass(frozen=True)
class LabelCounts:
    label: str
    train: int
    val: int
    test: int

    @property
    def total(self) -> int:
        return self.train + self.val + self.test


@dataclass(frozen=True)
class DatasetStats:
    """Clip counts per label and split; ``imbalance`` = largest / smallest class (total)."""

    rows: list[LabelCounts]
    totals: dict[str, int]
    total: int
    largest: str
    smallest: str
    imbalance: float | None
    leaking_groups: list[str]

    def as_dict(self) -> dict:
        return {"labels": [{"label": r.label, "train": r.train, "val": r.val, "test": r.test,
                            "total": r.total} for r in self.rows],
                "totals": self.totals, "total": self.total, "largest": self.largest,
                "smallest": self.smallest, "imbalance": self.imbalance,
                "leaking_groups": self.leaking_groups}


def dataset_stats(*, dataset: Dataset) -> DatasetStats:
    counts: dict[str, dict[str, int]] = {label: {} for label in dataset.labels}
    for row in dataset.clips.values("label", "split").annotate(n=Count("id")):
        counts.setdefault(row["label"], {})[row["split"]] = row["n"]
    rows = [LabelCounts(label, *(per.get(s, 0) for s in TRAIN_SPLITS))
            for label, per in sorted(counts.items())]
    totals = {s: sum(getattr(r, s) for r in rows) for s in TRAIN_SPLITS}
    present = [r for r in rows if r.total > 0]
    largest = max(present, key=lambda r: r.total) if present else None
    smallest = min(present, key=lambda r: r.total) if present else None
    return DatasetStats(rows=rows, totals=totals, total=sum(totals.values()),
                        largest=largest.label if largest else "",
                        smallest=smallest.label if smallest else "",
                        imbalance=round(largest.total / smallest.total, 2)
                        if largest and smallest else None,
                        leaking_groups=group_leaks(dataset=dataset))


def group_leaks(*, dataset: Dataset) -> list[str]:
    """Source groups whose clips sit in more than one split (e.g. after a manifest import with
    its own splits); a grouped re-split fixes them."""
    return list(dataset.clips.exclude(group="").values("group")
                .annotate(splits=Count("split", distinct=True)).filter(splits__gt=1)
                .order_by("group").values_list("group", flat=True))


def feedback_list(*, user: User | AnonymousUser | None = None, analysis: Analysis | None = None,
                  unused: bool = False) -> QuerySet[Feedback]:
    """Feedback, newest first; ``user`` limits to theirs (staff: pass None for all; an
    anonymous user has none)."""
    if isinstance(user, AnonymousUser):
        return Feedback.objects.none()
    items = Feedback.objects.select_related("analysis__video", "segment", "event", "user",
                                            "clip__dataset")
    if user is not None:
        items = items.filter(user=user)
    if analysis is not None:
        items = items.filter(analysis=analysis)
    if unused:
        items = items.filter(clip__isnull=True)
    return items.order_by("-created_at")


def feedback_targets(*, analysis: Analysis) -> list[dict]:
    """What can be marked in an analysis: events first, then segments (model's label, times)."""
    targets = [{"kind": "event", "id": e.pk, "index": None, "label": e.label,
                "start_sec": e.start_sec, "end_sec": e.end_sec}
               for e in analysis.events.order_by("start_sec", "pk")]
    targets += [{"kind": "segment", "id": s.pk, "index": s.index, "label": s.top_label,
                 "start_sec": s.start_sec, "end_sec": s.end_sec}
                for s in analysis.segments.order_by("index")]
    return targets


def import_list(*, dataset: Dataset | None = None) -> QuerySet[DatasetImport]:
    jobs = DatasetImport.objects.select_related("dataset")
    if dataset is not None:
        jobs = jobs.filter(dataset=dataset)
    return jobs.order_by("-created_at")
