"""Query parameters of the alert and delivery lists (API and pages); see ``webapp.core.filters``."""
from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from webapp.alerts.models import Alert
from webapp.alerts.selectors import source_tag_filter
from webapp.core.filters import BooleanFilter, DateTimeFilter, IdFilter, UUIDFilter


class AlertFilter(django_filters.FilterSet):
    label = django_filters.CharFilter(max_length=200, help_text="Only alerts of this label.")
    source = django_filters.CharFilter(max_length=100, method="filter_source",
                                       help_text="Only alerts of videos or cameras with this "
                                                 "source tag.")
    acknowledged = BooleanFilter(method="filter_acknowledged",
                                 help_text="true: acknowledged; false: unread.")
    false_alarm = BooleanFilter(field_name="false_alarm",
                                help_text="true: marked as false alarms; false: not.")
    analysis = UUIDFilter(field_name="analysis_id", help_text="Only this analysis' alerts.")
    since = DateTimeFilter(field_name="created_at", lookup_expr="gte",
                           help_text="Raised at or after (ISO 8601).")
    until = DateTimeFilter(field_name="created_at", lookup_expr="lt",
                           help_text="Raised before (ISO 8601).")

    def filter_source(self, queryset: QuerySet[Alert], name: str,
                      value: str) -> QuerySet[Alert]:
        return queryset.filter(source_tag_filter(value)) if value else queryset

    def filter_acknowledged(self, queryset: QuerySet[Alert], name: str,
                            value: bool | None) -> QuerySet[Alert]:
        if value is None:
            return queryset
        return queryset.filter(acknowledged_at__isnull=not value)


class DeliveryFilter(django_filters.FilterSet):
    webhook = IdFilter(field_name="webhook_id", help_text="Only deliveries to this webhook.")
    alert = IdFilter(field_name="alert_id", help_text="Only deliveries of this alert.")
