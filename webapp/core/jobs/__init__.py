"""One lifecycle for the queued worker jobs (analyses, training runs, evaluations, imports).

Enqueue on commit (:mod:`.queueing`) → claim under a run token (:mod:`.lifecycle`) → progress,
heartbeat and cancel checks (:mod:`.reporting`) → finish; a reaper (:mod:`.reaping`) re-queues
or ends jobs whose worker died. Model-agnostic: it works on any model with the common job
fields (see :mod:`.lifecycle`); apps pass their querysets, task names and small hooks.
"""
from __future__ import annotations

from webapp.core.jobs.lifecycle import (
    CANCELLED,
    FAILED,
    FINISHED,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    JobBusy,
    format_moment,
    job_cancel,
    job_claim,
    job_end,
    job_finish,
    job_start,
    stale_cutoff,
    worker_name,
)
from webapp.core.jobs.queueing import enqueue_on_commit, task_send
from webapp.core.jobs.reaping import ReapedJob, jobs_reap_stale
from webapp.core.jobs.reporting import Heartbeat, JobReporter, span_percent

__all__ = [
    "CANCELLED", "FAILED", "FINISHED", "QUEUED", "RUNNING", "SUCCEEDED", "Heartbeat", "JobBusy",
    "JobReporter", "ReapedJob", "enqueue_on_commit", "format_moment", "job_cancel",
    "job_claim", "job_end", "job_finish", "job_start", "jobs_reap_stale", "span_percent",
    "stale_cutoff", "task_send", "worker_name",
]
