"""Writes for datasets, one module per concern (the package re-exports the public ones).

- :mod:`.datasets`: create, rename, delete, labels, split fractions and re-splits;
- :mod:`.clips`: storing validated clips all or nothing, one clip from a video, clip edits;
- :mod:`.imports`: folder, manifest and AVA-row imports (and their zips);
- :mod:`.archives`: safe zip extraction, server paths kept out of errors;
- :mod:`.import_jobs`: an uploaded import staged, queued and run by a worker;
- :mod:`.manifests` and :mod:`.export`: manifest CSVs and the export zip;
- :mod:`.feedback`: verdicts on results, and verdicts turned into clips.

Every import validates all of its rows first and raises one
:class:`training.datasets.ManifestError` listing every bad row; then nothing is stored.
"""
from __future__ import annotations

from webapp.datasets.services.archives import scrub_path, zip_extract
from webapp.datasets.services.clips import (
    CLIP_MAX_HEIGHT,
    PlannedClip,
    dataset_clip_add_from_video,
    dataset_clip_delete,
    dataset_clip_update,
)
from webapp.datasets.services.datasets import (
    DEFAULT_FRACTIONS,
    MAX_LABEL_CHARS,
    Progress,
    dataset_create,
    dataset_delete,
    dataset_resplit,
    dataset_update,
)
from webapp.datasets.services.export import dataset_export_zip
from webapp.datasets.services.feedback import (
    feedback_add_to_dataset,
    feedback_clip_label,
    feedback_delete,
    feedback_set,
)
from webapp.datasets.services.import_jobs import (
    IMPORT_STAGE_SPANS,
    IMPORT_TASK,
    dataset_import_run,
    dataset_import_start,
)
from webapp.datasets.services.imports import (
    AVA_HALF_WINDOW_SEC,
    AVA_MAX_BYTES,
    IMPORT_KINDS,
    dataset_import_ava,
    dataset_import_file,
    dataset_import_folder,
    dataset_import_folder_zip,
    dataset_import_manifest,
    dataset_import_manifest_zip,
)
from webapp.datasets.services.manifests import MANIFEST_COLUMNS, dataset_write_manifest

__all__ = [
    "AVA_HALF_WINDOW_SEC",
    "AVA_MAX_BYTES",
    "CLIP_MAX_HEIGHT",
    "DEFAULT_FRACTIONS",
    "IMPORT_KINDS",
    "IMPORT_STAGE_SPANS",
    "IMPORT_TASK",
    "MANIFEST_COLUMNS",
    "MAX_LABEL_CHARS",
    "PlannedClip",
    "Progress",
    "dataset_clip_add_from_video",
    "dataset_clip_delete",
    "dataset_clip_update",
    "dataset_create",
    "dataset_delete",
    "dataset_export_zip",
    "dataset_import_ava",
    "dataset_import_file",
    "dataset_import_folder",
    "dataset_import_folder_zip",
    "dataset_import_manifest",
    "dataset_import_manifest_zip",
    "dataset_import_run",
    "dataset_import_start",
    "dataset_resplit",
    "dataset_update",
    "dataset_write_manifest",
    "feedback_add_to_dataset",
    "feedback_clip_label",
    "feedback_delete",
    "feedback_set",
    "scrub_path",
    "zip_extract",
]
