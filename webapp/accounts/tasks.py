"""Celery tasks for accounts."""
from __future__ import annotations

from celery import shared_task

from webapp.accounts import services


@shared_task(name="accounts.login_failures_purge")
def login_failures_purge() -> int:
    return services.login_failures_purge()
