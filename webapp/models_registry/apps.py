from __future__ import annotations

from django.apps import AppConfig


class ModelsRegistryConfig(AppConfig):
    name = "webapp.models_registry"
    label = "models_registry"
    verbose_name = "Model versions"
