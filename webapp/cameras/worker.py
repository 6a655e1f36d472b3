"""The camera worker: one long-lived process running up to N cameras (``manage.py
vigil_cameras``).

A lease thread renews the leases of the cameras it runs every ``VIGIL_CAMERA_TICK_SEC``, so
slow work in the main thread (loading torch, stopping a monitor) never lets them lapse; it
stops renewing when the main loop has not ticked for three lease periods (a stuck worker gives
its cameras up). Every tick the main thread, in this order:

1. stops the cameras whose lease the lease thread found taken (another worker claimed them
   after this one was too late: two workers never both process a camera);
2. stops cameras that were disabled, deleted or left their schedule (releasing the lease) and
   restarts those whose settings changed;
3. claims free or expired leases of runnable cameras while it has room, and starts an
   ``inference.live.LiveMonitor`` for each (decode and scoring threads; the model is shared
   by the monitors of one process);
4. writes each camera's state, metrics, score timeline and preview still to its runtime row
   (only while it holds the lease).

Incidents are recorded from the monitors' threads as they open (``services.incident_open``:
alerts go out then) and again when their clip is written (``services.incident_clip_ready``).
:meth:`CameraWorker.shutdown` (SIGTERM, SIGINT) stops every monitor and releases its leases,
so another worker takes the cameras at once instead of after a lease period.
"""
from __future__ import annotations

import collections
import dataclasses
import logging
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from webapp.cameras import selectors, services
from webapp.cameras.models import Camera, CameraState
from webapp.core.jobs import worker_name
from webapp.core.threads import repeat_every
from webapp.models_registry.services import weights_path

logger = logging.getLogger(__name__)

#: Ticks between two expiries of old incidents per camera.
EXPIRE_EVERY_TICKS = 300


@dataclasses.dataclass
class Running:
    """One camera this worker runs: its monitor and what the monitor reported since."""

    camera_id: int
    name: str
    updated_at: datetime
    labels: tuple[str, ...]
    monitor: Any
    scores: collections.deque[tuple[float, list[float]]]
    state: str = CameraState.CONNECTING
    state_reason: str = ""
    state_since: datetime = dataclasses.field(default_factory=timezone.now)
    preview_at: float = 0.0
    stopped: bool = False


def live_config(camera: Camera) -> Any:
    """The ``inference.live.LiveConfig`` of ``camera``: its model version's architecture and
    weights, its labels and thresholds, and the worker's clip and lag settings."""
    from inference.live import LiveConfig  # noqa: PLC0415  (PyAV/torch: the worker only)

    version = camera.model_version
    weights: str | None = version.weights
    if weights == "default":
        weights = None
    elif weights != "none":
        weights = str(weights_path(version.weights))
    return LiveConfig(
        model_name=version.arch, weights=weights, watched_labels=tuple(camera.watched_labels),
        threshold=camera.threshold,
        thresholds={label: float(value) for label, value in camera.label_thresholds.items()},
        preroll_sec=settings.VIGIL_CAMERA_PREROLL_SEC,
        postroll_sec=settings.VIGIL_CAMERA_POSTROLL_SEC,
        max_lag_sec=settings.VIGIL_CAMERA_MAX_LAG_SEC, model_dir=settings.VIGIL_MODEL_DIR,
        num_threads=settings.VIGIL_NUM_THREADS)


class CameraWorker:
    """Runs cameras under leases; :meth:`run` until ``stop`` is set, then :meth:`shutdown`."""

    def __init__(self, *, worker_id: str | None = None, max_cameras: int | None = None,
                 tick_sec: float | None = None, lease_sec: float | None = None,
                 monitor_factory: Callable[..., Any] | None = None,
                 alive_file: str | None = None) -> None:
        self.worker_id = worker_id or f"{worker_name()} {uuid.uuid4().hex[:6]}"
        self.max_cameras = max_cameras or settings.VIGIL_CAMERA_MAX_PER_WORKER
        self.tick_sec = tick_sec or settings.VIGIL_CAMERA_TICK_SEC
        self.lease_sec = lease_sec or settings.VIGIL_CAMERA_LEASE_SEC
        if self.lease_sec < 2 * self.tick_sec:
            raise ValueError("the lease must last at least two ticks")
        self._monitor_factory = monitor_factory
        self.running: dict[int, Running] = {}
        self.clip_dir = Path(tempfile.mkdtemp(prefix="vigil-cameras-"))
        self.ticks = 0
        self.last_tick_at = time.monotonic()
        self._lock = threading.Lock()
        self._lost: set[int] = set()
        self.alive_file = Path(alive_file) if alive_file else None

    # --- the loop ------------------------------------------------------------------------

    def run(self, *, stop: threading.Event) -> None:
        logger.info("camera worker %s: up to %d cameras, lease %.0f s, tick %.1f s",
                    self.worker_id, self.max_cameras, self.lease_sec, self.tick_sec)
        self._factory()  # import torch and PyAV now, before holding any lease
        logger.info("camera worker %s ready", self.worker_id)
        keeper = threading.Thread(target=self._keep_leases, args=(stop,),
                                  name="vigil-camera-leases", daemon=True)
        keeper.start()
        try:
            while not stop.is_set():
                started = self.last_tick_at = time.monotonic()
                try:
                    self.tick()
                except Exception:
                    logger.exception("camera worker tick failed")
                    close_old_connections()
                stop.wait(max(0.0, self.tick_sec - (time.monotonic() - started)))
        finally:
            self.shutdown()
            keeper.join(timeout=5)

    def _keep_leases(self, stop: threading.Event) -> None:
        """The lease thread: renew every tick; note the cameras another worker took."""
        repeat_every(self.tick_sec, self.renew, stop=stop, failure="lease renewal failed",
                     logger=logger)

    def renew(self) -> None:
        """Renew the leases of the running cameras (unless the main loop is stuck)."""
        if time.monotonic() - self.last_tick_at > 3 * self.lease_sec:
            logger.error("camera worker main loop stuck for %.0f s: letting leases lapse",
                         time.monotonic() - self.last_tick_at)
            return
        with self._lock:
            ids = list(self.running)
        held = services.leases_renew(camera_ids=ids, worker=self.worker_id,
                                     lease_sec=self.lease_sec)
        with self._lock:
            self._lost |= set(ids) - held

    def tick(self) -> None:
        self.ticks += 1
        if self.alive_file is not None:
            self.alive_file.touch()
        with self._lock:
            lost, self._lost = self._lost, set()
        for camera_id in lost & set(self.running):
            logger.warning("camera %s: lease lost to another worker; stopping it", camera_id)
            self._stop(camera_id, release=False)
        runnable = {camera.pk: camera for camera in selectors.cameras_runnable()}
        for camera_id, entry in list(self.running.items()):
            camera = runnable.get(camera_id)
            if camera is None:
                logger.info("camera %s: disabled, deleted or off schedule; stopping", camera_id)
                self._stop(camera_id, release=True)
            elif camera.updated_at != entry.updated_at:
                logger.info("camera %s: settings changed; restarting", camera_id)
                self._stop(camera_id, release=False)
                self._start(camera)
        for camera_id, camera in runnable.items():
            if len(self.running) >= self.max_cameras:
                break
            if camera_id not in self.running and services.lease_claim(
                    camera_id=camera_id, worker=self.worker_id, lease_sec=self.lease_sec):
                logger.info("camera %s (%s): lease claimed", camera_id, camera.name)
                self._start(camera)
        for entry in list(self.running.values()):
            self._write(entry)
            if self.ticks % EXPIRE_EVERY_TICKS == 0 and entry.camera_id in runnable:
                services.incidents_expire(camera=runnable[entry.camera_id])

    def shutdown(self) -> None:
        """Stop every monitor and release its lease (another worker may start it at once)."""
        for camera_id in list(self.running):
            try:
                self._stop(camera_id, release=True)
            except Exception:
                logger.exception("camera %s: stop failed", camera_id)
        shutil.rmtree(self.clip_dir, ignore_errors=True)
        logger.info("camera worker %s stopped", self.worker_id)

    # --- one camera ------------------------------------------------------------------------

    def _factory(self) -> Callable[..., Any]:
        if self._monitor_factory is None:
            from inference.live import LiveMonitor  # noqa: PLC0415

            self._monitor_factory = LiveMonitor
        return self._monitor_factory

    def _start(self, camera: Camera) -> None:
        keep = int(settings.VIGIL_CAMERA_SCORES_KEEP_SEC * 4) + 16  # up to 4 scores a second
        entry = Running(camera_id=camera.pk, name=camera.name, updated_at=camera.updated_at,
                        labels=tuple(camera.watched_labels), monitor=None,
                        scores=collections.deque(maxlen=keep))
        with self._lock:
            self.running[camera.pk] = entry
        try:
            url = services.camera_url(camera=camera)
            clips = self.clip_dir / str(camera.pk)
            clips.mkdir(parents=True, exist_ok=True)
            entry.monitor = self._factory()(
                url, config=live_config(camera), clip_dir=clips,
                on_incident=lambda incident: self._on_incident(entry, incident),
                on_state=lambda state, reason: self._on_state(entry, state, reason),
                on_scores=lambda t, scores: self._on_scores(entry, scores),
                on_clip_ready=lambda incident: self._on_clip_ready(entry, incident))
            entry.monitor.start()
        except Exception as exc:  # UrlUndecryptable, a bad model, ...: shown as the state
            logger.exception("camera %s: could not start", camera.pk)
            entry.monitor = None
            self._on_state(entry, CameraState.ERROR, str(exc) or type(exc).__name__)
        self._write(entry)

    def _stop(self, camera_id: int, *, release: bool) -> None:
        with self._lock:
            entry = self.running.pop(camera_id, None)
        if entry is None:
            return
        entry.stopped = True
        if entry.monitor is not None:
            entry.monitor.stop()
        if release:
            services.lease_release(camera_id=camera_id, worker=self.worker_id)

    def _write(self, entry: Running) -> None:
        now = timezone.now()
        fields: dict[str, Any] = {"last_seen_at": now, "state": entry.state,
                                  "state_reason": entry.state_reason[:500],
                                  "state_since": entry.state_since}
        monitor = entry.monitor
        if monitor is not None:
            metrics = monitor.metrics()
            fields.update(fps_in=metrics.fps_in, fps_scored=metrics.fps_scored,
                          lag_sec=metrics.lag_sec, windows_scored=metrics.windows_scored,
                          windows_dropped=metrics.windows_dropped,
                          reconnects=metrics.reconnects)
            if metrics.state and metrics.state != entry.state:
                self._on_state(entry, metrics.state, metrics.state_reason)
                fields.update(state=entry.state, state_reason=entry.state_reason[:500],
                              state_since=entry.state_since)
            if time.monotonic() - entry.preview_at >= settings.VIGIL_CAMERA_PREVIEW_SEC:
                jpeg = monitor.latest_jpeg()
                if jpeg:
                    entry.preview_at = time.monotonic()
                    fields.update(preview_jpeg=jpeg, preview_at=now)
        cutoff = time.time() - settings.VIGIL_CAMERA_SCORES_KEEP_SEC
        points = [[round(t, 2), values] for t, values in list(entry.scores) if t >= cutoff]
        fields["scores"] = {"labels": list(entry.labels), "points": points}
        if not services.runtime_write(camera_id=entry.camera_id, worker=self.worker_id,
                                      **fields):
            logger.warning("camera %s: runtime row not ours any more", entry.camera_id)

    # --- monitor callbacks (monitor threads) -------------------------------------------------

    def _on_state(self, entry: Running, state: str, reason: str) -> None:
        if state != entry.state or reason != entry.state_reason:
            logger.info("camera %s: %s%s", entry.camera_id, state, f" ({reason})" if reason
                        else "")
        if state != entry.state:
            entry.state_since = timezone.now()
        entry.state, entry.state_reason = state, reason or ""

    def _on_scores(self, entry: Running, scores: dict[str, float]) -> None:
        entry.scores.append((time.time(), [round(float(scores.get(label, 0.0)), 4)
                                           for label in entry.labels]))

    def _on_incident(self, entry: Running, incident: Any) -> None:
        """Record an incident as soon as it opens (alerts go out now); never raises."""
        try:
            if entry.stopped:
                logger.info("camera %s: incident after stop dropped", entry.camera_id)
                return
            services.incident_open(
                camera_id=entry.camera_id, key=incident.incident_id, label=incident.label,
                onset_at=_aware(incident.onset_wall), end_at=_aware(incident.end_wall),
                peak_score=incident.peak_score, peak_jpeg=incident.peak_jpeg)
        except Exception:
            logger.exception("camera %s: incident not recorded", entry.camera_id)
        finally:
            connection.close()

    def _on_clip_ready(self, entry: Running, incident: Any) -> None:
        """Store a finished incident's clip (also after a stop: the clip is still worth
        keeping); the local file is removed either way; never raises."""
        try:
            services.incident_clip_ready(
                camera_id=entry.camera_id, key=incident.incident_id,
                end_at=_aware(incident.end_wall), peak_score=incident.peak_score,
                peak_jpeg=incident.peak_jpeg,
                clip_path=Path(incident.clip_path) if incident.clip_ready else None,
                clip_error=incident.clip_error,
                clip_start_at=_aware(incident.clip_start_wall) if incident.clip_start_wall
                else None)
        except Exception:
            logger.exception("camera %s: incident clip not stored", entry.camera_id)
        finally:
            Path(incident.clip_path).unlink(missing_ok=True)
            connection.close()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
