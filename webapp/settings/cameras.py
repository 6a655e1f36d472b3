"""Live cameras: the URL encryption key, the camera worker's lease and write intervals."""
from __future__ import annotations

from webapp.settings.environment import env

#: Fernet key (32 url-safe base64 bytes) encrypting camera URLs at rest; derived from
#: SECRET_KEY when unset (changing either makes stored URLs unreadable: re-enter them).
VIGIL_CAMERA_KEY = env.str("VIGIL_CAMERA_KEY", default="")
#: A camera worker's lease on a camera lasts this long unless renewed; a dead worker's cameras
#: are taken over by another within it.
VIGIL_CAMERA_LEASE_SEC = env.float("VIGIL_CAMERA_LEASE_SEC", default=30.0)
#: How often the worker renews leases, claims cameras and writes state, metrics and scores.
VIGIL_CAMERA_TICK_SEC = env.float("VIGIL_CAMERA_TICK_SEC", default=2.0)
#: Most cameras one camera worker process runs.
VIGIL_CAMERA_MAX_PER_WORKER = env.int("VIGIL_CAMERA_MAX_PER_WORKER", default=4)
#: Seconds of score timeline kept per camera (the page's rolling chart).
VIGIL_CAMERA_SCORES_KEEP_SEC = env.float("VIGIL_CAMERA_SCORES_KEEP_SEC", default=300.0)
#: Least seconds between two preview stills written per camera.
VIGIL_CAMERA_PREVIEW_SEC = env.float("VIGIL_CAMERA_PREVIEW_SEC", default=1.0)
VIGIL_CAMERA_PROBE_TIMEOUT_SEC = env.float("VIGIL_CAMERA_PROBE_TIMEOUT_SEC", default=10.0)
#: Seconds of video kept before an incident's onset / after its end in its clip.
VIGIL_CAMERA_PREROLL_SEC = env.float("VIGIL_CAMERA_PREROLL_SEC", default=5.0)
VIGIL_CAMERA_POSTROLL_SEC = env.float("VIGIL_CAMERA_POSTROLL_SEC", default=3.0)
#: Scoring this far behind live drops windows instead of queueing them.
VIGIL_CAMERA_MAX_LAG_SEC = env.float("VIGIL_CAMERA_MAX_LAG_SEC", default=4.0)
