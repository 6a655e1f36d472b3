"""Analyses, training runs and the watchdog: models, devices, windows, heartbeats, limits,
flow cache and retention."""
from __future__ import annotations

from pathlib import Path

from webapp.settings.environment import env

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

#: An analysis of a video longer than this many seconds runs as time chunks of about this
#: length on any number of workers, then one merge (0: always one task). Needs a Celery result
#: backend (``CELERY_RESULT_BACKEND``, the Redis of ``REDIS_URL`` by default).
VIGIL_CHUNK_SEC = env.float("VIGIL_CHUNK_SEC", default=300.0)
