"""Recording what a camera worker sees: incidents (with their still and clip), expiry.

Called from the worker's monitor threads; each call uses its own short transaction. An
incident is announced (``signals.camera_incident_recorded``) once its row and files are
committed, so subscribers (alerts) always find both.
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


def incident_record(*, camera_id: int, label: str, onset_at: datetime, end_at: datetime,
                    peak_score: float, peak_jpeg: bytes | None, clip_path: Path | None,
                    ) -> CameraIncident:
    """Store an incident, its peak still (JPEG bytes) and its clip (a local H.264 MP4, copied
    into private media), then announce it after commit."""
    with transaction.atomic():
        incident = CameraIncident.objects.create(
            camera_id=camera_id, label=label, onset_at=onset_at, end_at=end_at,
            peak_score=float(peak_score))
        prefix = incident_prefix(camera_id=camera_id, incident_id=incident.pk)
        fields = []
        if peak_jpeg:
            name = f"{prefix}/peak.jpg"
            with media.local_output(name) as dest:
                dest.write_bytes(peak_jpeg)
            incident.peak_jpeg = name
            fields.append("peak_jpeg")
        if clip_path is not None and Path(clip_path).is_file():
            incident.clip = media.store_file(clip_path, f"{prefix}/clip.mp4")
            fields.append("clip")
        if fields:
            incident.save(update_fields=fields)
        transaction.on_commit(partial(_announce, incident.pk))
    logger.info("camera %s: incident %s %s %.2f (%.1f s)", camera_id, incident.pk, label,
                peak_score, incident.duration_sec)
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
