"""Recording what a camera worker sees: incidents (with their still and clip), expiry.

An incident is written in two steps (see :class:`~webapp.cameras.models.CameraIncident`):
:func:`incident_open` when the monitor reports it (its clip's stored name is fixed then, so
alerts can link to it at once: the file view answers 404 until it exists), and
:func:`incident_clip_ready` when the clip is written. The first step is announced
(``signals.camera_incident_recorded``) once committed. Called from the worker's monitor
threads; each call is its own short transaction.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from webapp.cameras.models import Camera, CameraIncident
from webapp.cameras.signals import camera_incident_recorded
from webapp.core import storage as media

logger = logging.getLogger(__name__)


def incident_prefix(*, camera_id: int, incident_id: int) -> str:
    return f"cameras/{camera_id}/incidents/{incident_id}"


def _store_still(incident: CameraIncident, jpeg: bytes) -> None:
    name = f"{incident_prefix(camera_id=incident.camera_id, incident_id=incident.pk)}/peak.jpg"
    with media.local_output(name) as dest:
        dest.write_bytes(jpeg)
    incident.peak_jpeg = name


def incident_open(*, camera_id: int, key: str, label: str, onset_at: datetime,
                  end_at: datetime, peak_score: float, peak_jpeg: bytes | None,
                  ) -> CameraIncident:
    """Record an incident as it opens (idempotent by ``key``) and announce it after commit."""
    with transaction.atomic():
        incident, created = CameraIncident.objects.get_or_create(
            camera_id=camera_id, key=key,
            defaults={"label": label, "onset_at": onset_at, "end_at": end_at,
                      "peak_score": float(peak_score)})
        if not created:
            return incident
        prefix = incident_prefix(camera_id=camera_id, incident_id=incident.pk)
        incident.clip = f"{prefix}/clip.mp4"
        if peak_jpeg:
            _store_still(incident, peak_jpeg)
        incident.save(update_fields=["clip", "peak_jpeg"])
        transaction.on_commit(partial(_announce, incident.pk))
    logger.info("camera %s: incident %s opened: %s %.2f", camera_id, incident.pk, label,
                peak_score)
    return incident


def incident_clip_ready(*, camera_id: int, key: str, end_at: datetime, peak_score: float,
                        peak_jpeg: bytes | None, clip_path: Path | None, clip_error: str = "",
                        clip_start_at: datetime | None = None) -> CameraIncident | None:
    """The incident ended: store its clip (a local H.264 MP4, copied into private media) and
    its final end, peak and still. ``None`` when the incident is gone (camera deleted)."""
    incident = CameraIncident.objects.filter(camera_id=camera_id, key=key).first()
    if incident is None:
        return None
    incident.end_at, incident.clip_start_at = end_at, clip_start_at
    if peak_score > incident.peak_score and peak_jpeg:
        _store_still(incident, peak_jpeg)
    incident.peak_score = max(incident.peak_score, float(peak_score))
    if not clip_error and clip_path is not None and Path(clip_path).is_file():
        media.store_file(clip_path, incident.clip)
        incident.clip_ready = True
    else:
        incident.clip_error = (clip_error or "no clip was written")[:500]
    incident.save(update_fields=["end_at", "clip_start_at", "peak_score", "peak_jpeg",
                                 "clip_ready", "clip_error"])
    logger.info("camera %s: incident %s ended after %.1f s; clip %s", camera_id, incident.pk,
                incident.duration_sec, "stored" if incident.clip_ready else incident.clip_error)
    return incident


def _announce(incident_id: int) -> None:
    for receiver, result in camera_incident_recorded.send_robust(sender=CameraIncident,
                                                                 incident_id=incident_id):
        if isinstance(result, Exception):
            logger.error("camera incident %s: %r failed: %s", incident_id, receiver, result,
                         exc_info=result)


def incidents_expire(*, camera: Camera, now: datetime | None = None) -> int:
    """Delete ``camera``'s incidents older than its ``retention_days`` with their files;
    returns how many (0 days: kept forever)."""
    if not camera.retention_days:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=camera.retention_days)
    old = list(CameraIncident.objects.filter(camera=camera, onset_at__lt=cutoff)
               .values_list("pk", flat=True))
    for incident_id in old:
        media.delete_tree(incident_prefix(camera_id=camera.pk, incident_id=incident_id))
    CameraIncident.objects.filter(pk__in=old).delete()
    return len(old)
