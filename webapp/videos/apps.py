from __future__ import annotations

from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "webapp.videos"
    label = "videos"
    verbose_name = "Videos and analyses"
