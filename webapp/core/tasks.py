"""Celery tasks: load by id, call one service."""
from __future__ import annotations

import dataclasses

from celery import shared_task

from webapp.core import services


@shared_task(name="core.retention")
def retention() -> dict:
    report = services.retention_run()
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in dataclasses.asdict(report).items()}
