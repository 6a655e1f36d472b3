"""Template context shared by every page."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def vigil(request: HttpRequest) -> dict[str, Any]:
    return {
        "signup_enabled": settings.VIGIL_SIGNUP_ENABLED,
        "max_upload_bytes": settings.VIGIL_MAX_UPLOAD_BYTES,
    }
