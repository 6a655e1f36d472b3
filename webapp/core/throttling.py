"""API rate limits (DRF throttles) whose rates are settings read on every request.

``VIGIL_API_THROTTLE_RATES`` maps a scope to ``"N/second|minute|hour|day"`` (a missing or empty
rate: no limit). DRF's own classes read ``DEFAULT_THROTTLE_RATES`` once at import, so a test
could not change them; these read the setting per request, which lets the suite run unthrottled
and a test switch a limit on.

- ``anon``: requests without a user, per client address (``webapp.core.clientip``: behind nginx
  the real client, not nginx);
- ``user``: every request of a signed-in user or token;
- ``uploads``: requests that start work (a view lists them in ``start_work_actions``: uploads,
  analyses), per user, on top of ``user``.

Refusals are DRF's 429 with ``Retry-After`` and a ``detail`` saying when to try again.
"""
from __future__ import annotations

from django.conf import settings
from rest_framework import throttling
from rest_framework.request import Request

from webapp.core.clientip import client_ip


class _SettingsRate:
    scope: str

    def get_rate(self) -> str | None:
        return (settings.VIGIL_API_THROTTLE_RATES or {}).get(self.scope) or None

    def get_ident(self, request: Request) -> str:
        return client_ip(request.META)


class AnonThrottle(_SettingsRate, throttling.AnonRateThrottle):
    scope = "anon"


class UserThrottle(_SettingsRate, throttling.UserRateThrottle):
    scope = "user"


class StartWorkThrottle(_SettingsRate, throttling.UserRateThrottle):
    """Counts only the actions a view names in ``start_work_actions``."""

    scope = "uploads"

    def allow_request(self, request: Request, view) -> bool:
        if getattr(view, "action", None) not in getattr(view, "start_work_actions", ()):
            return True
        return super().allow_request(request, view)
