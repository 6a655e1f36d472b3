"""What videos announce to the apps above them (they subscribe in ``AppConfig.ready``)."""
from __future__ import annotations

from django.dispatch import Signal

#: Sent once the transaction that recorded a succeeded analysis commits (sender: ``Analysis``;
#: keyword ``analysis_id``). Receivers must not raise (failures are logged, then ignored).
analysis_succeeded = Signal()
