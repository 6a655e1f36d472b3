"""What cameras announce to the apps above them (they subscribe in ``AppConfig.ready``)."""
from __future__ import annotations

from django.dispatch import Signal

#: Sent once the transaction that recorded a camera incident commits (sender:
#: ``CameraIncident``; keyword ``incident_id``). Receivers must not raise.
camera_incident_recorded = Signal()
