"""Writes for uploads: accept a file (size limit, probe, storage, SHA-256, thumbnail), delete
videos and their files, expire old ones, and upload-then-analyse as one step."""
from __future__ import annotations

import dataclasses
import logging
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from inference.errors import VideoRejected, VigilError
from inference.probe import probe
from inference.types import (
    VideoMeta,
)
from webapp.core import storage as media
from webapp.core.errors import UploadTooLarge
from webapp.core.probing import probe_limits
from webapp.core.retention import Expired
from webapp.core.uploads import upload_on_disk
from webapp.videos import quotas
from webapp.videos.models import (
    FINISHED_STATUSES,
    Analysis,
    AnalysisStatus,
    Video,
)
from webapp.videos.options import AnalysisOptions, analysis_options_clean
from webapp.videos.services.analyses import analysis_start

logger = logging.getLogger(__name__)

CONTAINER_EXTENSIONS = {"mov": "mp4", "matroska": "mkv", "avi": "avi", "mpeg": "mpg",
                        "mpegts": "ts", "flv": "flv", "ogg": "ogv", "mpegvideo": "m1v"}
THUMBNAIL_MAX_HEIGHT = 180
#: Longest display name kept for an upload (``Video.original_name``).
MAX_NAME_CHARS = 200


# --- Uploads -----------------------------------------------------------------------------------

#: Reasons decoding (the thumbnail's) refuses a file for: limits a probe cannot see in full.
REFUSED_WHILE_DECODING = frozenset({"frame_too_large"})


def clean_original_name(name: str | None) -> str:
    """Display text for an uploaded file's name: no folders, no control characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if ch.isspace() else ch for ch in name
                   if ch.isspace() or not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_NAME_CHARS:  # shorten the stem, keep a short extension
        stem, dot, extension = name.rpartition(".")
        keep = dot and stem and len(extension) <= 16
        name = (stem[:MAX_NAME_CHARS - len(extension) - 1].rstrip(" .") + "." + extension
                if keep else name[:MAX_NAME_CHARS].rstrip(" ."))
    return name or "video"


def thumbnail_create(meta: VideoMeta, name: str, *, at_sec: float = 1.0) -> None:
    """Store a JPEG of the frame on screen at ``at_sec`` (capped to a third of the video)."""
    from inference.clip import still_jpeg  # noqa: PLC0415  (PyAV/Pillow: only needed here)

    with media.local_output(name) as dest:
        still_jpeg(meta, str(dest), at_sec=min(at_sec, meta.duration_sec / 3),
                   max_height=THUMBNAIL_MAX_HEIGHT)


def video_create(*, owner: User, upload: UploadedFile,
                 original_name: str | None = None, source_tag: str = "") -> Video:
    """Accept an upload: size limit, content probe, random storage name, SHA-256, thumbnail.

    Raises :class:`UploadTooLarge`, ``VideoRejected`` (with the probe's code) or
    ``QuotaExceeded`` (the owner's storage quota); then nothing is stored: no file in media,
    no row.
    """
    if upload.size is not None and upload.size > settings.VIGIL_MAX_UPLOAD_BYTES:
        raise UploadTooLarge
    quotas.storage_quota_check(user=owner, adding_bytes=upload.size or 0)
    video_id = uuid.uuid4()
    thumbnail = f"thumbnails/{video_id.hex[:2]}/{video_id}.jpg"
    relative = ""
    try:
        with upload_on_disk(upload) as source:
            meta = probe(str(source), limits=probe_limits())
            relative = (f"videos/{video_id.hex[:2]}/{video_id}."
                        f"{CONTAINER_EXTENSIONS[meta.container]}")
            sha256 = media.store_with_sha256(source, relative)
            try:
                thumbnail_create(dataclasses.replace(meta, path=str(source)), thumbnail)
            except VideoRejected as exc:
                if exc.code in REFUSED_WHILE_DECODING:
                    raise  # a limit the probe could not see: the upload is refused
                logger.warning("no thumbnail for video %s: %s", video_id, exc)
                thumbnail = ""
            except (VigilError, OSError, ValueError) as exc:
                logger.warning("no thumbnail for video %s: %s", video_id, exc)
                thumbnail = ""
        with transaction.atomic():
            quotas.storage_quota_check(user=owner, adding_bytes=meta.size_bytes, lock=True)
            return Video.objects.create(
                id=video_id, owner=owner, original_name=clean_original_name(
                    original_name if original_name is not None else upload.name),
                file=relative, thumbnail=thumbnail, sha256=sha256, size_bytes=meta.size_bytes,
                container=meta.container, codec=meta.codec, width=meta.display_width,
                height=meta.display_height, rotation=meta.rotation, fps=meta.fps,
                frame_count=meta.frame_count, duration_sec=meta.duration_sec,
                has_audio=meta.has_audio, source_tag=(source_tag or "").strip()[:100],
            )
    except BaseException:
        media.delete([relative, thumbnail])
        raise


def _remove_media(paths: Iterable[str], folders: Iterable[str]) -> None:
    media.delete(paths)
    for relative in folders:
        media.delete_tree(relative)


def video_delete(*, video: Video) -> None:
    """Delete a video, its analyses and every file; running analyses stop at their next check."""
    paths = [video.file, video.thumbnail]
    folders = [f"analyses/{pk}" for pk in video.analyses.values_list("pk", flat=True)]
    with transaction.atomic():
        video.analyses.exclude(status__in=FINISHED_STATUSES).update(cancel_requested=True)
        video.delete()
        transaction.on_commit(partial(_remove_media, paths, folders))


def videos_expire(cutoff: datetime) -> Expired:
    """Delete the videos created before ``cutoff`` (:func:`video_delete`), keeping those with
    an analysis still queued or running until it finishes (retention's ``expire``)."""
    old = Video.objects.filter(created_at__lt=cutoff)
    busy = set(old.filter(analyses__status__in=[AnalysisStatus.QUEUED, AnalysisStatus.RUNNING])
               .values_list("pk", flat=True))
    deleted = 0
    for video in old.exclude(pk__in=busy).iterator():
        video_delete(video=video)
        deleted += 1
    return Expired(deleted=deleted, kept_busy=len(busy))


def video_upload(*, owner: User, upload: UploadedFile,
                 analysis_options: AnalysisOptions | Mapping[str, Any] | None = None,
                 source_tag: str = "") -> tuple[Video, Analysis | None]:
    """Accept an upload and, given options (cleaned, or keyword options to clean), start its
    analysis: all or nothing.

    The options (and the analyses quota) are checked before the file is touched; if anything
    fails after the video was stored, its files and rows go again.
    """
    if analysis_options is not None:
        quotas.analyses_quota_check(user=owner)
        if not isinstance(analysis_options, AnalysisOptions):
            analysis_options = analysis_options_clean(**analysis_options)
    video = None
    try:
        with transaction.atomic():
            video = video_create(owner=owner, upload=upload, source_tag=source_tag)
            analysis = (analysis_start(video=video, created_by=owner, options=analysis_options)
                        if analysis_options is not None else None)
    except BaseException:
        if video is not None:
            _remove_media([video.file, video.thumbnail], [])
        raise
    return video, analysis
