"""Alerts (webhooks, clips), dataset zip limits and e-mail."""
from __future__ import annotations

from webapp.settings.environment import PRODUCTION, VAR_DIR, env

#: Base of absolute links in webhook bodies and e-mails (no trailing slash).
VIGIL_PUBLIC_URL = env.str("VIGIL_PUBLIC_URL", default="http://localhost:8000").rstrip("/")
#: Let webhooks target private, loopback, link-local or reserved addresses (tests, intranets).
VIGIL_WEBHOOK_ALLOW_PRIVATE = env.bool("VIGIL_WEBHOOK_ALLOW_PRIVATE", default=False)
VIGIL_WEBHOOK_TIMEOUT_SEC = env.float("VIGIL_WEBHOOK_TIMEOUT_SEC", default=10.0)
#: A failed delivery is retried this many times, after base * 2**n seconds (n = 0, 1, ...).
VIGIL_WEBHOOK_MAX_RETRIES = env.int("VIGIL_WEBHOOK_MAX_RETRIES", default=5)
VIGIL_WEBHOOK_RETRY_BASE_SEC = env.float("VIGIL_WEBHOOK_RETRY_BASE_SEC", default=30.0)
VIGIL_ALERT_CLIP_MAX_HEIGHT = env.int("VIGIL_ALERT_CLIP_MAX_HEIGHT", default=360)
#: Seconds of context added before and after an incident in its clip.
VIGIL_ALERT_CLIP_PAD_SEC = env.float("VIGIL_ALERT_CLIP_PAD_SEC", default=0.0)
VIGIL_ALERT_CLIP_MAX_SEC = env.float("VIGIL_ALERT_CLIP_MAX_SEC", default=60.0)
#: Dataset imports from a zip: most members, and most bytes once uncompressed.
VIGIL_DATASET_ZIP_MAX_MEMBERS = env.int("VIGIL_DATASET_ZIP_MAX_MEMBERS", default=20000)
VIGIL_DATASET_ZIP_MAX_BYTES = env.int("VIGIL_DATASET_ZIP_MAX_BYTES", default=8 * 1024**3)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
                        if not PRODUCTION else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="vigil@localhost")
