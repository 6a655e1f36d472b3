"""Reads for training runs, evaluations and analysis comparisons (staff-only data; views and
the API check ``is_staff``)."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from webapp.datasets.models import Dataset
from webapp.models_registry.models import ModelVersion
from webapp.training_runs.models import Evaluation, RunStatus, TrainingRun
from webapp.videos.models import Analysis, AnalysisStatus, Segment


def training_run_list() -> QuerySet[TrainingRun]:
    return TrainingRun.objects.select_related("dataset", "base_version", "result_version",
                                              "created_by").order_by("-created_at")


def training_run_get(*, pk) -> TrainingRun:
    """Raises ``TrainingRun.DoesNotExist``."""
    return training_run_list().get(pk=pk)


def dataset_split_labels(dataset: Dataset, split: str) -> set[str]:
    """The labels of a dataset's clips in one split (``train``, ``val`` or ``test``)."""
    return set(dataset.clips.filter(split=split).values_list("label", flat=True).distinct())


def evaluation_list() -> QuerySet[Evaluation]:
    return Evaluation.objects.select_related("version", "dataset").order_by("-created_at")


def run_progress(run: TrainingRun) -> dict:
    """What the run page polls: status, progress, per-epoch curves and best-epoch metrics."""
    return {"id": str(run.pk), "status": run.status, "stage": run.stage, "percent": run.percent,
            "epoch": run.epoch, "epochs": run.settings.get("epochs"),
            "finished": run.finished, "error": run.error, "history": run.history,
            "best": run.best, "labels": run.labels,
            "result_version": run.result_version_id,
            "cancel_requested": run.cancel_requested}


def rescore_candidates(*, limit: int) -> QuerySet[Analysis]:
    """The newest ``limit`` succeeded analyses of anyone (staff re-score them)."""
    return (Analysis.objects.filter(status=AnalysisStatus.SUCCEEDED)
            .select_related("video", "model_version").order_by("-created_at")[:limit])


def analysis_get_any(*, pk: str) -> Analysis:
    """Anyone's analysis (staff compare them); raises ``Analysis.DoesNotExist`` or, for a
    malformed id, ``ValidationError``."""
    return Analysis.objects.select_related("video", "model_version").get(pk=pk)


@dataclass(frozen=True)
class SegmentChange:
    index: int
    start_sec: float
    end_sec: float
    label_a: str
    score_a: float
    label_b: str
    score_b: float
    changed: bool  # whether the top label differs


def analyses_compare(*, a: Analysis, b: Analysis) -> list[SegmentChange]:
    """Per-segment top labels of two analyses of the same video, matched by time window
    (start/end rounded to 10 ms); windows only one of them has are left out."""
    if a.video_id != b.video_id:
        raise ValueError("the analyses are of different videos")

    def windows(analysis: Analysis) -> dict[tuple[float, float], Segment]:
        return {(round(s.start_sec, 2), round(s.end_sec, 2)): s
                for s in analysis.segments.order_by("index")}

    left, right = windows(a), windows(b)
    return [SegmentChange(index=left[key].index, start_sec=key[0], end_sec=key[1],
                          label_a=left[key].top_label, score_a=left[key].top_score,
                          label_b=right[key].top_label, score_b=right[key].top_score,
                          changed=left[key].top_label != right[key].top_label)
            for key in sorted(left) if key in right]


def evaluation_promotion_check(candidate: ModelVersion, current: ModelVersion) -> str | None:
    """A reason not to promote ``candidate`` over ``current``: its newest succeeded
    evaluation on a (dataset, split) that ``current`` was also evaluated on is less accurate.
    Registered with the model registry's promotion checks at start-up."""
    def newest(version: ModelVersion) -> dict[tuple[int, str], float]:
        found: dict[tuple[int, str], float] = {}
        for evaluation in Evaluation.objects.filter(version=version,
                                                    status=RunStatus.SUCCEEDED
                                                    ).order_by("-created_at"):
            accuracy = (evaluation.metrics or {}).get("accuracy")
            if isinstance(accuracy, int | float):
                found.setdefault((evaluation.dataset_id, evaluation.split), float(accuracy))
        return found

    theirs = newest(current)
    for key, accuracy in newest(candidate).items():
        if key in theirs and accuracy < theirs[key]:
            return (f"on the same evaluation split it is less accurate than the current "
                    f"default {current.name} ({accuracy:.1%} vs {theirs[key]:.1%})")
    return None
