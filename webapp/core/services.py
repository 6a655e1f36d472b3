"""Writes every app's services share (HackSoft's ``common/services.py``)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models

ModelT = TypeVar("ModelT", bound=models.Model)


def model_update(*, instance: ModelT, fields: Iterable[str],
                 data: Mapping[str, Any]) -> ModelT:
    """Set each of ``fields`` that ``data`` has on ``instance`` (others are left as they are)
    and save the row; returns ``instance``. Validation is the caller's: call it with cleaned
    values."""
    for field in fields:
        if field in data:
            setattr(instance, field, data[field])
    instance.save()
    return instance
