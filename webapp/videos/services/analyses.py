"""Writes that start and cancel analyses (the request side; the run is ``worker``)."""
from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction

from webapp.celery import queue_for_device
from webapp.core.jobs import (
    enqueue_on_commit,
    job_cancel,
)
from webapp.models_registry.models import ModelVersion
from webapp.videos import quotas
from webapp.videos.models import (
    Analysis,
    Video,
)
from webapp.videos.options import AnalysisOptions, analysis_options_clean

ANALYZE_TASK = "videos.analyze_video"


# --- Starting and cancelling ---------------------------------------------------------------------

def analysis_start(*, video: Video, created_by: User | None = None,
                   options: AnalysisOptions | None = None,
                   model_version: ModelVersion | None = None,
                   segment_sec: float | None = None, stride_sec: float | None = None,
                   labels: Iterable[str] = (), threshold: float | None = None,
                   device: str | None = None, modalities: Iterable[str] = (),
                   fusion_weights: dict[str, float] | None = None,
                   flow_method: str | None = None) -> Analysis:
    """Create a queued analysis and send its task once the transaction commits.

    ``options`` come cleaned from a form or serializer; without them the keyword options are
    cleaned here by ``options.analysis_options_clean`` (``None``: the default; a bad one raises
    ``ValidationError`` keyed by field). ``QuotaExceeded`` when ``created_by`` has
    ``VIGIL_QUOTA_ACTIVE_ANALYSES`` analyses queued or running. ``modalities`` /
    ``fusion_weights`` / ``flow_method`` select fused streams (the model version's
    ``<arch>.<modality>`` siblings), as ``PipelineConfig`` describes.
    """
    if options is None:
        options = analysis_options_clean(
            model_version=model_version, segment_sec=segment_sec, stride_sec=stride_sec,
            labels=labels, threshold=threshold, device=device, modalities=modalities,
            fusion_weights=fusion_weights, flow_method=flow_method)
    with transaction.atomic():
        quotas.analyses_quota_check(user=created_by, lock=True)
        analysis = Analysis.objects.create(
            video=video, created_by=created_by, queue=queue_for_device(options.device),
            celery_task_id=uuid.uuid4().hex, **options.as_fields())
        enqueue_on_commit(analysis, task=ANALYZE_TASK, label="analysis")
    return analysis


def analysis_cancel(*, analysis: Analysis) -> Analysis:
    """Queued: cancelled now. Running: flagged; the worker stops within about a second."""
    return job_cancel(analysis)
