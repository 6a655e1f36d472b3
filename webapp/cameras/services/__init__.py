"""Writes for cameras, one module per concern:

- :mod:`.cameras`: adding, editing, deleting cameras; "test connection";
- :mod:`.leases`: which camera worker holds which camera, and its runtime writes;
- :mod:`.incidents`: incidents with their still and clip, and their expiry.
"""
from __future__ import annotations

from webapp.cameras.services.cameras import (
    CAMERA_FIELDS,
    camera_create,
    camera_delete,
    camera_probe,
    camera_update,
    camera_url,
    schedule_clean,
    url_clean,
)
from webapp.cameras.services.incidents import (
    incident_clip_ready,
    incident_open,
    incidents_expire,
)
from webapp.cameras.services.leases import (
    lease_claim,
    lease_release,
    leases_renew,
    runtime_write,
)

__all__ = [
    "CAMERA_FIELDS", "camera_create", "camera_delete", "camera_probe",
    "camera_update", "camera_url", "incident_clip_ready", "incident_open", "incidents_expire",
    "lease_claim",
    "lease_release", "leases_renew", "runtime_write", "schedule_clean", "url_clean",
]
