"""Re-scoring: analyse the videos of earlier analyses again with another model version."""
from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction

from webapp.models_registry.models import ModelVersion
from webapp.videos.models import Analysis
from webapp.videos.services import analysis_start


def analyses_rescore(*, analyses: Iterable[Analysis], version: ModelVersion,
                     created_by: User | None = None) -> list[Analysis]:
    """A new analysis of each analysis's video with ``version`` (same windows and threshold;
    the version's default labels). All are created, or none."""
    with transaction.atomic():
        return [analysis_start(video=old.video, created_by=created_by, model_version=version,
                               segment_sec=old.segment_sec, stride_sec=old.stride_sec,
                               threshold=old.threshold, device=old.device)
                for old in analyses]
