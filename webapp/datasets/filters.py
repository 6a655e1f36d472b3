"""Query parameters of the dataset clip, import and feedback lists; see ``webapp.core.filters``."""
from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from training.datasets import TRAIN_SPLITS
from webapp.core.filters import BooleanFilter, IdFilter, UUIDFilter
from webapp.datasets.models import Feedback


class DatasetClipFilter(django_filters.FilterSet):
    dataset = IdFilter(field_name="dataset_id", help_text="Only this dataset's clips.")
    split = django_filters.ChoiceFilter(choices=[(s, s) for s in TRAIN_SPLITS])
    label = django_filters.CharFilter(max_length=100)


class DatasetImportFilter(django_filters.FilterSet):
    dataset = IdFilter(field_name="dataset_id", help_text="Only this dataset's imports.")


class FeedbackFilter(django_filters.FilterSet):
    analysis = UUIDFilter(field_name="analysis_id", help_text="Only this analysis.")
    unused = BooleanFilter(method="filter_unused",
                           help_text="true (or 1): only items not yet added to a dataset.")

    def filter_unused(self, queryset: QuerySet[Feedback], name: str,
                      value: bool | None) -> QuerySet[Feedback]:
        return queryset.filter(clip__isnull=True) if value else queryset
