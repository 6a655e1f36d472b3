from __future__ import annotations

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "webapp.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        """Subscribe to succeeded analyses (and have analyses score the rules' labels) and
        camera incidents, own the alert media (retention, deletion), count alerts by state
        for ``/metrics``."""
        from django.db.models.signals import post_delete  # noqa: PLC0415

        from webapp.alerts import selectors, services  # noqa: PLC0415
        from webapp.alerts.models import Alert  # noqa: PLC0415
        from webapp.cameras.signals import camera_incident_recorded  # noqa: PLC0415
        from webapp.core.metrics import counts_family, register_collector  # noqa: PLC0415
        from webapp.core.retention import MediaOwner, media_owner_register  # noqa: PLC0415
        from webapp.videos.signals import (  # noqa: PLC0415
            analysis_labels_wanted,
            analysis_succeeded,
        )

        analysis_succeeded.connect(services.on_analysis_succeeded,
                                   dispatch_uid="alerts.evaluate_analysis")
        analysis_labels_wanted.connect(services.on_analysis_labels_wanted,
                                       dispatch_uid="alerts.rule_labels_scored")
        camera_incident_recorded.connect(services.on_camera_incident_recorded,
                                         dispatch_uid="alerts.evaluate_camera_incident")
        post_delete.connect(services.on_alert_deleted, sender=Alert,
                            dispatch_uid="alerts.alert_media_remove")
        media_owner_register(self.label, MediaOwner(referenced=selectors.stored_names))
        register_collector("alerts", lambda: [counts_family(
            "vigil_alerts", "Alerts (incidents) by state.", label="state",
            counts=selectors.alert_counts_by_state())])
