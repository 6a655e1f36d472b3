from __future__ import annotations

from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    name = "webapp.core"
    label = "core"
    verbose_name = "Vigil core"

    def ready(self) -> None:
        """Create the media, upload and static folders; open and close each request's log
        context (its request id)."""
        from django.core.signals import request_finished, request_started  # noqa: PLC0415

        from webapp.core import logs  # noqa: PLC0415

        request_started.connect(logs.on_request_started, dispatch_uid="core.request_id_open")
        request_finished.connect(logs.on_request_finished, dispatch_uid="core.request_id_close")
        for folder in (settings.MEDIA_ROOT, settings.FILE_UPLOAD_TEMP_DIR, settings.STATIC_ROOT):
            Path(folder).mkdir(parents=True, exist_ok=True)
