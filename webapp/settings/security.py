"""Security headers, the content security policy, production hardening and logging."""
from __future__ import annotations

import environ

from webapp.core.logs import logging_config
from webapp.settings.environment import PRODUCTION, env

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

#: ``/metrics`` (``webapp.core.metrics``): clients in these networks (the client's address as
#: ``webapp.core.clientip`` reads it), or with ``Authorization: Bearer <VIGIL_METRICS_TOKEN>``.
VIGIL_METRICS_ALLOWED_NETWORKS = env.list(
    "VIGIL_METRICS_ALLOWED_NETWORKS",
    default=["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
             "fc00::/7"])
VIGIL_METRICS_TOKEN = env.str("VIGIL_METRICS_TOKEN", default="")
