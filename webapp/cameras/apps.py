from __future__ import annotations

from django.apps import AppConfig


class CamerasConfig(AppConfig):
    name = "webapp.cameras"
    label = "cameras"
    verbose_name = "Live cameras"

    def ready(self) -> None:
        """Tell core what cameras own: incident stills and clips (the orphan sweep keeps them;
        each camera's own ``retention_days`` expires them), and the ops page's leases."""
        from webapp.cameras import selectors  # noqa: PLC0415
        from webapp.core.retention import MediaOwner, media_owner_register  # noqa: PLC0415
        from webapp.core.selectors import ops_section_register  # noqa: PLC0415

        media_owner_register(self.label, MediaOwner(referenced=selectors.stored_names))
        ops_section_register("cameras", selectors.camera_leases)
