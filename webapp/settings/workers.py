"""Celery: broker, acknowledgement and time limits, memory recycling, the beat schedule."""
from __future__ import annotations

from webapp.settings.analyses import (
    VIGIL_RETENTION_INTERVAL_SEC,
    VIGIL_TASK_SOFT_TIME_LIMIT,
    VIGIL_TASK_TIME_LIMIT,
    VIGIL_WATCHDOG_INTERVAL_SEC,
)
from webapp.settings.environment import VAR_DIR, env
from webapp.settings.web import REDIS_URL

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
#: Results of the few tasks that keep one (the chunks of a chord, ``VIGIL_CHUNK_SEC``); empty:
#: none kept, and long analyses run in one task.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL) or None
CELERY_RESULT_EXPIRES = 24 * 3600
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
    "vigil-cameras-offline": {
        "task": "alerts.check_cameras_offline",
        "schedule": 60.0,
        "options": {"queue": "cpu", "expires": 60},
    },
    "vigil-login-failures-purge": {
        "task": "accounts.login_failures_purge",
        "schedule": 3600.0,
        "options": {"queue": "cpu", "expires": 3600},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
