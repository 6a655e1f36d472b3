from __future__ import annotations

from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    name = "webapp.core"
    label = "core"
    verbose_name = "Vigil core"

    def ready(self) -> None:
        for folder in (settings.MEDIA_ROOT, settings.FILE_UPLOAD_TEMP_DIR, settings.STATIC_ROOT):
            Path(folder).mkdir(parents=True, exist_ok=True)
