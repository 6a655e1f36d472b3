"""Adding, editing and deleting cameras, and "test connection" (every attempt recorded).

Only staff call these (the views and API check it): a camera URL may point at any private
address, which is what cameras on a LAN have, so who may enter one is the safeguard.
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from inference.errors import StreamError
from inference.live.source import check_url, redact_url
from webapp.cameras.models import Camera, CameraProbe, CameraRuntime
from webapp.cameras.secrets import url_decrypt, url_encrypt
from webapp.core import storage as media
from webapp.models_registry.models import ModelVersion

logger = logging.getLogger(__name__)

#: Fields :func:`camera_update` may change (``url`` is re-encrypted).
CAMERA_FIELDS = ("name", "url", "model_version", "watched_labels", "threshold",
                 "label_thresholds", "schedule", "source_tag", "retention_days", "enabled")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def url_clean(url: str) -> str:
    """A stream URL the worker may open (``inference.live``'s own check: an allowed scheme, a
    host, no spaces or control characters); ``ValidationError`` on ``url`` otherwise."""
    url = url.strip()
    try:
        check_url(url)
    except StreamError as exc:
        reason = exc.message[:1].upper() + exc.message[1:]
        raise ValidationError({"url": [f"{reason}."]}) from None
    return url


def schedule_clean(schedule: object) -> list[dict[str, Any]]:
    """``[]`` (always) or windows ``{"days": [0..6], "start": "HH:MM", "end": "HH:MM"}``;
    an ``end`` before ``start`` runs past midnight."""
    if not schedule:
        return []
    if not isinstance(schedule, list):
        raise ValidationError({"schedule": ["A list of time windows."]})
    windows = []
    for window in schedule:
        if not isinstance(window, Mapping):
            raise ValidationError({"schedule": ["Each window is an object."]})
        days = window.get("days", list(range(7)))
        start, end = str(window.get("start", "")), str(window.get("end", ""))
        if (not isinstance(days, list) or not days
                or not all(isinstance(d, int) and 0 <= d <= 6 for d in days)):
            raise ValidationError({"schedule": ["days: weekday numbers 0 (Monday) to 6."]})
        if not _HHMM.match(start) or not _HHMM.match(end) or start == end:
            raise ValidationError({"schedule": ["start and end: different HH:MM times."]})
        windows.append({"days": sorted(set(days)), "start": start, "end": end})
    return windows


def _clean(values: Mapping[str, Any], *, instance: Camera | None) -> dict[str, Any]:
    out = dict(values)
    errors: dict[str, list[str]] = {}
    version = out.get("model_version", instance.model_version if instance else None)
    labels = out.get("watched_labels", instance.watched_labels if instance else [])
    if not isinstance(labels, Sequence) or isinstance(labels, str) or not labels:
        errors["watched_labels"] = ["Watch at least one label."]
    elif isinstance(version, ModelVersion):
        unknown = sorted(set(labels) - set(version.labels or []))
        if version.labels and unknown:
            errors["watched_labels"] = [f"Not labels of {version.name}: {', '.join(unknown)}."]
    thresholds = out.get("label_thresholds") or {}
    if not isinstance(thresholds, Mapping) or not all(
            isinstance(v, int | float) and 0.0 <= v <= 1.0 for v in thresholds.values()):
        errors["label_thresholds"] = ["Label -> threshold between 0 and 1."]
    if not 0.0 <= float(out.get("threshold", 0.5)) <= 1.0:
        errors["threshold"] = ["Between 0 and 1."]
    if errors:
        raise ValidationError(errors)
    if "url" in out:
        out["url"] = url_clean(out["url"])
    if "schedule" in out:
        out["schedule"] = schedule_clean(out["schedule"])
    return out


def _set_url(camera: Camera, url: str) -> None:
    camera.url_encrypted = url_encrypt(url)
    camera.url_masked = redact_url(url)


def camera_create(*, owner: User, name: str, url: str,
                  model_version: ModelVersion, watched_labels: Sequence[str],
                  threshold: float = 0.5, label_thresholds: Mapping[str, float] | None = None,
                  schedule: Sequence[Mapping[str, Any]] = (), source_tag: str = "",
                  retention_days: int = 30, enabled: bool = True) -> Camera:
    """A new camera (its URL encrypted) with a stopped runtime row."""
    values = _clean({"url": url, "model_version": model_version,
                     "watched_labels": list(watched_labels), "threshold": threshold,
                     "label_thresholds": dict(label_thresholds or {}),
                     "schedule": list(schedule)}, instance=None)
    camera = Camera(owner=owner, name=name, model_version=model_version,
                    watched_labels=list(watched_labels), threshold=threshold,
                    label_thresholds=values["label_thresholds"], schedule=values["schedule"],
                    source_tag=source_tag, retention_days=retention_days, enabled=enabled)
    _set_url(camera, values["url"])
    camera.full_clean(exclude=["url_encrypted", "url_masked"])
    with transaction.atomic():
        camera.save()
        CameraRuntime.objects.create(camera=camera)
    logger.info("camera %s (%s) added: %s", camera.pk, camera.name, camera.url_masked)
    return camera


def camera_update(*, camera: Camera, **changes: Any) -> Camera:
    """Change ``changes`` (names in :data:`CAMERA_FIELDS`); a worker running the camera sees
    ``updated_at`` move and restarts it with the new settings. A blank ``url`` keeps it."""
    unknown = set(changes) - set(CAMERA_FIELDS)
    if unknown:
        raise TypeError(f"not camera fields: {sorted(unknown)}")
    if not changes.get("url", "x"):
        changes.pop("url")
    values = _clean(changes, instance=camera)
    for name, value in values.items():
        if name == "url":
            _set_url(camera, value)
        else:
            setattr(camera, name, value)
    camera.full_clean(exclude=["url_encrypted", "url_masked"])
    camera.save()
    logger.info("camera %s (%s) changed: %s", camera.pk, camera.name, ", ".join(sorted(values)))
    return camera


def camera_delete(*, camera: Camera) -> None:
    """Delete the camera with its incidents; their files go once the deletion commits."""
    prefix = f"cameras/{camera.pk}"
    camera.delete()
    transaction.on_commit(partial(media.delete_tree, prefix))


def camera_url(*, camera: Camera) -> str:
    """The camera's stream URL in clear (for the worker and probes only, never for pages)."""
    return url_decrypt(camera.url_encrypted)


def camera_probe(*, url: str | None = None, camera: Camera | None = None,
                 user: User | None) -> CameraProbe:
    """Test a stream (``url``, or ``camera``'s stored one) through the restricted probe of
    ``inference.live`` and record the attempt, whatever its outcome (and log it)."""
    from inference.errors import VigilError  # noqa: PLC0415
    from inference.live import probe_stream  # noqa: PLC0415  (PyAV: loaded when used)

    if url is None:
        if camera is None:
            raise TypeError("camera_probe needs a url or a camera")
        url = camera_url(camera=camera)
    url = url_clean(url)
    record = CameraProbe(camera=camera, user=user, url_masked=redact_url(url), ok=False)
    started = time.monotonic()
    try:
        info = probe_stream(url, timeout_sec=settings.VIGIL_CAMERA_PROBE_TIMEOUT_SEC)
    except VigilError as exc:
        record.error_code, record.error = exc.code[:64], exc.message
    except Exception as exc:  # a probe must always be recorded
        logger.exception("camera probe of %s crashed", record.url_masked)
        record.error_code, record.error = "probe_failed", str(exc) or type(exc).__name__
    else:
        record.ok = True
        record.codec, record.width, record.height = info.codec, info.width, info.height
        record.fps = info.fps
    record.duration_sec = round(time.monotonic() - started, 3)
    record.save()
    logger.info("camera probe by %s of %s: %s", getattr(user, "pk", None), record.url_masked,
                "ok" if record.ok else f"{record.error_code}: {record.error}")
    return record
