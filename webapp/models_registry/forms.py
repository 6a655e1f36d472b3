"""The model picker of every analysis form (upload, re-run, cameras)."""
from __future__ import annotations

from typing import Any

from django import forms

from webapp.models_registry.models import ModelVersion
from webapp.models_registry.selectors import (
    model_version_analysable,
    model_version_default,
    model_version_title,
)


class AnalysableVersionField(forms.ModelChoiceField):
    """Active, trained classifiers (:func:`model_version_analysable`, looked up per form),
    each named by what it detects (:func:`model_version_title`), the default first and
    chosen."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", None)
        kwargs.setdefault("label", "Detector")
        super().__init__(queryset=ModelVersion.objects.none(), **kwargs)

    def refresh(self) -> None:
        """Read the versions now (a form's ``__init__`` calls it: settings and the catalogue
        change between requests)."""
        self.queryset = model_version_analysable()
        default = model_version_default()
        self.initial = default.pk if default is not None else None

    def label_from_instance(self, obj: ModelVersion) -> str:
        return model_version_title(obj)
