"""Writes for resumable uploads (the tus 1.0.0 protocol's server side).

A client creates an upload (its length and options), then sends the bytes in any number of
PATCH requests; each one's bytes are stored as a part under ``uploads/<id>/`` (private media,
named by the offset it starts at), as much as arrived, even when the connection dropped
mid-way. ``offset`` is what a HEAD answers, so the client resumes where the server stands.
Once complete the parts are assembled into one local file that the caller hands to the normal
upload service (:func:`.uploads.video_upload`: size limit, content probe, quotas), then
:func:`resumable_upload_finish` records what it made and drops the parts.

Partial uploads untouched for ``VIGIL_UPLOAD_RESUME_HOURS`` are deleted with their parts by the
watchdog (:func:`resumable_uploads_expire`); retention's orphan sweep removes parts no row
refers to.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from webapp.core import storage as media
from webapp.core.errors import ServiceError, UploadTooLarge
from webapp.videos import quotas
from webapp.videos.models import Analysis, ResumableUpload, Video

#: Bytes read from the request per step while a part streams in.
READ_BYTES = 1 << 20
#: Width of the zero-padded offset in a part's name (sorts by name = by offset).
PART_DIGITS = 15


class UploadOffsetMismatch(ServiceError):
    """A PATCH starting elsewhere than the bytes stored so far (tus: 409 Conflict)."""

    code = "offset_mismatch"
    http_status = 409


class UploadLengthExceeded(ServiceError):
    """More bytes than the upload's declared length (413)."""

    code = "upload_length_exceeded"
    http_status = 413


def resumable_uploads_open() -> QuerySet[ResumableUpload]:
    """Uploads still receiving bytes."""
    return ResumableUpload.objects.filter(offset__lt=F("length"))


def resumable_upload_create(*, owner: User, length: int, metadata: dict[str, str],
                            starts_analysis: bool) -> ResumableUpload:
    """A new upload of ``length`` bytes: refused (before any byte is sent) past the upload size
    limit, the owner's storage quota, their analyses quota when the upload starts one, or their
    number of unfinished uploads."""
    if length > settings.VIGIL_MAX_UPLOAD_BYTES:
        raise UploadTooLarge
    quotas.storage_quota_check(user=owner, adding_bytes=length)
    if starts_analysis:
        quotas.analyses_quota_check(user=owner)
    cap = settings.VIGIL_MAX_OPEN_UPLOADS
    if cap and not owner.is_staff:
        open_count = resumable_uploads_open().filter(owner=owner).count()
        if open_count >= cap:
            raise quotas.QuotaExceeded("quota_uploads", (
                f"You have {open_count} unfinished uploads, the most allowed at once ({cap}); "
                "finish or cancel one first."))
    return ResumableUpload.objects.create(owner=owner, length=length, metadata=metadata)


def _part_name(upload: ResumableUpload, offset: int) -> str:
    return f"{upload.folder}/{offset:0{PART_DIGITS}d}.part"


def _receive(read: Callable[[int], bytes], *, limit: int, out) -> int:
    """Copy up to ``limit`` bytes from ``read`` to ``out``; a dropped connection ends the copy
    (what arrived is kept). Returns the bytes copied."""
    received = 0
    while received < limit:
        try:
            block = read(min(READ_BYTES, limit - received))
        except OSError:  # connection reset, or the server's "no more data" (an IOError)
            break
        if not block:
            break
        out.write(block)
        received += len(block)
    return received


def resumable_upload_append(*, upload: ResumableUpload, offset: int, content_length: int,
                            read: Callable[[int], bytes]) -> ResumableUpload:
    """Store the bytes of one PATCH that starts at ``offset``: as many of ``content_length``
    as ``read`` delivers. Returns the upload with its new offset.

    Raises :class:`UploadOffsetMismatch` when ``offset`` is not where the upload stands (also
    when another request stored bytes meanwhile) and :class:`UploadLengthExceeded` when the
    request would pass the declared length.
    """
    if offset != upload.offset or upload.is_complete:
        raise UploadOffsetMismatch(f"the upload is at offset {upload.offset}, not {offset}")
    if offset + content_length > upload.length:
        raise UploadLengthExceeded(
            f"{content_length} bytes at offset {offset} pass the upload's length "
            f"{upload.length}")
    fd, temp = tempfile.mkstemp(prefix="tus-", dir=settings.FILE_UPLOAD_TEMP_DIR or None)
    try:
        with os.fdopen(fd, "wb") as out:
            received = _receive(read, limit=content_length, out=out)
        if not received:
            return upload
        with transaction.atomic():
            locked = ResumableUpload.objects.select_for_update().get(pk=upload.pk)
            if locked.offset != offset:
                raise UploadOffsetMismatch(
                    f"the upload moved to offset {locked.offset} meanwhile")
            media.store_file(temp, _part_name(locked, offset))
            locked.offset = offset + received
            locked.save(update_fields=["offset", "updated_at"])
        return locked
    finally:
        Path(temp).unlink(missing_ok=True)


@contextmanager
def resumable_upload_assembled(*, upload: ResumableUpload) -> Iterator[Path]:
    """A local temp file holding the complete upload's bytes (its parts in order), removed
    after the block."""
    fd, temp = tempfile.mkstemp(prefix="tus-whole-", dir=settings.FILE_UPLOAD_TEMP_DIR or None)
    try:
        with os.fdopen(fd, "wb") as out:
            for name in sorted(media.walk(upload.folder)):
                with media.local_copy(name) as part, open(part, "rb") as src:
                    shutil.copyfileobj(src, out, media.CHUNK_BYTES)
        size = Path(temp).stat().st_size
        if size != upload.length:
            raise OSError(f"upload {upload.pk}: parts hold {size} bytes, not {upload.length}")
        yield Path(temp)
    finally:
        Path(temp).unlink(missing_ok=True)


def resumable_upload_finish(*, upload: ResumableUpload, video: Video,
                            analysis: Analysis | None) -> ResumableUpload:
    """Record what the complete upload made; its parts are dropped."""
    upload.video, upload.analysis = video, analysis
    upload.save(update_fields=["video", "analysis", "updated_at"])
    transaction.on_commit(partial(media.delete_tree, upload.folder))
    return upload


def resumable_upload_delete(*, upload: ResumableUpload) -> None:
    """Delete an upload and its parts (tus termination, or a refused file)."""
    folder = upload.folder
    upload.delete()
    transaction.on_commit(partial(media.delete_tree, folder))


def resumable_uploads_expire(*, now: datetime | None = None) -> int:
    """Delete uploads untouched for ``VIGIL_UPLOAD_RESUME_HOURS`` (unfinished ones with their
    parts; finished ones are only their record). Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.VIGIL_UPLOAD_RESUME_HOURS)
    deleted = 0
    for upload in ResumableUpload.objects.filter(updated_at__lt=cutoff).iterator():
        resumable_upload_delete(upload=upload)
        deleted += 1
    return deleted
