"""The dataset download (zip of clips and manifest) as an HTTP response, for pages and API."""
from __future__ import annotations

from django.http import FileResponse, Http404

from training.datasets import TRAIN_SPLITS
from webapp.core.http import temporary_file_response
from webapp.datasets import services
from webapp.datasets.models import Dataset


def export_response(*, dataset: Dataset, splits: list[str] | None) -> FileResponse:
    """The dataset as a zip (built in an anonymous temporary file, streamed, then gone);
    404 for an unknown split."""
    if splits and any(s not in TRAIN_SPLITS for s in splits):
        raise Http404("unknown split")
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in dataset.name)[:60]
    return temporary_file_response(
        lambda out: services.dataset_export_zip(dataset=dataset, out=out, splits=splits),
        filename=f"dataset-{safe or dataset.pk}.zip", content_type="application/zip")
