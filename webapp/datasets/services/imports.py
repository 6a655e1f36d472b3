"""Imports: a folder of ``<label>/<clip>``, a manifest, AVA-style rows, and their zips.

Every import validates all of its rows first (by content, with :func:`inference.probe.probe`)
and raises one :class:`training.datasets.ManifestError` listing every bad row; then nothing is
stored.
"""
from __future__ import annotations

import csv
import io
import math
import os
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path, PurePosixPath

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from inference.errors import VigilError
from inference.probe import probe
from training.datasets import TRAIN_SPLITS, Clip, ManifestError, load_folder, load_manifest
from webapp.core import storage as media
from webapp.datasets.models import ClipOrigin, Dataset, DatasetClip
from webapp.datasets.services.archives import extracted
from webapp.datasets.services.clips import PlannedClip, clips_store
from webapp.datasets.services.datasets import DEFAULT_FRACTIONS, MAX_LABEL_CHARS, Progress
from webapp.videos.models import Video
from webapp.videos.services import clean_original_name

IMPORT_KINDS = ("folder", "manifest", "ava")
#: Seconds taken either side of an AVA-style row's timestamp (default).
AVA_HALF_WINDOW_SEC = 1.0
AVA_MAX_BYTES = 16 * 1024 * 1024


def _planned_from(clips: Iterable[Clip], *, origin: str, root: Path | None) -> list[PlannedClip]:
    out = []
    for clip in clips:
        name = Path(clip.path).name
        if root is not None:
            try:
                name = str(Path(clip.path).relative_to(root.resolve()))
            except ValueError:
                pass
        out.append(PlannedClip(source=clip.path, label=clip.label, split=clip.split,
                               group=clip.group, origin=origin, original_name=name,
                               line=clip.line))
    return out


def _check_label_lengths(clips: Iterable[Clip], source: str) -> None:
    bad = [(c.line, f"label longer than {MAX_LABEL_CHARS} characters") for c in clips
           if len(c.label) > MAX_LABEL_CHARS]
    if bad:
        raise ManifestError(source, bad)


def dataset_import_folder(*, dataset: Dataset, root: str | os.PathLike[str],
                          fractions: Sequence[float] = DEFAULT_FRACTIONS, seed: int = 0,
                          source_name: str | None = None,
                          on_progress: Progress | None = None) -> list[DatasetClip]:
    """Import ``root/<label>/<clip>`` (UCF101/HMDB style); splits grouped by source video."""
    base = Path(root)
    name = source_name or str(base)
    try:
        clips = load_folder(base, on_progress=_stage(on_progress, "validate"))
    except ManifestError as exc:  # it names the folder: the upload's name instead
        raise ManifestError(name, exc.problems) from None
    _check_label_lengths(clips, name)
    planned = _planned_from(clips, origin=ClipOrigin.FOLDER, root=base)
    return clips_store(dataset, planned, source_name=name, fractions=fractions, seed=seed,
                       on_progress=on_progress)


def dataset_import_manifest(*, dataset: Dataset, manifest: str | os.PathLike[str],
                            confine: bool = False, source_name: str | None = None,
                            on_progress: Progress | None = None) -> list[DatasetClip]:
    """Import a CSV manifest (``path,label,split[,source,license,group]``); ``sample`` rows are
    skipped. ``confine``: paths must stay inside the manifest's folder (uploaded manifests)."""
    path = Path(manifest)
    name = source_name or str(path)
    if confine:
        _check_confined(path, name)
    try:
        clips = load_manifest(path, splits=TRAIN_SPLITS,
                              on_progress=_stage(on_progress, "validate"))
    except ManifestError as exc:
        raise ManifestError(name, exc.problems) from None
    _check_label_lengths(clips, name)
    if not clips:
        raise ManifestError(name, [(0, "no train/val/test rows")])
    planned = _planned_from(clips, origin=ClipOrigin.MANIFEST, root=Path(manifest).parent)
    return clips_store(dataset, planned, source_name=name, on_progress=on_progress)


def _check_confined(path: Path, name: str) -> None:
    """Refuse an uploaded manifest's rows that point outside its folder (absolute or ``..``),
    listed in one ``ManifestError``, before any file they name is opened."""
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            rows = [(reader.line_num, row) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ManifestError(name, [(0, f"cannot read the manifest ({exc})")]) from exc
    problems = []
    for line, row in rows:
        rel = (row.get("path") or "").strip().replace("\\", "/")
        parts = PurePosixPath(rel).parts
        if rel.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
            problems.append((line, f"path {rel!r} is outside the archive"))
    if problems:
        raise ManifestError(name, problems)


def dataset_import_ava(*, dataset: Dataset, user: User, rows_csv: str,
                       half_window_sec: float = AVA_HALF_WINDOW_SEC,
                       fractions: Sequence[float] = DEFAULT_FRACTIONS, seed: int = 0,
                       source_name: str = "AVA rows", on_progress: Progress | None = None,
                       ) -> list[DatasetClip]:
    """Import AVA-style rows ``video,timestamp_sec,label[,split]`` (header optional).

    ``video`` is the id of one of ``user``'s uploaded videos; each row becomes a clip cut from
    ``timestamp_sec - half_window_sec`` to ``timestamp_sec + half_window_sec``, grouped by
    video.
    """
    if not 0.05 <= half_window_sec <= 30:
        raise ValidationError({"half_window_sec": "Between 0.05 and 30 seconds."})
    try:
        records = list(csv.reader(io.StringIO(rows_csv)))
    except csv.Error as exc:
        raise ManifestError(source_name, [(0, f"cannot read the rows ({exc})")]) from exc
    numbered = [(n, [cell.strip() for cell in r]) for n, r in enumerate(records, start=1)
                if any(cell.strip() for cell in r)]
    if numbered and numbered[0][1][0].lower() in ("video", "video_id"):
        numbered = numbered[1:]
    if not numbered:
        raise ManifestError(source_name, [(0, "no rows")])
    videos: dict[str, Video | None] = {}
    metas: dict[str, object] = {}
    problems: list[tuple[int, str]] = []
    planned: list[PlannedClip] = []
    for line, cells in numbered:
        reasons = []
        if len(cells) not in (3, 4):
            problems.append((line, f"expected video,timestamp_sec,label[,split], got "
                                   f"{len(cells)} column(s)"))
            continue
        video_key, timestamp, label = cells[:3]
        split = cells[3] if len(cells) == 4 else ""
        if video_key not in videos:
            try:
                videos[video_key] = Video.objects.get(pk=uuid.UUID(video_key), owner=user)
            except (ValueError, Video.DoesNotExist):
                videos[video_key] = None
        video = videos[video_key]
        if video is None:
            reasons.append(f"no uploaded video of yours with id {video_key!r}")
        try:
            at_sec = float(timestamp)
            if not math.isfinite(at_sec) or at_sec < 0:
                raise ValueError
        except ValueError:
            reasons.append(f"bad timestamp {timestamp!r}")
            at_sec = None
        if not label:
            reasons.append("empty label")
        elif len(label) > MAX_LABEL_CHARS:
            reasons.append(f"label longer than {MAX_LABEL_CHARS} characters")
        if split and split not in TRAIN_SPLITS:
            reasons.append(f"unknown split {split!r} (known: {', '.join(TRAIN_SPLITS)})")
        if video is not None and video_key not in metas:
            try:
                with media.local_copy(video.file) as local:
                    metas[video_key] = probe(str(local))
            except (VigilError, OSError) as exc:
                metas[video_key] = exc
        meta = metas.get(video_key)
        if isinstance(meta, Exception):
            reasons.append(f"the video is not usable ({meta})")
        elif video is not None and at_sec is not None and at_sec > video.duration_sec:
            reasons.append(f"timestamp {at_sec:g} s is past the video's end "
                           f"({video.duration_sec:.2f} s)")
        if reasons or video is None or at_sec is None:  # no reasons: both are set
            problems.append((line, "; ".join(reasons)))
            continue
        start = max(0.0, at_sec - half_window_sec)
        end = min(video.duration_sec, at_sec + half_window_sec)
        planned.append(PlannedClip(
            source=video.file, label=" ".join(label.split()), split=split,
            group=f"video:{video.pk}", origin=ClipOrigin.AVA,
            original_name=f"{video.original_name} @{at_sec:g}s", start_sec=start, end_sec=end,
            source_video_id=video.pk, line=line))
    if problems:
        raise ManifestError(source_name, problems)
    return clips_store(dataset, planned, source_name=source_name, fractions=fractions, seed=seed,
                       on_progress=on_progress)


def upload_name(upload: UploadedFile | str | os.PathLike[str]) -> str:
    name = getattr(upload, "name", None) or Path(str(upload)).name
    return clean_original_name(name)


def dataset_import_folder_zip(*, dataset: Dataset, upload: UploadedFile | str | os.PathLike[str],
                              fractions: Sequence[float] = DEFAULT_FRACTIONS, seed: int = 0,
                              source_name: str | None = None,
                              on_progress: Progress | None = None) -> list[DatasetClip]:
    """Import a zip of ``<label>/<clip>`` folders (UCF101/HMDB style), splits grouped."""
    name = source_name or upload_name(upload)
    with extracted(upload, name, on_progress) as root:
        return dataset_import_folder(dataset=dataset, root=root, fractions=fractions, seed=seed,
                                     source_name=name, on_progress=on_progress)


def dataset_import_manifest_zip(*, dataset: Dataset,
                                upload: UploadedFile | str | os.PathLike[str],
                                source_name: str | None = None,
                                on_progress: Progress | None = None) -> list[DatasetClip]:
    """Import a zip holding ``manifest.csv`` and the clips it names (what export writes)."""
    name = source_name or upload_name(upload)
    with extracted(upload, name, on_progress) as root:
        manifest = root / "manifest.csv"
        if not manifest.is_file():
            raise ManifestError(name, [(0, "no manifest.csv at the top of the archive")])
        return dataset_import_manifest(dataset=dataset, manifest=manifest, confine=True,
                                       source_name=f"{name}:manifest.csv",
                                       on_progress=on_progress)




def _stage(on_progress: Progress | None, stage: str) -> Callable[[int, int], None] | None:
    if on_progress is None:
        return None
    return lambda done, total: on_progress(stage, done, total)


def dataset_import_file(*, dataset: Dataset, user: User | None, kind: str,
                        path: str | os.PathLike[str], name: str,
                        fractions: Sequence[float] = DEFAULT_FRACTIONS, seed: int = 0,
                        half_window_sec: float = AVA_HALF_WINDOW_SEC,
                        on_progress: Progress | None = None) -> list[DatasetClip]:
    """Import the local file ``path`` of ``kind`` (:data:`IMPORT_KINDS`): a folder-per-class
    zip, a manifest zip, or a CSV of AVA-style rows (``user``'s videos)."""
    if kind == "folder":
        return dataset_import_folder_zip(dataset=dataset, upload=path, fractions=fractions,
                                         seed=seed, source_name=name, on_progress=on_progress)
    if kind == "manifest":
        return dataset_import_manifest_zip(dataset=dataset, upload=path, source_name=name,
                                           on_progress=on_progress)
    if kind == "ava":
        if Path(path).stat().st_size > AVA_MAX_BYTES:
            raise ManifestError(name, [(0, f"more than {AVA_MAX_BYTES} bytes of rows")])
        try:
            text = Path(path).read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ManifestError(name, [(0, "not UTF-8 text")]) from None
        if user is None:
            raise ManifestError(name, [(0, "AVA rows need the importing user's videos")])
        return dataset_import_ava(dataset=dataset, user=user, rows_csv=text,
                                  half_window_sec=half_window_sec, fractions=fractions,
                                  seed=seed, source_name=name, on_progress=on_progress)
    raise ValidationError({"kind": f"One of {', '.join(IMPORT_KINDS)}."})
