from __future__ import annotations

from django.apps import AppConfig


class CamerasConfig(AppConfig):
    name = "webapp.cameras"
    label = "cameras"
    verbose_name = "Live cameras"

    def ready(self) -> None:
        """Tell core what cameras own: incident stills and clips (the orphan sweep keeps them;
        each camera's own ``retention_days`` expires them), the ops page's leases, and each
        camera's numbers for ``/metrics``."""
        from webapp.cameras import selectors  # noqa: PLC0415
        from webapp.core.metrics import CameraStats, camera_families, register_collector  # noqa: PLC0415
        from webapp.core.retention import MediaOwner, media_owner_register  # noqa: PLC0415
        from webapp.core.selectors import ops_section_register  # noqa: PLC0415

        media_owner_register(self.label, MediaOwner(referenced=selectors.stored_names))
        ops_section_register("cameras", selectors.camera_leases)
        register_collector("cameras", lambda: camera_families(
            CameraStats(**row) for row in selectors.camera_stats()))
