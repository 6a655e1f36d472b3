"""Where Vigil runs: the environment reader, the repository and ``var`` folders, the mode
(``DJANGO_ENV``) and ``DEBUG``. Every other part of the settings starts from these."""
from __future__ import annotations

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[2]

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
