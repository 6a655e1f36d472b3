"""Django itself: secret key, hosts, apps, middleware, templates, database, cache and auth."""
from __future__ import annotations

from pathlib import Path

from webapp.core.secret_key import secret_key_from_file
from webapp.settings.environment import BASE_DIR, PRODUCTION, VAR_DIR, env

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
    "webapp.cameras",
]

MIDDLEWARE = [
    "webapp.core.middleware.RequestIdMiddleware",
    "webapp.core.metrics.MetricsMiddleware",
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
                "webapp.alerts.context_processors.unread_alerts",
            ],
        },
    },
]

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
