"""What the apps' admin classes share."""
from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class RestrictedAdmin(admin.ModelAdmin):
    """A model admin that refuses what the app's own pages or workers do instead: ``can_add``,
    ``can_change`` or ``can_delete`` set to ``False`` takes that permission away from everyone
    (otherwise Django's permission checks apply)."""

    can_add = True
    can_change = True
    can_delete = True

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.can_add and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.can_change and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.can_delete and super().has_delete_permission(request, obj)
