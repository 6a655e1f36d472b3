"""Media retention: expired uploads, stored files no row refers to, old cached flow.

Core knows no app's models: each app that owns stored files registers a :class:`MediaOwner`
(in its ``AppConfig.ready``) saying which names its rows refer to, which prefixes are being
written, and how to delete its expired rows with their files.
"""
from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from webapp.core import storage as media

logger = logging.getLogger(__name__)

#: Stored prefixes retention may sweep. Never ``datasets/`` (dataset clips) or model files.
RETAINED_PREFIXES = ("videos", "thumbnails", "analyses", "alerts", "healthz", "uploads")
PROTECTED_PREFIXES = ("datasets",)


@dataclasses.dataclass(frozen=True)
class Expired:
    """What an owner's ``expire`` did: rows deleted with their files, rows kept (busy)."""

    deleted: int = 0
    kept_busy: int = 0


@dataclasses.dataclass(frozen=True)
class MediaOwner:
    """One app's answers for retention.

    ``referenced()``: stored names its rows refer to. ``busy_prefixes()``: prefixes of outputs
    being written (never swept). ``expire(cutoff)``: delete its uploads created before
    ``cutoff`` with every file of theirs.
    """

    referenced: Callable[[], Iterable[str]]
    busy_prefixes: Callable[[], Iterable[str]] = tuple
    expire: Callable[[datetime], Expired] | None = None


_OWNERS: dict[str, MediaOwner] = {}


def media_owner_register(name: str, owner: MediaOwner) -> None:
    """Register (or replace) the app ``name``'s :class:`MediaOwner`."""
    _OWNERS[name] = owner


@dataclasses.dataclass
class RetentionReport:
    cutoff: datetime | None
    videos_deleted: int = 0
    orphan_files_deleted: int = 0
    flow_files_deleted: int = 0
    skipped_busy_videos: int = 0


def _cutoff(days: float | None, now: datetime | None) -> datetime | None:
    days = settings.VIGIL_RETENTION_DAYS if days is None else days
    if not days or days <= 0:
        return None
    return (now or timezone.now()) - timedelta(days=days)


def _referenced_names() -> set[str]:
    names: set[str] = set()
    for owner in _OWNERS.values():
        names.update(owner.referenced())
    names.discard("")
    return names


def _busy_prefixes() -> set[str]:
    """Output folders being written (by every owner)."""
    return {prefix for owner in _OWNERS.values() for prefix in owner.busy_prefixes()}


def _sweep_orphans(cutoff: datetime) -> int:
    """Stored files under :data:`RETAINED_PREFIXES` no row refers to, modified before cutoff."""
    storage = media.media_storage()
    referenced, busy = _referenced_names(), _busy_prefixes()
    deleted = 0
    for prefix in RETAINED_PREFIXES:
        for name in list(media.walk(prefix)):
            if name in referenced or any(name.startswith(b) for b in busy) \
                    or name.split("/", 1)[0] in PROTECTED_PREFIXES:
                continue
            try:
                modified = storage.get_modified_time(name)
            except (OSError, NotImplementedError):
                continue
            if modified < cutoff:
                media.delete([name])
                deleted += 1
    return deleted


def _inside(path: Path, folder: str | os.PathLike[str] | None) -> bool:
    if not folder:
        return False
    folder = Path(folder).resolve()
    return path == folder or path.is_relative_to(folder) or folder.is_relative_to(path)


def _sweep_flow_cache(cutoff: datetime) -> int:
    """Cached flow files (``<dir>/<sha256>/*.npz``) modified before ``cutoff``."""
    directory = settings.VIGIL_FLOW_CACHE_DIR
    if not directory:
        return 0
    root = Path(directory).resolve()
    if not root.is_dir():
        return 0
    protected = [settings.VIGIL_MODEL_DIR]
    if media.is_local():
        protected.append(media.local_name_path("datasets"))
    if any(_inside(root, folder) for folder in protected):
        logger.error("retention: flow cache %s overlaps the model or dataset folder; "
                     "not swept", root)
        return 0
    limit = cutoff.timestamp()
    deleted = 0
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            deleted += 1
    for folder in sorted((p for p in root.iterdir() if p.is_dir()), reverse=True):
        try:
            folder.rmdir()  # empty per-video folders only
        except OSError:
            pass
    return deleted


def retention_run(*, days: float | None = None, now: datetime | None = None) -> RetentionReport:
    """Delete uploads (Video rows and every file of theirs: renders, thumbnails, alert media)
    created more than ``days`` (default ``VIGIL_RETENTION_DAYS``) ago, stored files no row
    refers to older than that, and cached flow older than that. 0 / unset: nothing is deleted.

    Uploads are deleted by their owners' ``expire`` (videos: those with an analysis still
    queued or running are kept until it finishes). Dataset clips (``datasets/``) and model
    files (``VIGIL_MODEL_DIR``) are never touched.
    """
    cutoff = _cutoff(days, now)
    report = RetentionReport(cutoff=cutoff)
    if cutoff is None:
        return report
    for owner in list(_OWNERS.values()):
        if owner.expire is not None:
            expired = owner.expire(cutoff)
            report.videos_deleted += expired.deleted
            report.skipped_busy_videos += expired.kept_busy
    report.orphan_files_deleted = _sweep_orphans(cutoff)
    report.flow_files_deleted = _sweep_flow_cache(cutoff)
    logger.info("retention (older than %s): %d videos, %d orphan files, %d flow files deleted; "
                "%d busy videos kept", cutoff.isoformat(), report.videos_deleted,
                report.orphan_files_deleted, report.flow_files_deleted,
                report.skipped_busy_videos)
    return report
