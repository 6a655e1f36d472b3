"""Django settings for Vigil, all read from the environment (see ``.env.example``).

The defaults need no server: SQLite in ``var/db.sqlite3``, media in ``var/media`` and a Celery
broker in ``var/celery-broker.sqlite3``. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL
and Redis. ``DJANGO_ENV=production`` turns on the hardened settings ``check --deploy`` wants.
"""
from __future__ import annotations

from pathlib import Path

import environ

from webapp.core.logs import logging_config
from webapp.core.secret_key import secret_key_from_file

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
#: Off unless asked for (``DEBUG=1`` or ``VIGIL_DEBUG=1``), also on the embedded default: the
#: debug pages show tracebacks, settings and every route to anyone on the network.
DEBUG = env.bool("DEBUG", default=env.bool("VIGIL_DEBUG", default=False))
if PRODUCTION and DEBUG:
    raise environ.ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production")

VAR_DIR = (BASE_DIR / env.str("VIGIL_VAR_DIR", default="var")).resolve()  # relative: to the repo

#: ``SECRET_KEY``, else ``VIGIL_SECRET_KEY_FILE`` (docker-compose generates one on its data
#: volume at first start); outside production, else ``<var>/secret-key``, generated once.
_secret_file = env.str("VIGIL_SECRET_KEY_FILE", default="")
if env.str("SECRET_KEY", default=""):
    SECRET_KEY = env.str("SECRET_KEY")
elif _secret_file and Path(_secret_file).is_file():
    SECRET_KEY = Path(_secret_file).read_text(encoding="utf-8").strip()
elif not PRODUCTION:
    SECRET_KEY = secret_key_from_file(VAR_DIR / "secret-key")
else:
    SECRET_KEY = env.str("SECRET_KEY")  # required in production

#: Outside production: the loopback names (``scripts/run.sh`` adds the address it listens on).
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "webapp.core",
    "webapp.accounts",
    "webapp.models_registry",
    "webapp.videos",
    "webapp.alerts",
    "webapp.datasets",
    "webapp.training_runs",
]

MIDDLEWARE = [
    "webapp.core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "webapp.core.middleware.ContentSecurityPolicyMiddleware",
    "webapp.core.middleware.UploadSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "webapp.urls"
WSGI_APPLICATION = "webapp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "webapp.core.context_processors.vigil",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE transactions let the web process and a worker share the file safely.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so a test's Celery worker process can open the test database too.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "videos:list"
LOGOUT_REDIRECT_URL = "accounts:login"

VIGIL_SIGNUP_ENABLED = env.bool("VIGIL_SIGNUP_ENABLED", default=True)
VIGIL_LOGIN_MAX_FAILURES = env.int("VIGIL_LOGIN_MAX_FAILURES", default=5)
VIGIL_LOGIN_LOCKOUT_MINUTES = env.int("VIGIL_LOGIN_LOCKOUT_MINUTES", default=15)
#: Networks of the reverse proxies in front (nginx): only from these peers is the client's
#: address read from X-Forwarded-For (``webapp.core.clientip``). Empty: never.
VIGIL_TRUSTED_PROXIES = env.list("VIGIL_TRUSTED_PROXIES", default=[])

# --- I18N, static, media ----------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
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
FILE_UPLOAD_TEMP_DIR = str(VAR_DIR / "tmp")
# Always spool uploads to disk (the probe needs a path); the first handler enforces the size.
FILE_UPLOAD_HANDLERS = [
    "webapp.core.uploads.SizeLimitUploadHandler",
    "webapp.core.uploads.TemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Analyses ---------------------------------------------------------------------------------
VIGIL_DEFAULT_MODEL = env.str("VIGIL_DEFAULT_MODEL", default="fight_detector")
#: ``default`` (the registry's pretrained weights, from VIGIL_MODEL_DIR), a file path, or
#: ``none`` (random initialisation: development and tests only; results say so).
VIGIL_DEFAULT_WEIGHTS = env.str("VIGIL_DEFAULT_WEIGHTS", default="default")
#: One model directory for the CLI, the workers and the web app (inference's own default).
VIGIL_MODEL_DIR = env.str("VIGIL_MODEL_DIR", default=str(Path("~/.cache/vigil/models")
                                                       .expanduser()))
#: List and offer random-weight (``weights=none``) versions: development and tests only.
VIGIL_SHOW_UNTRAINED = env.bool("VIGIL_SHOW_UNTRAINED", default=False)
VIGIL_DEFAULT_DEVICE = env.str("VIGIL_DEFAULT_DEVICE", default="cpu")
#: A GPU worker serves the ``gpu`` queue (``celery -A webapp worker -Q gpu``): without it,
#: ``device=cuda`` and RAFT flow are refused at submission and forms do not offer them.
VIGIL_GPU_WORKERS = env.bool("VIGIL_GPU_WORKERS", default=False)
#: CUDA devices each GPU worker has (``cuda:N`` needs N below it).
VIGIL_GPU_DEVICES = env.int("VIGIL_GPU_DEVICES", default=1)
#: Queue of analyses whose device is ``auto`` (the worker uses CUDA when it has a GPU).
VIGIL_AUTO_QUEUE = env.str("VIGIL_AUTO_QUEUE", default="cpu")
#: Device of fine-tuning runs and evaluations (``cuda`` when a GPU worker serves the ``gpu``
#: queue; ``auto`` goes to VIGIL_AUTO_QUEUE and uses the worker's GPU when it has one).
VIGIL_TRAINING_DEVICE = env.str("VIGIL_TRAINING_DEVICE", default="cpu")
#: Decoding threads of a training run (clips are decoded once per run, then cached).
VIGIL_TRAINING_WORKERS = env.int("VIGIL_TRAINING_WORKERS", default=2)
VIGIL_DEFAULT_SEGMENT_SEC = env.float("VIGIL_DEFAULT_SEGMENT_SEC", default=2.0)
VIGIL_DEFAULT_STRIDE_SEC = env.float("VIGIL_DEFAULT_STRIDE_SEC", default=1.0)
VIGIL_DEFAULT_THRESHOLD = env.float("VIGIL_DEFAULT_THRESHOLD", default=0.5)
VIGIL_BATCH_SIZE = env.int("VIGIL_BATCH_SIZE", default=4)
VIGIL_NUM_THREADS = env.int("VIGIL_NUM_THREADS", default=0) or None
VIGIL_TOP_K = env.int("VIGIL_TOP_K", default=5)
VIGIL_RENDER_MAX_HEIGHT = env.int("VIGIL_RENDER_MAX_HEIGHT", default=480)
#: Seconds between a running analysis' heartbeats, and after which it counts as stale.
VIGIL_HEARTBEAT_SEC = env.float("VIGIL_HEARTBEAT_SEC", default=10.0)
VIGIL_STALE_AFTER_SEC = env.float("VIGIL_STALE_AFTER_SEC", default=120.0)
VIGIL_WATCHDOG_INTERVAL_SEC = env.float("VIGIL_WATCHDOG_INTERVAL_SEC", default=60.0)
#: Runs an analysis may start (the watchdog re-queues a stale one until this many were made).
VIGIL_MAX_ATTEMPTS = env.int("VIGIL_MAX_ATTEMPTS", default=2)
VIGIL_TASK_SOFT_TIME_LIMIT = env.int("VIGIL_TASK_SOFT_TIME_LIMIT", default=6 * 3600)
VIGIL_TASK_TIME_LIMIT = env.int("VIGIL_TASK_TIME_LIMIT", default=6 * 3600 + 300)

#: Where computed optical flow is cached per video (empty: not cached).
VIGIL_FLOW_CACHE_DIR = env.str("VIGIL_FLOW_CACHE_DIR", default="") or None
#: Uploads, renders, thumbnails and cached flow older than this many days are deleted by the
#: beat task ``core.retention`` (0: kept forever). Dataset clips and model files never are.
VIGIL_RETENTION_DAYS = env.float("VIGIL_RETENTION_DAYS", default=0.0)
VIGIL_RETENTION_INTERVAL_SEC = env.float("VIGIL_RETENTION_INTERVAL_SEC", default=3600.0)

# --- Alerts -----------------------------------------------------------------------------------
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

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL", default=REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
CELERY_TASK_DEFAULT_QUEUE = "cpu"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = VIGIL_TASK_SOFT_TIME_LIMIT
CELERY_TASK_TIME_LIMIT = VIGIL_TASK_TIME_LIMIT
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
#: A prefork pool child whose peak resident memory (billiard reads ``ru_maxrss`` after each
#: task) passed this many KiB is replaced after that task (which finishes first); 0 = never.
#: ``bench.bench_worker_memory`` (README) measured a child at 768 MiB after one analysis,
#: 1429 MiB after six mixed ones and unchanged idle; 1280 MiB (``analyze`` alone peaks near
#: it) bounds that growth. Solo-pool (GPU) workers are not recycled by Celery.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("VIGIL_WORKER_MAX_MEMORY_PER_CHILD_KIB",
                                             default=1280 * 1024) or None
#: Redis re-delivers an unacknowledged message after this many seconds: it must exceed the
#: longest task, or a slow analysis would be started twice (the second start sees a fresh
#: heartbeat and steps aside, but it is wasted work).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("VIGIL_BROKER_VISIBILITY_TIMEOUT",
                                  default=VIGIL_TASK_TIME_LIMIT + 3600),
    # How often a Redis worker looks for expired unacknowledged messages (every
    # interval * throttle seconds); only matters with a short visibility timeout.
    "unacked_restore_interval": env.int("VIGIL_BROKER_RESTORE_INTERVAL_SEC", default=10),
    "unacked_restore_throttle": env.int("VIGIL_BROKER_RESTORE_THROTTLE", default=10),
} if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else {}
# (The SQLAlchemy transport hands its options to create_engine and has no visibility timeout:
# there the watchdog re-queues the work of a worker that died.)
CELERY_BEAT_SCHEDULE = {
    "vigil-watchdog": {
        "task": "videos.watchdog",
        "schedule": VIGIL_WATCHDOG_INTERVAL_SEC,
        "options": {"queue": "cpu", "expires": VIGIL_WATCHDOG_INTERVAL_SEC},
    },
    "vigil-training-watchdog": {
        "task": "training_runs.watchdog",
        "schedule": VIGIL_WATCHDOG_INTERVAL_SEC,
        "options": {"queue": "cpu", "expires": VIGIL_WATCHDOG_INTERVAL_SEC},
    },
    "vigil-retention": {
        "task": "core.retention",
        "schedule": VIGIL_RETENTION_INTERVAL_SEC,
        "options": {"queue": "cpu", "expires": VIGIL_RETENTION_INTERVAL_SEC},
    },
    "vigil-login-failures-purge": {
        "task": "accounts.login_failures_purge",
        "schedule": 3600.0,
        "options": {"queue": "cpu", "expires": 3600},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- REST API ---------------------------------------------------------------------------------
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
    },
}

# --- Security ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
#: Strict policy: no inline scripts or styles anywhere (the pages load their JS from static/).
VIGIL_CSP = env.str(
    "VIGIL_CSP",
    default="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if env.bool("VIGIL_BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

#: ``json`` (one object per line, with the analysis / training run id) or ``text``.
VIGIL_LOG_FORMAT = env.str("VIGIL_LOG_FORMAT", default="json" if PRODUCTION else "text")
if VIGIL_LOG_FORMAT not in ("json", "text"):
    raise environ.ImproperlyConfigured("VIGIL_LOG_FORMAT must be json or text")
LOGGING = logging_config(fmt=VIGIL_LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO"))
