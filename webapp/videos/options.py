"""Analysis options: one value, :class:`AnalysisOptions`, made by one cleaner.

:func:`analysis_options_clean` is the only check of analysis options. The API serializers and
the upload and re-run forms call it once and hand its :class:`AnalysisOptions` to the services
(``analysis_start(options=...)``, ``video_upload(analysis_options=...)``), which clean raw
keyword options only for callers without a form (re-scores, commands, tests). Alert rules check
their labels with :func:`watched_labels_clean`. An option that can never work is refused at
submission (400 naming the field) instead of failing in a worker: a device this deployment has
no worker for (``cuda`` without GPU workers, ``cuda:abc``, ``"cuda:0\\n"``), fusion weights that
are all zero, a stream the model has no network for (``flow`` on ``r2plus1d_18``), RAFT flow
without a GPU. Forms offer only what :func:`device_choices` and :func:`flow_methods_available`
return. The default model version is looked up in one place,
:func:`webapp.models_registry.selectors.model_version_default`.
"""
from __future__ import annotations

import difflib
import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from inference.types import FLOW_METHODS, MODALITIES
from webapp.core.devices import cuda_device_count, gpu_workers_available
from webapp.models_registry.models import ModelVersion
from webapp.models_registry.selectors import model_version_default

#: ``cpu``, ``auto`` (CUDA when the worker has it), ``cuda`` or ``cuda:N``; nothing around it.
DEVICE_RE = re.compile(r"cpu|auto|cuda(?::(\d{1,2}))?")
MAX_WATCHED_LABELS = 20
SECONDS_RANGE = (0.1, 60.0)
#: Flow methods that run only on a GPU.
GPU_FLOW_METHODS = ("raft",)


@dataclass(frozen=True)
class AnalysisOptions:
    """Checked options of one analysis, as the ``Analysis`` row stores them (seconds, a
    probability threshold, a device string); made only by :func:`analysis_options_clean`."""

    model_version: ModelVersion
    segment_sec: float
    stride_sec: float
    labels: list[str]
    threshold: float
    device: str
    modalities: list[str] = field(default_factory=list)
    fusion_weights: dict[str, float] = field(default_factory=dict)
    flow_method: str = "dis"

    def as_fields(self) -> dict[str, Any]:
        """The ``Analysis`` model fields these options set."""
        return {**asdict(self), "model_version": self.model_version}


def device_choices() -> list[tuple[str, str]]:
    """Devices a form offers: CPU, and the GPU ones only when a GPU worker exists."""
    choices = [("cpu", "CPU")]
    if gpu_workers_available():
        choices += [("cuda", "GPU (CUDA)"), ("auto", "GPU when the worker has one")]
    return choices


def flow_methods_available() -> tuple[str, ...]:
    """Flow methods this deployment can run (RAFT only with a GPU worker)."""
    return tuple(m for m in FLOW_METHODS
                 if m not in GPU_FLOW_METHODS or gpu_workers_available())


def _number(value: Any, name: str, low: float, high: float, errors: dict[str, str]) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or not low <= value <= high:
        errors[name] = f"{name} must be a number between {low:g} and {high:g}"
        return low
    return float(value)


def _device(device: str, errors: dict[str, str]) -> str:
    match = DEVICE_RE.fullmatch(device) if isinstance(device, str) else None
    if match is None:
        errors["device"] = "device must be cpu, cuda, cuda:N or auto"
    elif device.startswith("cuda"):
        if not gpu_workers_available():
            errors["device"] = ("no GPU worker: this deployment runs analyses on the CPU only "
                                "(VIGIL_GPU_WORKERS is off)")
        elif match.group(1) is not None and int(match.group(1)) >= cuda_device_count():
            errors["device"] = (f"{device}: a GPU worker has {cuda_device_count()} CUDA "
                                "device(s) (VIGIL_GPU_DEVICES)")
    return device


def unknown_labels_message(unknown: Sequence[str], *, known: Collection[str], of: str) -> str:
    """``unknown label(s) for <of>: 'x'. Did you mean 'y'?``: the closest known label
    (:func:`difflib.get_close_matches`) of each unknown one that has a close one."""
    message = f"unknown label(s) for {of}: " + ", ".join(repr(label) for label in unknown[:5])
    matches = dict.fromkeys(match for label in unknown[:5]
                            for match in difflib.get_close_matches(label, known, n=1))
    if matches:
        message += ". Did you mean " + " or ".join(repr(match) for match in matches) + "?"
    return message


def watched_labels_clean(labels: Iterable[str], *, version: ModelVersion | None,
                         errors: dict[str, str]) -> list[str]:
    """Labels stripped, blanks and repeats dropped; ``errors["labels"]`` when one is not a
    label of ``version`` (any label goes without a version, or one without a label list) or
    there are more than :data:`MAX_WATCHED_LABELS`. Analyses and alert rules share it."""
    cleaned = list(dict.fromkeys(label.strip() for label in labels if label and label.strip()))
    known = set(version.labels) if version is not None else set()
    unknown = [label for label in cleaned if known and label not in known]
    if unknown and version is not None:
        errors["labels"] = unknown_labels_message(unknown, known=known, of=version.name)
    if len(cleaned) > MAX_WATCHED_LABELS:
        errors["labels"] = f"watch at most {MAX_WATCHED_LABELS} labels"
    return cleaned


def _missing_streams(version: ModelVersion, modalities: list[str]) -> list[str]:
    """Modalities of ``modalities`` for which the version's architecture has no network."""
    own = tuple((version.input_spec or {}).get("modalities") or ("rgb",))
    others = [m for m in modalities if m not in own]
    if not others:
        return []
    from inference import models as registry  # noqa: PLC0415  (torch: only when asked)
    from inference.errors import ModelError  # noqa: PLC0415
    from inference.pipeline import stream_model_name  # noqa: PLC0415

    missing = []
    for modality in others:
        try:
            registry.get(stream_model_name(version.arch, modality))
        except ModelError:
            missing.append(modality)
    return missing


def _streams(version: ModelVersion, *, modalities: Iterable[str],
             fusion_weights: Mapping[str, Any], flow_method: str, device: str,
             errors: dict[str, str]) -> list[str]:
    cleaned = list(dict.fromkeys(m.strip() for m in modalities if m and m.strip()))
    unknown = [m for m in cleaned if m not in MODALITIES]
    if unknown:
        errors["modalities"] = f"unknown modality {unknown[0]!r}; known: {', '.join(MODALITIES)}"
    elif missing := _missing_streams(version, cleaned):
        errors["modalities"] = (f"{version.name} has no {missing[0]} stream "
                                f"({version.arch}.{missing[0]} is not a registered model)")
    streams = cleaned or ["rgb"]
    weights = list(fusion_weights.values())
    if extra := [m for m in fusion_weights if m not in streams]:
        errors["fusion_weights"] = f"weight for a stream not analysed: {extra[0]!r}"
    elif any(isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w)
             or w < 0 for w in weights):
        errors["fusion_weights"] = "fusion weights must be non-negative numbers"
    elif not any(fusion_weights.get(m, 1.0) > 0 for m in streams):  # missing weights are 1
        errors["fusion_weights"] = "at least one stream needs a weight above 0"
    if flow_method not in FLOW_METHODS:
        errors["flow_method"] = f"flow_method must be one of {', '.join(FLOW_METHODS)}"
    elif flow_method in GPU_FLOW_METHODS and (not gpu_workers_available()
                                             or not device.startswith(("cuda", "auto"))):
        errors["flow_method"] = (f"{flow_method} flow needs a GPU worker and device cuda; "
                                 f"use one of {', '.join(flow_methods_available())}")
    return cleaned


def analysis_options_clean(*, model_version: ModelVersion | None = None,
                           segment_sec: float | None = None, stride_sec: float | None = None,
                           labels: Iterable[str] = (), threshold: float | None = None,
                           device: str | None = None, modalities: Iterable[str] = (),
                           fusion_weights: Mapping[str, float] | None = None,
                           flow_method: str | None = None) -> AnalysisOptions:
    """Options with the deployment's defaults filled in, or ``ValidationError`` keyed by field
    (every problem at once). ``None`` means "the default"."""
    version = model_version or model_version_default()
    if version is None:
        raise ValidationError({"model_version": "no model version is available: run "
                                                "`python manage.py vigil_sync_models`"})
    errors: dict[str, str] = {}
    if not version.is_active:
        errors["model_version"] = f"model version {version.name} is not active"
    low, high = SECONDS_RANGE
    segment = _number(settings.VIGIL_DEFAULT_SEGMENT_SEC if segment_sec is None
                      else segment_sec, "segment_sec", low, high, errors)
    stride = _number(settings.VIGIL_DEFAULT_STRIDE_SEC if stride_sec is None else stride_sec,
                     "stride_sec", low, high, errors)
    threshold = _number(settings.VIGIL_DEFAULT_THRESHOLD if threshold is None else threshold,
                        "threshold", 0.0, 1.0, errors)
    device = _device(device or settings.VIGIL_DEFAULT_DEVICE, errors)
    watched = watched_labels_clean(labels, version=version, errors=errors)
    weights = dict(fusion_weights or {})
    flow_method = flow_method or "dis"
    streams = _streams(version, modalities=modalities, fusion_weights=weights,
                       flow_method=flow_method, device=device, errors=errors)
    if errors:
        raise ValidationError(errors)
    return AnalysisOptions(model_version=version, segment_sec=segment, stride_sec=stride,
                           labels=watched, threshold=threshold, device=device,
                           modalities=streams,
                           fusion_weights={k: float(v) for k, v in weights.items()},
                           flow_method=flow_method)
