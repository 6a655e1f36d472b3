"""The REST API: authentication, pagination, filters, throttles, quotas, the error handler and
the OpenAPI schema."""
from __future__ import annotations

from webapp.settings.environment import DEBUG, env

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "webapp.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "webapp.core.pagination.PageNumberPagination",
    # Views with a ``filterset_class`` validate their query parameters (400 naming them).
    "DEFAULT_FILTER_BACKENDS": ["webapp.core.filters.FilterBackend"],
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_CLASSES": [f"webapp.core.throttling.{name}" for name in (
        "AnonThrottle", "UserThrottle", "StartWorkThrottle")],
    # One error body, {"code", "detail", "fields"}, for every API error (webapp.core.errors).
    "EXCEPTION_HANDLER": "webapp.core.exception_handlers.exception_handler",
}
#: Rates of those throttles ("N/second|minute|hour|day"; empty: no limit), read per request.
VIGIL_API_THROTTLE_RATES = {
    "anon": env.str("VIGIL_THROTTLE_ANON", default="60/minute"),
    "user": env.str("VIGIL_THROTTLE_USER", default="600/minute"),
    "uploads": env.str("VIGIL_THROTTLE_UPLOADS", default="10/minute"),
}
#: Per user (staff exempt; 0: no cap): analyses queued or running at once, stored upload bytes.
VIGIL_QUOTA_ACTIVE_ANALYSES = env.int("VIGIL_QUOTA_ACTIVE_ANALYSES", default=4)
VIGIL_QUOTA_STORAGE_BYTES = env.int("VIGIL_QUOTA_STORAGE_BYTES", default=20 * 1024**3)
SPECTACULAR_SETTINGS = {
    "TITLE": "Vigil API",
    "DESCRIPTION": "Upload videos, run action-recognition analyses, read their results.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AnalysisStatusEnum": "webapp.videos.models.AnalysisStatus",
        "CameraStateEnum": "webapp.cameras.models.CameraState",
    },
}
