from __future__ import annotations

from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "webapp.videos"
    label = "videos"
    verbose_name = "Videos and analyses"

    def ready(self) -> None:
        """Tell core what videos own: stored files (retention), the ops page's analyses and
        the analyses by status of ``/metrics``."""
        from webapp.core.metrics import register_job_counts  # noqa: PLC0415
        from webapp.core.retention import MediaOwner, media_owner_register  # noqa: PLC0415
        from webapp.core.selectors import ops_section_register  # noqa: PLC0415
        from webapp.videos import selectors, services  # noqa: PLC0415
        from webapp.videos.models import Analysis  # noqa: PLC0415

        media_owner_register(self.label, MediaOwner(
            referenced=selectors.stored_names, busy_prefixes=selectors.busy_output_prefixes,
            expire=services.videos_expire))
        ops_section_register("analyses", selectors.analyses_in_flight)
        register_job_counts("vigil_analyses", Analysis, documentation="Analyses by status.")
