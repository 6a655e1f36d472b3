"""Django settings for Vigil, all read from the environment (see ``.env.example``).

The defaults need no server: SQLite in ``var/db.sqlite3``, media in ``var/media`` and a Celery
broker in ``var/celery-broker.sqlite3``. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL
and Redis. ``DJANGO_ENV=production`` turns on the hardened settings ``check --deploy`` wants.

``DJANGO_SETTINGS_MODULE`` stays ``webapp.settings``; the settings are written in one module
per concern (``_PARTS``) and gathered here. Each
(re)load of this package reads the parts, and so the environment, afresh, as the single
module did (``importlib.reload(webapp.settings)`` sees a changed variable).
"""
from __future__ import annotations

import sys

#: The parts (a part imports the names it reads from the others).
_PARTS = ("environment", "web", "media", "analyses", "alerts", "cameras", "workers", "api",
          "security")

for _part in _PARTS:
    sys.modules.pop(f"{__name__}.{_part}", None)

from webapp.settings.alerts import *  # noqa: E402, F403
from webapp.settings.analyses import *  # noqa: E402, F403
from webapp.settings.api import *  # noqa: E402, F403
from webapp.settings.cameras import *  # noqa: E402, F403
from webapp.settings.environment import *  # noqa: E402, F403
from webapp.settings.media import *  # noqa: E402, F403
from webapp.settings.security import *  # noqa: E402, F403
from webapp.settings.web import *  # noqa: E402, F403
from webapp.settings.workers import *  # noqa: E402, F403
