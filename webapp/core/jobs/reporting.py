"""An execution's progress writes, cancel checks and heartbeat thread.

Every write of a :class:`JobReporter` is conditional on the job still running under the
execution's run token, so an execution that lost ownership (re-queued by the reaper, row
deleted) notices (``lost``) and stops at its next check without touching the row.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from webapp.core.jobs.lifecycle import RUNNING
from webapp.core.threads import repeat_every

logger = logging.getLogger(__name__)


def span_percent(span: tuple[float, float], fraction: float) -> float:
    """Overall percent ``fraction`` (clamped to 0..1) of the way through ``(start, end)``,
    rounded to 0.1."""
    start, end = span
    return round(start + (end - start) * min(max(fraction, 0.0), 1.0), 1)


class JobReporter:
    """Writes of one execution to its job row, and its cancel / lost / time-limit checks.

    ``token`` ``None``: a job with no run token (writes need only that it still runs).
    Hooks: :meth:`on_check` runs at every unthrottled :meth:`should_cancel`; subclasses add
    the callbacks their work calls (``on_progress``, ``on_epoch`` ...).
    """

    #: Least seconds between two progress writes of the same stage.
    progress_interval_sec = 0.5
    #: Least seconds between two reads of the row for a cancel request.
    poll_interval_sec = 0.5

    def __init__(self, job: models.Model, token: str | None, *,
                 time_limit_sec: float | None = None) -> None:
        self.model = type(job)
        self.job_id = job.pk
        self.token = token
        self.lost = False
        self.cancel = False
        self.timed_out = False
        limit = settings.VIGIL_TASK_SOFT_TIME_LIMIT if time_limit_sec is None else time_limit_sec
        self.deadline = time.monotonic() + limit
        self._stage = ""
        self._last_progress = 0.0
        self._last_poll = 0.0
        self._lock = threading.Lock()

    def _mine(self) -> QuerySet[Any]:
        rows = self.model._default_manager.filter(pk=self.job_id, status=RUNNING)
        return rows if self.token is None else rows.filter(run_token=self.token)

    def update(self, **fields: Any) -> bool:
        """Write ``fields`` while this execution owns the job; else mark it ``lost``."""
        with self._lock:
            if self.lost:
                return False
            updated = self._mine().update(**fields)
            if not updated:
                self.lost = True
            return bool(updated)

    def heartbeat(self) -> None:
        self.update(heartbeat_at=timezone.now())

    def progress(self, stage: str, percent: float, *, force: bool = False,
                 **fields: Any) -> bool:
        """Write ``stage``, ``percent`` and ``fields``, unless the same stage was written less
        than ``progress_interval_sec`` ago (``force``: write anyway)."""
        now = time.monotonic()
        if (not force and stage == self._stage
                and now - self._last_progress < self.progress_interval_sec):
            return False
        self._stage, self._last_progress = stage, now
        return self.update(stage=stage, percent=percent, **fields)

    def should_cancel(self) -> bool:
        """Whether to stop now: lost ownership, a cancel request or past the time limit
        (``timed_out``). Reads the row at most every ``poll_interval_sec``."""
        if self.lost or self.cancel:
            return True
        now = time.monotonic()
        if now > self.deadline:
            self.timed_out = True
            return True
        self.on_check(now)
        if now - self._last_poll < self.poll_interval_sec:
            return False
        self._last_poll = now
        return self.poll()

    def poll(self) -> bool:
        """Read the row: lost (gone, another token, not running) or cancel requested."""
        row = (self.model._default_manager.filter(pk=self.job_id)
               .values("run_token", "status", "cancel_requested").first())
        if row is None or row["run_token"] != self.token or row["status"] != RUNNING:
            self.lost = True
            return True
        self.cancel = bool(row["cancel_requested"])
        return self.cancel

    def on_check(self, now: float) -> None:
        """Hook: periodic work at each check (``now``: ``time.monotonic()``); none here."""


class Heartbeat(threading.Thread):
    """Beats every ``VIGIL_HEARTBEAT_SEC`` while the work runs (even in silent stages)."""

    def __init__(self, reporter: JobReporter) -> None:
        super().__init__(name="vigil-heartbeat", daemon=True)
        self.reporter = reporter
        self.stopped = threading.Event()

    def run(self) -> None:
        repeat_every(settings.VIGIL_HEARTBEAT_SEC, self.reporter.heartbeat, stop=self.stopped,
                     failure="heartbeat failed", logger=logger)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)
