"""Import jobs: an uploaded import staged, queued for a worker and run there with progress."""
from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from training.datasets import ManifestError
from webapp.core import storage as media
from webapp.core.jobs import JobReporter, enqueue_on_commit, job_end, job_start, span_percent
from webapp.core.models import JobStatus
from webapp.core.uploads import upload_on_disk
from webapp.datasets.models import Dataset, DatasetImport
from webapp.datasets.services.archives import scrub_path
from webapp.datasets.services.datasets import DEFAULT_FRACTIONS, check_fractions
from webapp.datasets.services.imports import (
    AVA_HALF_WINDOW_SEC,
    AVA_MAX_BYTES,
    IMPORT_KINDS,
    dataset_import_file,
    upload_name,
)

logger = logging.getLogger(__name__)

IMPORT_TASK = "datasets.import_clips"
#: Overall percent at the start and end of each import stage.
IMPORT_STAGE_SPANS = {"extract": (0.0, 10.0), "validate": (10.0, 50.0), "store": (50.0, 99.0)}


def dataset_import_start(*, dataset: Dataset, user: User, kind: str,
                         upload: UploadedFile, fractions: Sequence[float] = DEFAULT_FRACTIONS,
                         seed: int = 0, half_window_sec: float = AVA_HALF_WINDOW_SEC,
                         ) -> DatasetImport:
    """Stage an uploaded import and queue it for a worker (``cpu`` queue); returns the row to
    follow (``status``, ``percent``, ``problems``)."""
    if kind not in IMPORT_KINDS:
        raise ValidationError({"kind": f"One of {', '.join(IMPORT_KINDS)}."})
    fractions = check_fractions(fractions)
    if not 0.05 <= half_window_sec <= 30:
        raise ValidationError({"half_window_sec": "Between 0.05 and 30 seconds."})
    if kind == "ava" and upload.size is not None and upload.size > AVA_MAX_BYTES:
        raise ValidationError({"file": f"AVA rows: at most {AVA_MAX_BYTES} bytes."})
    name = upload_name(upload)
    staged = f"dataset-imports/{uuid.uuid4()}/{'rows.csv' if kind == 'ava' else 'upload.zip'}"
    with upload_on_disk(upload) as local:
        media.store_file(local, staged)
    try:
        with transaction.atomic():
            job = DatasetImport.objects.create(
                dataset=dataset, created_by=user, kind=kind, original_name=name,
                upload=staged, celery_task_id=uuid.uuid4().hex,
                options={"fractions": list(fractions), "seed": seed,
                         "half_window_sec": half_window_sec})
            enqueue_on_commit(job, task=IMPORT_TASK, label="import", queue="cpu",
                              args=[job.pk], on_failure=_import_failed_to_queue)
    except BaseException:
        media.delete([staged])
        raise
    return job


def _import_failed_to_queue(job_id: int, error: str) -> None:
    _import_finish(job_id, JobStatus.FAILED, error=error)


def _import_finish(job_id: int, status: str, *, error: str = "",
                   problems: Sequence[tuple[int, str]] = (), imported: int = 0) -> None:
    job = DatasetImport.objects.filter(pk=job_id).first()
    if job is None:
        return
    media.delete([job.upload])
    job_end(DatasetImport, pk=job_id, token=None, status=status, error=error,
            error_max_chars=10000, problems=[list(p) for p in problems][:1000],
            imported=imported, upload="",
            percent=100.0 if status == JobStatus.SUCCEEDED else job.percent,
        stage="done" if status == JobStatus.SUCCEEDED else job.stage)


class _ImportReporter(JobReporter):
    """Writes an import's stage and overall percent at most every ``progress_interval_sec``."""

    def __init__(self, job: DatasetImport) -> None:
        super().__init__(job, None)

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.progress(stage, span_percent(IMPORT_STAGE_SPANS.get(stage, (0.0, 99.0)),
                                          done / total if total else 0.0))


def dataset_import_run(*, job_id: int) -> str:
    """Worker side: run a queued import; every outcome is stored on the row, the staged upload
    is deleted. A re-delivered message of a finished import does nothing."""
    if not job_start(DatasetImport, pk=job_id, stage="starting"):
        return "skipped"
    job = DatasetImport.objects.select_related("dataset", "created_by").get(pk=job_id)
    options = job.options or {}
    try:
        with media.local_copy(job.upload) as local:
            clips = dataset_import_file(
                dataset=job.dataset, user=job.created_by, kind=job.kind, path=local,
                name=job.original_name or job.kind,
                fractions=options.get("fractions", DEFAULT_FRACTIONS),
                seed=int(options.get("seed", 0)),
                half_window_sec=float(options.get("half_window_sec", AVA_HALF_WINDOW_SEC)),
                on_progress=_ImportReporter(job))
    except ManifestError as exc:
        _import_finish(job.pk, JobStatus.FAILED, error=str(exc), problems=exc.problems)
        return "failed"
    except ValidationError as exc:
        _import_finish(job.pk, JobStatus.FAILED, error="; ".join(exc.messages))
        return "failed"
    except Exception as exc:
        logger.exception("dataset import %s failed", job_id)
        reason = scrub_path(str(exc), folder=settings.FILE_UPLOAD_TEMP_DIR,
                            name=job.original_name or job.kind)
        _import_finish(job.pk, JobStatus.FAILED, error=f"the import failed: {reason}")
        return "failed"
    _import_finish(job.pk, JobStatus.SUCCEEDED, imported=len(clips))
    return "succeeded"
