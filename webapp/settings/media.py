"""Language and time, static files, media storage (local or S3) and uploads."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from webapp.settings.environment import BASE_DIR, PRODUCTION, VAR_DIR, env

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Media is never served as static files: every file goes through a permission-checked view.
MEDIA_ROOT = Path(env.str("VIGIL_MEDIA_ROOT", default=str(VAR_DIR / "media")))
#: Nothing is ever served from MEDIA_URL. A host under the reserved ``.invalid`` TLD keeps
#: Django's live test server from serving MEDIA_ROOT itself (with an empty or path-only
#: MEDIA_URL it answers matching paths straight from disk, bypassing the checked views).
MEDIA_URL = "https://media.invalid/"
#: nginx in front (``VIGIL_ACCEL_REDIRECT=1``): after the permission check, file views answer
#: with ``X-Accel-Redirect: <VIGIL_MEDIA_ACCEL_REDIRECT><name>`` (an nginx ``internal``
#: location mapped to MEDIA_ROOT) instead of streaming the bytes from Python.
VIGIL_ACCEL_REDIRECT = env.bool("VIGIL_ACCEL_REDIRECT", default=False)
VIGIL_MEDIA_ACCEL_REDIRECT = env.str("VIGIL_MEDIA_ACCEL_REDIRECT",
                                     default="/protected/" if VIGIL_ACCEL_REDIRECT else "")
#: S3-compatible media (needs ``pip install django-storages[s3]``): set the bucket; credentials
#: come from the usual ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``. Files are then served
#: by redirects to presigned URLs valid for ``VIGIL_MEDIA_URL_EXPIRE_SEC`` seconds.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env.int("VIGIL_MEDIA_URL_EXPIRE_SEC", default=300),
            "file_overwrite": True,
        },
    }

# --- Uploads ----------------------------------------------------------------------------------
VIGIL_MAX_UPLOAD_BYTES = env.int("VIGIL_MAX_UPLOAD_BYTES", default=1024**3)
VIGIL_MAX_DURATION_SEC = env.float("VIGIL_MAX_DURATION_SEC", default=3 * 3600.0)
VIGIL_MAX_FRAME_SIDE = env.int("VIGIL_MAX_FRAME_SIDE", default=3840)
VIGIL_MAX_FRAME_GAP_SEC = env.float("VIGIL_MAX_FRAME_GAP_SEC", default=60.0)
VIGIL_PROBE_TIMEOUT_SEC = env.float("VIGIL_PROBE_TIMEOUT_SEC", default=30.0)
#: Resumable (tus) uploads: unfinished ones a user may have at once (0: no cap; staff exempt),
#: and the hours an upload may sit untouched before the watchdog deletes it and its parts.
VIGIL_MAX_OPEN_UPLOADS = env.int("VIGIL_MAX_OPEN_UPLOADS", default=10)
VIGIL_UPLOAD_RESUME_HOURS = env.float("VIGIL_UPLOAD_RESUME_HOURS", default=24.0)
FILE_UPLOAD_TEMP_DIR = str(VAR_DIR / "tmp")
# Always spool uploads to disk (the probe needs a path); the first handler enforces the size.
FILE_UPLOAD_HANDLERS = [
    "webapp.core.uploads.SizeLimitUploadHandler",
    "webapp.core.uploads.TemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
