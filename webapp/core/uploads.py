"""Upload size limits: refuse oversize bodies early and stop streaming ones past the limit.

The middleware in :mod:`webapp.core.middleware` answers 413 from ``Content-Length`` before the
body is read; :class:`SizeLimitUploadHandler` counts the bytes of each file as they stream in
and raises ``StopUpload`` past the limit, so nothing oversize is ever stored.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files import uploadhandler
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

#: Set on the Django request when the handler stopped an upload for its size.
TOO_LARGE_FLAG = "_vigil_upload_too_large"
#: Room for multipart boundaries and the form's other fields on top of the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts a file's bytes; past ``VIGIL_MAX_UPLOAD_BYTES`` it halts the upload."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.VIGIL_MAX_UPLOAD_BYTES:
            if self.request is not None:
                setattr(self.request, TOO_LARGE_FLAG, True)
            # Discard the rest of the body (not stored) so the 413 reaches the client.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class TemporaryFileUploadHandler(uploadhandler.TemporaryFileUploadHandler):
    """Django's handler (spools every upload to ``FILE_UPLOAD_TEMP_DIR``), but the temp file's
    name never carries the client's extension: Django appends it, and a 300-character
    "extension" made the file name too long for the filesystem (a 500)."""

    def new_file(self, *args, **kwargs) -> None:
        FileUploadHandler.new_file(self, *args, **kwargs)
        self.file = TemporaryUploadedFile("upload", self.content_type, 0, self.charset,
                                          self.content_type_extra)
        self.file.name = self.file_name  # truncated to 255 characters by Django


def upload_too_large(request: HttpRequest) -> bool:
    """True when this request's upload was stopped for its size (Django or DRF request)."""
    django_request = getattr(request, "_request", request)
    return bool(getattr(django_request, TOO_LARGE_FLAG, False))


def content_length_too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.VIGIL_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES


def too_large_message() -> str:
    limit_mb = settings.VIGIL_MAX_UPLOAD_BYTES / 1024**2
    return f"the file is larger than the upload limit of {limit_mb:.0f} MB"


@contextmanager
def upload_on_disk(upload: UploadedFile | str | os.PathLike[str]) -> Iterator[Path]:
    """A path holding an upload's bytes (Django's temp file, or a temp copy removed after),
    or a path as is."""
    if isinstance(upload, str | os.PathLike):
        yield Path(upload)
        return
    temporary_path = getattr(upload, "temporary_file_path", None)
    if temporary_path is not None:
        yield Path(temporary_path())
        return
    fd, path = tempfile.mkstemp(prefix="upload-", dir=settings.FILE_UPLOAD_TEMP_DIR)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        yield Path(path)
    finally:
        Path(path).unlink(missing_ok=True)


class LocalUploadedFile(UploadedFile):
    """An upload whose bytes already lie in a local file (an assembled resumable upload): the
    upload service reads that file in place, as it does Django's temp file."""

    def __init__(self, path: str | os.PathLike[str], *, name: str,
                 content_type: str = "") -> None:
        self._path = Path(path)
        super().__init__(open(self._path, "rb"), name=name, content_type=content_type,
                         size=self._path.stat().st_size)

    def temporary_file_path(self) -> str:
        return str(self._path)
