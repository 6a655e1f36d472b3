"""Reads for model versions (shared by all users; inactive ones only for staff)."""
from __future__ import annotations

import re
from functools import cache
from importlib import resources

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet

from webapp.models_registry.models import ModelKind, ModelVersion


def _without_untrained(versions: QuerySet[ModelVersion]) -> QuerySet[ModelVersion]:
    """Random-weight versions are hidden unless ``VIGIL_SHOW_UNTRAINED`` (development, tests)."""
    return versions if settings.VIGIL_SHOW_UNTRAINED else versions.exclude(weights="none")


def model_version_list(*, user: User) -> QuerySet[ModelVersion]:
    versions = _without_untrained(ModelVersion.objects.all())
    if not getattr(user, "is_staff", False):
        versions = versions.filter(is_active=True)
    return versions.order_by("-is_default", "name")


def model_version_analysable() -> QuerySet[ModelVersion]:
    """Versions an analysis may use: active classifiers with trained weights (no ImageNet
    backbones, no stand-alone flow streams, no random weights)."""
    return _without_untrained(ModelVersion.objects.filter(
        is_active=True, kind=ModelKind.CLASSIFIER)).order_by("-is_default", "name")


def model_version_labels() -> set[str]:
    """Every label of the versions an analysis may use (:func:`model_version_analysable`)."""
    return {label for labels in model_version_analysable().values_list("labels", flat=True)
            for label in labels or ()}


def model_version_get(*, user: User, pk: int) -> ModelVersion:
    """Raises ``ModelVersion.DoesNotExist`` when unknown or inactive (for non-staff)."""
    return model_version_list(user=user).get(pk=pk)


def model_version_default() -> ModelVersion | None:
    """The promoted default, else the first analysable version."""
    analysable = model_version_analysable()
    return (analysable.filter(is_default=True).first()
            or analysable.order_by("name").first())


#: Label sets users know by name: a version whose labels hold a whole set is said to detect it.
NAMED_LABEL_SETS = (("kinetics400", "Kinetics-400 actions"),)
#: Labels that mean "none of it" (``no_fight``, ``normal``): not what a detector detects.
NEGATIVE_LABEL = re.compile(r"(no|not|non)[_ -].*|normal|background|other|none|nothing",
                            re.IGNORECASE)


@cache
def _label_set(name: str) -> frozenset[str]:
    """A label set bundled with ``inference`` (read as text: no torch import here)."""
    text = (resources.files("inference") / "models" / "labels" / f"{name}.txt").read_text(
        encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def _words(label: str) -> str:
    return label.replace("_", " ").strip()


def model_version_detects(version: ModelVersion) -> str:
    """What ``version`` detects, as users choose it: ``"Fight detector"``, ``"Kinetics-400
    actions"``, ``"Kinetics-400 actions and fight"``, ``"5 actions (a, b, c, …)"``."""
    labels = [str(label) for label in version.labels]
    named, rest = [], labels
    for set_name, words in NAMED_LABEL_SETS:
        known = _label_set(set_name)
        if known <= set(labels):
            named.append(words)
            rest = [label for label in rest if label not in known]
    positives = [_words(label) for label in rest if not NEGATIVE_LABEL.fullmatch(label)]
    if named:
        return " and ".join(named + positives[:3])
    if not positives:
        return "Classifier without labels"
    if len(positives) <= 3:
        joined = (positives[0] if len(positives) == 1
                  else ", ".join(positives[:-1]) + " and " + positives[-1])
        return f"{joined[:1].upper()}{joined[1:]} detector"
    return f"{len(positives)} actions ({', '.join(positives[:3])}, …)"


def model_version_accuracy(version: ModelVersion) -> str:
    """Its measured accuracy in words (``"86% CV accuracy"``), empty when unmeasured: grouped
    cross-validation when there was one, else the best epoch's validation accuracy."""
    metrics = version.metrics or {}
    cv_metrics = metrics.get("cv")
    cv = cv_metrics if isinstance(cv_metrics, dict) else {}
    for value, words in ((cv.get("accuracy_mean"), "CV accuracy"),
                         (metrics.get("val_accuracy"), "validation accuracy")):
        if isinstance(value, int | float) and not isinstance(value, bool) \
                and 0 <= value <= 1:
            return f"{value:.0%} {words}"
    return ""


def model_version_title(version: ModelVersion) -> str:
    """How a model picker names ``version``: what it detects, how well, then its registry
    name as detail: ``"Fight detector — 86% CV accuracy (fight_detector)"``. The one label
    of a version in every form and in the API (``title``)."""
    quality = "random weights" if version.untrained else model_version_accuracy(version)
    return (model_version_detects(version) + (f" — {quality}" if quality else "")
            + f" ({version.name})")
