from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "webapp.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from webapp.accounts import schema  # noqa: F401, PLC0415  (OpenAPI extension)
