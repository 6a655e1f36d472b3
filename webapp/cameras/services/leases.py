"""Camera leases: which camera worker runs which camera.

A lease is ``(worker, lease_expires_at)`` on the camera's :class:`CameraRuntime` row. Every
change is ONE conditional UPDATE, so the database decides races: claiming succeeds only where
the lease is free, expired or already ours (PostgreSQL re-checks the WHERE clause of a row
another transaction just changed, so two claimers of one camera never both get a row); renewing
and writing succeed only while the lease is still ours. A worker that stops renewing (killed,
frozen, cut off) loses its cameras when their leases expire, and another worker claims them.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from webapp.cameras.models import Camera, CameraRuntime, CameraState


def _lease_sec(lease_sec: float | None) -> timedelta:
    return timedelta(seconds=lease_sec if lease_sec is not None
                     else settings.VIGIL_CAMERA_LEASE_SEC)


def lease_claim(*, camera_id: int, worker: str, lease_sec: float | None = None,
                now: datetime | None = None) -> bool:
    """Take (or keep) the lease of ``camera_id`` for ``worker``; whether it is now ours."""
    now = now or timezone.now()
    if not Camera.objects.filter(pk=camera_id, enabled=True).exists():
        return False
    # One table only: a filter across the join (camera__enabled) makes Django write
    # ``WHERE camera_id IN (SELECT ...)``, whose lease test runs on the statement's snapshot
    # and is not re-checked on a row another claimer just changed; then several claimers of
    # one camera each "win" (the concurrent-claims test saw three of eight).
    free = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now) | Q(worker=worker)
    return bool(CameraRuntime.objects.filter(camera_id=camera_id).filter(free)
                .update(worker=worker, lease_expires_at=now + _lease_sec(lease_sec)))


def leases_renew(*, camera_ids: Iterable[int], worker: str, lease_sec: float | None = None,
                 now: datetime | None = None) -> set[int]:
    """Extend ``worker``'s leases on ``camera_ids`` that nobody else took; returns the ids it
    still holds. The caller stops every other camera it runs.

    A lease that ran out but was not claimed by another worker is still ours (``worker`` is
    only ever changed by a claim), so a worker that was briefly late keeps its cameras.
    """
    now = now or timezone.now()
    expires = now + _lease_sec(lease_sec)
    ids = list(camera_ids)
    CameraRuntime.objects.filter(camera_id__in=ids, worker=worker).update(
        lease_expires_at=expires)
    return set(CameraRuntime.objects.filter(camera_id__in=ids, worker=worker)
               .values_list("camera_id", flat=True))


def lease_release(*, camera_id: int, worker: str, state: str = CameraState.STOPPED,
                  reason: str = "") -> bool:
    """Give the lease up at once (another worker may claim the camera right away)."""
    return bool(CameraRuntime.objects.filter(camera_id=camera_id, worker=worker).update(
        worker="", lease_expires_at=None, state=state, state_reason=reason[:500],
        state_since=timezone.now(), fps_in=0.0, fps_scored=0.0, lag_sec=0.0))


def runtime_write(*, camera_id: int, worker: str, **fields: Any) -> bool:
    """Write the worker's ``fields`` (state, metrics, preview ...) while it holds the lease;
    whether it still does."""
    return bool(CameraRuntime.objects.filter(camera_id=camera_id, worker=worker)
                .update(**fields))
