"""Vigil web app: the only Django-aware code. Importing it loads the Celery app."""
from __future__ import annotations

from webapp.celery import app as celery_app

__all__ = ["celery_app"]
