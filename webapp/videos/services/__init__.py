"""Writes for videos and analyses, one module per concern (HackSoft's "Modules" advice):

- :mod:`.uploads`: accept an upload, delete and expire videos, upload-then-analyse;
- :mod:`.analyses`: start and cancel an analysis (the request side);
- :mod:`.worker`: run an analysis (claim, pipeline, record) and reap stale runs;
- :mod:`.resumable`: resumable (tus) uploads: create, append parts, assemble, expire.

The public names are re-exported here, so ``from webapp.videos import services`` keeps working;
a test that patches a name patches it in the module that reads it.
"""
from __future__ import annotations

from webapp.videos.services.analyses import ANALYZE_TASK, analysis_cancel, analysis_start
from webapp.videos.services.resumable import (
    UploadLengthExceeded,
    UploadOffsetMismatch,
    resumable_upload_append,
    resumable_upload_assembled,
    resumable_upload_create,
    resumable_upload_delete,
    resumable_upload_finish,
    resumable_uploads_expire,
)
from webapp.videos.services.uploads import (
    CONTAINER_EXTENSIONS,
    MAX_NAME_CHARS,
    clean_original_name,
    thumbnail_create,
    video_create,
    video_delete,
    video_upload,
    videos_expire,
)
from webapp.videos.services.worker import (
    analyses_reap_stale,
    analysis_run,
    pipeline_config,
    segments_upsert,
)

__all__ = [
    "ANALYZE_TASK",
    "CONTAINER_EXTENSIONS",
    "MAX_NAME_CHARS",
    "UploadLengthExceeded",
    "UploadOffsetMismatch",
    "analyses_reap_stale",
    "analysis_cancel",
    "analysis_run",
    "analysis_start",
    "clean_original_name",
    "pipeline_config",
    "resumable_upload_append",
    "resumable_upload_assembled",
    "resumable_upload_create",
    "resumable_upload_delete",
    "resumable_upload_finish",
    "resumable_uploads_expire",
    "segments_upsert",
    "thumbnail_create",
    "video_create",
    "video_delete",
    "video_upload",
    "videos_expire",
]
