"""Reads for videos and analyses, always filtered by the requesting user (staff see all)."""
from __future__ import annotations

import io
import json
import posixpath
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F, FloatField, OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from inference.csvsafe import csv_writer
from inference.thumbsheet import SHEET_INDEX_NAME
from webapp.core.storage import media_storage
from webapp.videos.models import (
    FINISHED_STATUSES,
    Analysis,
    AnalysisStatus,
    Event,
    ResumableUpload,
    Segment,
    Video,
)


def _visible_videos(user: User | AnonymousUser) -> QuerySet[Video]:
    if not isinstance(user, User):  # anonymous
        return Video.objects.none()
    if user.is_staff:
        return Video.objects.all()
    return Video.objects.filter(owner=user)


def _with_duplicate(videos: QuerySet[Video]) -> QuerySet[Video]:
    """``videos`` annotated with ``duplicate_of_id`` (and ``duplicate_of_name``): the owner's
    first upload of the same content (sha256) when this one came later, else None; so a
    re-upload is flagged and points at the original, which is not flagged itself."""
    same = (Video.objects.filter(owner=OuterRef("owner"), sha256=OuterRef("sha256"),
                                 created_at__lt=OuterRef("created_at"))
            .order_by("created_at"))
    return videos.annotate(duplicate_of_id=Subquery(same.values("pk")[:1]),
                           duplicate_of_name=Subquery(same.values("original_name")[:1]))


def video_list(*, user: User | AnonymousUser, search: str = "") -> QuerySet[Video]:
    """The user's videos, newest first, each with its latest analysis' status and top event,
    and the video it duplicates (``duplicate_of_id``)."""
    latest = Analysis.objects.filter(video=OuterRef("pk")).order_by("-created_at")
    videos = _with_duplicate(_visible_videos(user)).select_related("owner").annotate(
        latest_analysis_id=Subquery(latest.values("pk")[:1]),
        latest_status=Subquery(latest.values("status")[:1]),
        latest_percent=Subquery(latest.values("percent")[:1]),
    ).annotate(
        top_event_label=Subquery(
            Event.objects.filter(analysis_id=OuterRef("latest_analysis_id"))
            .order_by("-peak_score").values("label")[:1]),
        top_event_score=Subquery(
            Event.objects.filter(analysis_id=OuterRef("latest_analysis_id"))
            .order_by("-peak_score").values("peak_score")[:1]),
    )
    search = (search or "").strip()
    if search:
        videos = videos.filter(original_name__icontains=search)
    return videos.order_by("-created_at")


def video_list_scoring(videos: QuerySet[Video], *, label: str = "",
                       min_score: float | None = None) -> QuerySet[Video]:
    """``videos`` where a window of some analysis scored ``label`` (one of its top-k or
    watched labels) at least ``min_score``; without ``label``, the window's best watched
    score did. Annotated ``label_best_score`` (that best score).

    One query: the match is a semi-join on the segments (``video_id IN (...)``), the best
    score a subquery evaluated only for the rows a page shows.
    """
    segments = Segment.objects.all()
    if label:
        segments = segments.filter(label_scores__has_key=label).annotate(
            score=Cast(KeyTextTransform(label, "label_scores"), FloatField()))
    else:
        segments = segments.annotate(score=F("max_score"))
    if min_score is not None:
        segments = segments.filter(score__gte=min_score)
    best = (segments.filter(analysis__video=OuterRef("pk")).order_by("-score")
            .values("score")[:1])
    return videos.filter(pk__in=segments.values("analysis__video_id")).annotate(
        label_best_score=Subquery(best))


def video_get(*, user: User | AnonymousUser, pk) -> Video:
    """Raises ``Video.DoesNotExist`` for an unknown video or another user's (→ 404)."""
    return _with_duplicate(_visible_videos(user)).select_related("owner").get(pk=pk)


def video_list_uploaded(*, owner: User) -> QuerySet[Video]:
    """Videos ``owner`` uploaded, newest first: staff too see only their own here (clips are
    cut only from one's own uploads)."""
    return Video.objects.filter(owner=owner).order_by("-created_at")


def video_get_uploaded(*, owner: User, pk) -> Video:
    """Raises ``Video.DoesNotExist`` unless ``owner`` uploaded it."""
    return video_list_uploaded(owner=owner).get(pk=pk)


def analysis_list(*, user: User | AnonymousUser, video: Video | None = None) -> QuerySet[Analysis]:
    analyses = Analysis.objects.filter(video__in=_visible_videos(user))
    if video is not None:
        analyses = analyses.filter(video=video)
    return analyses.select_related("video", "model_version").order_by("-created_at")


def analysis_get(*, user: User | AnonymousUser, pk) -> Analysis:
    """Raises ``Analysis.DoesNotExist`` for an unknown analysis or another user's (→ 404)."""
    return analysis_list(user=user).get(pk=pk)


def analysis_latest(*, video: Video) -> Analysis | None:
    return (Analysis.objects.filter(video=video).select_related("model_version")
            .order_by("-created_at").first())


def segment_list(*, analysis: Analysis, label: str = "", min_score: float | None = None,
                 after_index: int | None = None) -> QuerySet[Segment]:
    """Segments in order; ``label`` keeps those scoring it (watched or top-k), ``min_score``
    those whose score for ``label`` (or, without one, best watched score) reaches it."""
    segments = Segment.objects.filter(analysis=analysis)
    if after_index is not None:
        segments = segments.filter(index__gt=after_index)
    if label:
        segments = segments.filter(label_scores__has_key=label)
        if min_score is not None:
            segments = segments.annotate(
                label_score=Cast(KeyTextTransform(label, "label_scores"), FloatField()),
            ).filter(label_score__gte=min_score)
    elif min_score is not None:
        segments = segments.filter(max_score__gte=min_score)
    return segments.order_by("index")


def analysis_results_document(*, analysis: Analysis) -> dict | None:
    """The results document of a succeeded analysis, or ``None`` when there is none yet."""
    if analysis.status != AnalysisStatus.SUCCEEDED or not analysis.results_file:
        return None
    try:
        with media_storage().open(analysis.results_file, "rb") as fh:
            return json.loads(fh.read().decode("utf-8"))
    except (OSError, ValueError):
        return None


def event_list(*, analysis: Analysis) -> QuerySet[Event]:
    return Event.objects.filter(analysis=analysis).order_by("start_sec")


def segments_csv_rows(*, analysis: Analysis) -> Iterator[str]:
    """CSV lines: index, times, top-1, each watched label's score, and the top-k list."""
    watched = analysis.watched_or_asked_labels
    buffer = io.StringIO()
    writer = csv_writer(buffer)  # neutralises formulas in names and labels

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(["index", "start_sec", "end_sec", "top_label", "top_score",
                     *[f"score:{label}" for label in watched], "top_k"])
    yield flush()
    for segment in segment_list(analysis=analysis).iterator(chunk_size=500):
        writer.writerow([
            segment.index, f"{segment.start_sec:.3f}", f"{segment.end_sec:.3f}",
            segment.top_label, f"{segment.top_score:.6f}",
            *[("" if label not in segment.scores else f"{segment.scores[label]:.6f}")
              for label in watched],
            "; ".join(f"{label}={score:.4f}" for label, score in segment.top),
        ])
        yield flush()


# --- Operations and retention (every user's rows) ---------------------------------------------

#: Analyses of each status listed on the ops page.
MAX_IN_FLIGHT = 50


def analyses_in_flight(*, limit: int = MAX_IN_FLIGHT) -> dict[str, Any]:
    """Counts of queued and running analyses and the oldest ``limit`` of each (the ops page;
    every user's)."""
    result: dict[str, Any] = {}
    for status in (AnalysisStatus.RUNNING, AnalysisStatus.QUEUED):
        rows = (Analysis.objects.filter(status=status).select_related("video__owner")
                .order_by("created_at"))
        result[f"{status}_count"] = rows.count()
        result[str(status)] = [
            {"id": str(a.pk), "video": a.video.original_name,
             "owner": a.video.owner.get_username(), "queue": a.queue, "device": a.device,
             "stage": a.stage, "percent": a.percent, "worker": a.worker,
             "attempts": a.attempts, "created_at": a.created_at.isoformat(),
             "heartbeat_at": a.heartbeat_at.isoformat() if a.heartbeat_at else None}
            for a in rows[:limit]]
    return result


def stored_names() -> Iterator[str]:
    """Every stored name a video or analysis row refers to (retention keeps them)."""
    for names in Video.objects.values_list("file", "thumbnail"):
        yield from names
    for results, annotated, thumbs in Analysis.objects.values_list(
            "results_file", "annotated_file", "thumbs_file"):
        yield from (results, annotated, thumbs)
        if thumbs:  # the sheet's index sits beside it (inference.thumbsheet)
            yield posixpath.join(posixpath.dirname(thumbs), SHEET_INDEX_NAME)


def busy_output_prefixes() -> set[str]:
    """Output folders of analyses not finished (being written), their chunks' folders
    (``services.chunked.chunks_prefix``) and the parts of unfinished resumable uploads."""
    running = Analysis.objects.exclude(status__in=FINISHED_STATUSES).values_list("pk", flat=True)
    receiving = (ResumableUpload.objects.filter(offset__lt=F("length"))
                 .values_list("pk", flat=True))
    return ({prefix for pk in running for prefix in (f"analyses/{pk}/", f"analyses/chunks/{pk}/")}
            | {f"uploads/{pk}/" for pk in receiving})


def resumable_upload_get(*, user: User | AnonymousUser, pk) -> ResumableUpload:
    """One of the user's own resumable uploads (nobody else's, staff included: the bytes are
    theirs until they become a video)."""
    if not isinstance(user, User):
        raise ResumableUpload.DoesNotExist
    return ResumableUpload.objects.select_related("video", "analysis").get(owner=user, pk=pk)
