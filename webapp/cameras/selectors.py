"""Reads for cameras: lists and details for pages and the API, what a worker may run, the
ops page's leases. Cameras are staff-managed; incidents are readable by staff and by the
camera's owner (who receives its alerts)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from webapp.cameras.models import (
    Camera,
    CameraIncident,
    CameraProbe,
    CameraRuntime,
    CameraState,
)


def _visible(user: AbstractBaseUser | AnonymousUser) -> Q:
    return Q() if getattr(user, "is_staff", False) else Q(owner_id=user.pk)


def camera_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Camera]:
    """Cameras ``user`` may see (staff: all) with their runtime and model version."""
    return (Camera.objects.filter(_visible(user))
            .select_related("runtime", "model_version", "owner").order_by("name"))


def camera_get(*, user: AbstractBaseUser | AnonymousUser, camera_id: int | str) -> Camera:
    """One camera ``user`` may see (``Camera.DoesNotExist`` otherwise)."""
    return camera_list(user=user).get(pk=camera_id)


def camera_status(camera: Camera) -> dict[str, Any]:
    """State, metrics and score timeline of a camera (the page's polling, the API)."""
    runtime = camera.runtime
    return {
        "id": camera.pk, "state": runtime.state, "state_reason": runtime.state_reason,
        "state_since": runtime.state_since, "worker": runtime.worker,
        "fps_in": runtime.fps_in, "fps_scored": runtime.fps_scored, "lag_sec": runtime.lag_sec,
        "windows_scored": runtime.windows_scored, "windows_dropped": runtime.windows_dropped,
        "reconnects": runtime.reconnects, "last_seen_at": runtime.last_seen_at,
        "preview_at": runtime.preview_at, "threshold": camera.threshold,
        "scores": runtime.scores or {"labels": list(camera.watched_labels), "points": []},
    }


def incident_list(*, user: AbstractBaseUser | AnonymousUser,
                  camera_id: int | str | None = None) -> QuerySet[CameraIncident]:
    rows = CameraIncident.objects.filter(
        camera__in=camera_list(user=user).values("pk")).select_related("camera")
    return rows if camera_id is None else rows.filter(camera_id=camera_id)


def incident_get(*, user: AbstractBaseUser | AnonymousUser,
                 incident_id: int | str) -> CameraIncident:
    return incident_list(user=user).get(pk=incident_id)


def incident_for_alert(*, incident_id: int | str) -> CameraIncident | None:
    """The incident with its camera (for subscribers building alerts); ``None`` if gone."""
    return (CameraIncident.objects.select_related("camera", "camera__model_version")
            .filter(pk=incident_id).first())


def probe_list(*, camera_id: int | str | None = None, limit: int = 20) -> list[CameraProbe]:
    rows = CameraProbe.objects.select_related("user")
    if camera_id is not None:
        rows = rows.filter(camera_id=camera_id)
    return list(rows[:limit])


def schedule_active(schedule: list[dict[str, Any]], *, now: datetime | None = None) -> bool:
    """Whether a camera's ``schedule`` (``[]``: always) covers ``now`` (server time zone)."""
    if not schedule:
        return True
    local = timezone.localtime(now or timezone.now())
    weekday, clock = local.weekday(), local.time().replace(second=0, microsecond=0)
    for window in schedule:
        start, end = time.fromisoformat(window["start"]), time.fromisoformat(window["end"])
        days = window.get("days", range(7))
        if start < end:
            if weekday in days and start <= clock < end:
                return True
        elif (weekday in days and clock >= start) or ((weekday - 1) % 7 in days
                                                     and clock < end):
            return True  # a window past midnight: its evening, then the next morning
    return False


def cameras_runnable(*, now: datetime | None = None) -> list[Camera]:
    """Enabled cameras whose schedule covers ``now``, with their model version."""
    return [camera for camera in Camera.objects.filter(enabled=True)
            .select_related("model_version").order_by("pk")
            if schedule_active(camera.schedule, now=now)]


def cameras_offline(*, since: datetime, now: datetime | None = None,
                    ) -> list[tuple[Camera, datetime]]:
    """Enabled cameras, within their schedule, that have not been live since before
    ``since``, each with the moment it stopped being live: the start of its current state,
    or, for one still marked live, the last time a worker wrote to it (a dead worker)."""
    offline = []
    for camera in cameras_runnable(now=now):
        runtime = CameraRuntime.objects.filter(camera=camera).first()
        if runtime is None:
            continue
        if runtime.state == CameraState.LIVE:
            gone_at = runtime.last_seen_at
        else:
            gone_at = runtime.state_since or camera.created_at
        if gone_at is not None and gone_at < since:
            offline.append((camera, gone_at))
    return offline


def camera_for_worker(*, camera_id: int) -> Camera | None:
    return Camera.objects.select_related("model_version").filter(pk=camera_id).first()


def runtime_preview(*, camera_id: int | str) -> tuple[bytes | None, datetime | None]:
    """The camera's latest preview still (JPEG bytes) and when it was taken."""
    row = (CameraRuntime.objects.filter(camera_id=camera_id)
           .values("preview_jpeg", "preview_at").first())
    if row is None or row["preview_jpeg"] is None:
        return None, None
    return bytes(row["preview_jpeg"]), row["preview_at"]


def camera_leases() -> list[dict[str, Any]]:
    """The ops view: which worker holds which camera, its state and metrics (JSON-able)."""
    rows = (CameraRuntime.objects.select_related("camera").order_by("camera__name")
            .defer("preview_jpeg", "scores"))
    now = timezone.now()
    return [{
        "camera": row.camera_id, "name": row.camera.name, "enabled": row.camera.enabled,
        "worker": row.worker,
        "lease_expires_at": row.lease_expires_at.isoformat() if row.lease_expires_at else None,
        "lease_held": bool(row.worker and row.lease_expires_at and row.lease_expires_at >= now),
        "state": row.state, "state_reason": row.state_reason,
        "fps_in": round(row.fps_in, 2), "fps_scored": round(row.fps_scored, 2),
        "lag_sec": round(row.lag_sec, 2), "windows_scored": row.windows_scored,
        "windows_dropped": row.windows_dropped, "reconnects": row.reconnects,
        "last_seen_at": row.last_seen_at.isoformat() if row.last_seen_at else None,
    } for row in rows]


def camera_stats() -> list[dict[str, Any]]:
    """Each camera's numbers for Prometheus, keyed as ``webapp.core.metrics.CameraStats``
    (``fps_out``: windows scored per second, as the monitor reports it)."""
    rows = (CameraRuntime.objects.select_related("camera").order_by("camera__name")
            .only("camera__name", "state", "fps_in", "fps_scored", "lag_sec", "reconnects",
                  "windows_dropped"))
    return [{"camera": row.camera.name, "state": row.state, "fps_in": row.fps_in,
             "fps_out": row.fps_scored, "lag_sec": row.lag_sec, "reconnects": row.reconnects,
             "dropped_windows": row.windows_dropped} for row in rows]


def stored_names() -> Iterable[str]:
    """Stored names the incidents refer to (retention's orphan sweep keeps them)."""
    for still, clip in CameraIncident.objects.values_list("peak_jpeg", "clip").iterator():
        if still:
            yield still
        if clip:
            yield clip
