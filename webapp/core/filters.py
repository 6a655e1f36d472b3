"""Query parameters of every list: django-filter fields that refuse what the database cannot take.

A query parameter that reaches the ORM unchecked answers 500: an id past the 64-bit range
(``?webhook=99999999999999999999999``), a date that does not exist (``2020-13-45``), a UTC
offset past ±24 h, a date whose UTC time falls outside years 1-9999, a NUL character
(PostgreSQL refuses it in a string). The fields here refuse each with a message, and
:class:`FilterBackend` answers ``400 {"<parameter>": ["<why>"]}``. Pages use the same
FilterSets (:func:`page_filter`): a bad parameter is dropped and said so, never a 500.

drf-spectacular documents every filter of a view's ``filterset_class`` in the OpenAPI schema.
A FilterSet declares each of its filters and has no ``Meta`` (``model``/``fields`` would only
generate filters it already declares).
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

#: Largest primary key of a ``BigAutoField`` (PostgreSQL ``bigint``, SQLite ``INTEGER``).
MAX_ID = 2**63 - 1
#: Latest moment a parameter may name: adding a day to it must still be a datetime.
LATEST = datetime(9998, 12, 31, tzinfo=UTC)
EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


class IdField(forms.IntegerField):
    """A primary key: an integer from 1 to :data:`MAX_ID`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class IsoDateTimeField(forms.DateTimeField):
    """An ISO 8601 date-time (a naive one is in the server's time zone) that exists, with a UTC
    offset within ±24 h, between years 1 and 9998 once in UTC."""

    default_error_messages: ClassVar[dict[str, Any]] = {
        "invalid": "Enter an ISO 8601 date-time, e.g. 2026-01-31T18:00:00+01:00.",
        "range": "Enter a date-time between the years 1 and 9998.",
    }

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        parsed: datetime | None
        if isinstance(value, datetime):
            parsed = value
        else:
            try:
                parsed = parse_datetime(str(value).strip())
            except ValueError:  # a date that does not exist, an offset past 24 h
                parsed = None
            if parsed is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed)
            in_utc = parsed.astimezone(UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError(self.error_messages["range"], code="range") from None
        if not EARLIEST <= in_utc <= LATEST:
            raise forms.ValidationError(self.error_messages["range"], code="range")
        return parsed


class StrictBooleanField(forms.Field):
    """``true``/``false`` (also 1/0, yes/no, on/off); empty is no filter; anything else is an
    error rather than silently no filter (which ``NullBooleanField`` would make of it)."""

    default_error_messages: ClassVar[dict[str, Any]] = {"invalid": "Enter true or false."}

    def to_python(self, value: Any) -> bool | None:
        if value in self.empty_values:
            return None
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class _Typed(django_filters.Filter):
    """A filter parsed by its form field and documented in the schema as its schema type (with
    ``schema_extra`` and its ``help_text``). Subclasses name both as class keywords."""

    schema_type: ClassVar[OpenApiTypes] = OpenApiTypes.STR
    schema_extra: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, *, field_class: type[forms.Field], schema_type: OpenApiTypes,
                          schema_extra: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.field_class = field_class
        cls.schema_type = schema_type
        cls.schema_extra = schema_extra or {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schema = {**(build_basic_type(self.schema_type) or {}), **self.schema_extra}
        if self.extra.get("help_text"):
            schema["description"] = self.extra["help_text"]
        extend_schema_field(schema)(self)


class IdFilter(_Typed, field_class=IdField, schema_type=OpenApiTypes.INT,
               schema_extra={"minimum": 1, "maximum": MAX_ID}):
    """Rows whose ``field_name`` (a foreign key or primary key) is this id."""


class DateTimeFilter(_Typed, field_class=IsoDateTimeField, schema_type=OpenApiTypes.DATETIME):
    """An ISO 8601 date-time (see :class:`IsoDateTimeField`)."""


class DateFilter(_Typed, field_class=forms.DateField, schema_type=OpenApiTypes.DATE):
    """A calendar day, ``YYYY-MM-DD`` (what ``<input type="date">`` sends)."""


class ProbabilityFilter(_Typed, field_class=forms.FloatField, schema_type=OpenApiTypes.FLOAT,
                        schema_extra={"minimum": 0, "maximum": 1}):
    """A score from 0 to 1 (NaN and infinities refused)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0.0)
        kwargs.setdefault("max_value", 1.0)
        super().__init__(*args, **kwargs)


class BooleanFilter(_Typed, field_class=StrictBooleanField, schema_type=OpenApiTypes.BOOL):
    """``true`` or ``false`` (see :class:`StrictBooleanField`)."""


class UUIDFilter(_Typed, field_class=forms.UUIDField, schema_type=OpenApiTypes.UUID):
    """A UUID, with or without hyphens."""


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend: an invalid parameter raises DRF's ``ValidationError`` (400,
    keyed by the parameter's name)."""


def page_filter(filterset_class: type[django_filters.FilterSet], params: QueryDict, *,
                queryset: QuerySet) -> tuple[QuerySet, list[str]]:
    """For pages: ``queryset`` filtered by the valid parameters, and one message per invalid
    one (each dropped)."""
    filterset = filterset_class(params, queryset=queryset)
    if filterset.is_valid():
        return filterset.qs, []
    problems = [f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()]
    cleaned = params.copy()
    for name in filterset.errors:
        cleaned.pop(name, None)
    return filterset_class(cleaned, queryset=queryset).qs, problems

