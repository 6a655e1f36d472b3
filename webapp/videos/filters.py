"""Query parameters of the video and analysis lists and of an analysis' segments."""
from __future__ import annotations

import math

import django_filters
from django.db.models import QuerySet
from rest_framework import serializers

from webapp.core.filters import UUIDFilter
from webapp.videos.models import Video

#: Largest value of an ``IntegerField`` (segment indexes) on every database.
MAX_INDEX = 2**31 - 1


class VideoFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", max_length=200,
                                       help_text="Part of the file name.")

    def filter_search(self, queryset: QuerySet[Video], name: str, value: str) -> QuerySet[Video]:
        value = value.strip()
        return queryset.filter(original_name__icontains=value) if value else queryset


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
