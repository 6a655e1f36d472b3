"""Feedback: users' verdicts on results, and verdicts turned into dataset clips."""
from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from training.datasets import TRAIN_SPLITS, ManifestError
from webapp.datasets.models import ClipOrigin, Dataset, DatasetClip, Feedback, Verdict
from webapp.datasets.services.clips import PlannedClip, clips_store
from webapp.datasets.services.datasets import MAX_LABEL_CHARS
from webapp.videos.models import Analysis, Event, Segment


def feedback_set(*, user: User, analysis: Analysis, verdict: str, label: str = "",
                 segment: Segment | None = None, event: Event | None = None) -> Feedback:
    """Record (or update) ``user``'s verdict on one segment or event of ``analysis``.

    ``wrong`` needs the right ``label``; ``correct`` clears it.
    """
    target = segment if segment is not None else event
    if target is None or (segment is not None and event is not None):
        raise ValidationError({"detail": "Give exactly one of segment or event."})
    if target.analysis_id != analysis.pk:
        raise ValidationError({"detail": "That segment or event is not in this analysis."})
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": f"One of {', '.join(Verdict.values)}."})
    label = " ".join((label or "").split())
    if verdict == Verdict.WRONG and not label:
        raise ValidationError({"label": "Say what it is (the right label)."})
    if len(label) > MAX_LABEL_CHARS:
        raise ValidationError({"label": f"At most {MAX_LABEL_CHARS} characters."})
    if verdict == Verdict.CORRECT:
        label = ""
    key = {"segment": segment} if segment is not None else {"event": event}
    with transaction.atomic():
        feedback, _ = Feedback.objects.update_or_create(
            user=user, **key, defaults={"analysis": analysis, "verdict": verdict,
                                        "label": label})
    return feedback


def feedback_delete(*, feedback: Feedback) -> None:
    """Withdraw one verdict."""
    feedback.delete()


def feedback_clip_label(feedback: Feedback) -> str:
    """The clip label a verdict implies: the correction, or the model's own label."""
    if feedback.verdict == Verdict.WRONG:
        return feedback.label
    return feedback.model_label


def feedback_add_to_dataset(*, dataset: Dataset, feedback: Iterable[Feedback],
                            split: str = "") -> list[DatasetClip]:
    """Cut each item's segment/event range into a clip of ``dataset`` in one action.

    Label: :func:`feedback_clip_label`; group: the source video (so a video never spans two
    splits); ``split`` empty: a video already in the dataset keeps its split, others are split
    grouped.
    """
    if split and split not in TRAIN_SPLITS:
        raise ValidationError({"split": f"One of {', '.join(TRAIN_SPLITS)}."})
    planned = []
    problems = []
    for number, item in enumerate(feedback, start=1):
        video = item.analysis.video
        target = item.target
        label = feedback_clip_label(item)
        if not label:
            problems.append((number, f"feedback #{item.pk}: no label"))
            continue
        planned.append(PlannedClip(
            source=video.file, label=label[:MAX_LABEL_CHARS], split=split,
            group=f"video:{video.pk}", origin=ClipOrigin.FEEDBACK,
            original_name=f"{video.original_name} {target.start_sec:g}-{target.end_sec:g}s",
            start_sec=target.start_sec, end_sec=target.end_sec, source_video_id=video.pk,
            line=number, feedback_id=item.pk))
    if problems:
        raise ManifestError("feedback", problems)
    if not planned:
        raise ValidationError({"feedback": "Select at least one feedback item."})
    return clips_store(dataset, planned, source_name="feedback")
