"""Export: a dataset as a zip of ``manifest.csv`` + ``clips/`` (what the manifest import reads)."""
from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from django.conf import settings

from webapp.core import storage as media
from webapp.datasets.models import Dataset
from webapp.datasets.services.manifests import manifest_clips, manifest_write


def dataset_export_zip(*, dataset: Dataset, out: IO[bytes],
                       splits: Iterable[str] | None = None) -> int:
    """Write a zip of ``manifest.csv`` (paths relative to it) + ``clips/<file>`` into ``out``.

    The format :func:`dataset_import_manifest_zip` reads back. Returns the number of clips.
    """
    clips = list(manifest_clips(dataset=dataset, splits=splits))
    with tempfile.TemporaryDirectory(prefix="dataset-export-",
                                     dir=settings.FILE_UPLOAD_TEMP_DIR) as tmp:
        manifest = manifest_write(clips=clips, out=Path(tmp) / "manifest.csv",
                                  path_of=lambda c: f"clips/{Path(c.file).name}")
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.write(manifest, "manifest.csv", compress_type=zipfile.ZIP_DEFLATED)
            for clip in clips:
                with media.local_copy(clip.file) as local:
                    zf.write(local, f"clips/{Path(clip.file).name}")
    return len(clips)
