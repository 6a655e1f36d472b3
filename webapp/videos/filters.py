"""Query parameters of the video and analysis lists and of an analysis' segments."""
from __future__ import annotations

import math

import django_filters
from django.db.models import Q, QuerySet
from rest_framework import serializers

from webapp.core.filters import BooleanFilter, DateFilter, ProbabilityFilter, UUIDFilter
from webapp.videos.models import AnalysisStatus, Video
from webapp.videos.selectors import video_list_scoring

#: Largest value of an ``IntegerField`` (segment indexes) on every database.
MAX_INDEX = 2**31 - 1


class VideoFilter(django_filters.FilterSet):
    """The video list's filters (page and API): name, latest status, upload days, source tag,
    a label's score in any window, duplicates."""

    search = django_filters.CharFilter(method="filter_search", max_length=200,
                                       help_text="Part of the file name.")
    status = django_filters.ChoiceFilter(
        method="filter_status", choices=[*AnalysisStatus.choices, ("none", "Not analysed")],
        help_text="Status of the video's latest analysis; none: never analysed.")
    uploaded_from = DateFilter(field_name="created_at", lookup_expr="date__gte",
                               help_text="Uploaded on or after this day (YYYY-MM-DD).")
    uploaded_to = DateFilter(field_name="created_at", lookup_expr="date__lte",
                             help_text="Uploaded on or before this day (YYYY-MM-DD).")
    source_tag = django_filters.CharFilter(field_name="source_tag", max_length=100,
                                           help_text="Exactly this source tag.")
    label = django_filters.CharFilter(
        method="filter_later", max_length=200,
        help_text="Videos where a window of an analysis scored this label (among its top-k "
                  "or watched labels); with min_score, at least that score.")
    min_score = ProbabilityFilter(
        method="filter_later",
        help_text="With label: that label's score reached this in some window "
                  "(\"fight at least 0.8\"); alone: the best watched label's score did.")
    duplicate = BooleanFilter(
        method="filter_duplicate",
        help_text="true: only re-uploads (the same content, sha256, as an earlier video of "
                  "the owner's); false: only the others.")

    def filter_search(self, queryset: QuerySet[Video], name: str, value: str) -> QuerySet[Video]:
        value = value.strip()
        return queryset.filter(original_name__icontains=value) if value else queryset

    def filter_status(self, queryset: QuerySet[Video], name: str, value: str) -> QuerySet[Video]:
        """On ``selectors.video_list``'s ``latest_status`` (an annotation: a ``Q``, which the
        type checker does not match against the model's fields)."""
        if value == "none":
            return queryset.filter(Q(latest_status__isnull=True))
        return queryset.filter(Q(latest_status=value))

    def filter_duplicate(self, queryset: QuerySet[Video], name: str,
                         value: bool | None) -> QuerySet[Video]:
        """On ``selectors.video_list``'s ``duplicate_of_id``."""
        if value is None:
            return queryset
        return queryset.filter(Q(duplicate_of_id__isnull=not value))

    def filter_later(self, queryset: QuerySet[Video], name: str, value: object) -> QuerySet[Video]:
        """``label`` and ``min_score`` are one filter, applied in :meth:`filter_queryset`."""
        return queryset

    def filter_queryset(self, queryset: QuerySet[Video]) -> QuerySet[Video]:
        queryset = super().filter_queryset(queryset)
        label = (self.form.cleaned_data.get("label") or "").strip()
        min_score = self.form.cleaned_data.get("min_score")
        if label or min_score is not None:
            queryset = video_list_scoring(queryset, label=label, min_score=min_score)
        return queryset


class AnalysisFilter(django_filters.FilterSet):
    video = UUIDFilter(field_name="video_id", help_text="Only this video's analyses.")


class SegmentQuerySerializer(serializers.Serializer):
    """``GET .../segments/``: which segments."""

    # The query parameter is called ``label``, which shadows ``Field.label`` (a str) in stubs.
    label = serializers.CharField(  # type: ignore[assignment]
        required=False, allow_blank=True, max_length=200,
                                  help_text="Only segments scoring this label.")
    min_score = serializers.FloatField(required=False, min_value=0.0, max_value=1.0,
                                       help_text="Score for `label` (or best watched score) at "
                                                 "least this.")

    def validate_min_score(self, value: float) -> float:
        if not math.isfinite(value):
            raise serializers.ValidationError("Enter a number between 0 and 1.")
        return value


class ProgressQuerySerializer(serializers.Serializer):
    """``GET .../progress/``: only the segments not seen yet."""

    after = serializers.IntegerField(required=False, default=-1, min_value=-1,
                                     max_value=MAX_INDEX,
                                     help_text="Only segments with a higher index.")
