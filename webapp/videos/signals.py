"""What videos announce to the apps above them (they subscribe in ``AppConfig.ready``)."""
from __future__ import annotations

from django.dispatch import Signal

#: Sent once the transaction that recorded a succeeded analysis commits (sender: ``Analysis``;
#: keyword ``analysis_id``). Receivers must not raise (failures are logged, then ignored).
analysis_succeeded = Signal()

#: Sent while a worker configures an analysis' pipeline (sender: ``Analysis``; keyword
#: ``analysis``). Each receiver returns the labels whose scores the stored segments must carry
#: besides the watched ones and the top-k (alerts: the labels of the rules that apply), so
#: whatever is evaluated on the segments later finds them. A failing receiver is logged.
analysis_labels_wanted = Signal()
