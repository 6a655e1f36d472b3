"""Celery tasks: load by id, call one service."""
from __future__ import annotations

import dataclasses

from celery import shared_task

from webapp.core.retention import retention_run


@shared_task(name="core.retention")
def retention() -> dict:
    report = retention_run()
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in dataclasses.asdict(report).items()}
