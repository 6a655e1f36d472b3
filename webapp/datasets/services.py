"""Writes for datasets: imports (folder, manifest, AVA rows), clips, splits, export, feedback.

Every import validates all of its rows first (by content, with :func:`inference.probe.probe`)
and raises one :class:`training.datasets.ManifestError` listing every bad row; then nothing is
stored. Clips are stored as their own files under ``MEDIA_ROOT/datasets/<dataset id>/``; if
storing fails half-way, the files written so far are removed and no row is created.
"""
from __future__ import annotations

import csv
import io
import logging
import math
import os
import stat
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from inference.csvsafe import csv_writer
from inference.errors import VigilError
from inference.probe import probe
from training.datasets import (
    TRAIN_SPLITS,
    Clip,
    ManifestError,
    grouped_split,
    load_folder,
    load_manifest,
)
from webapp.core import storage as media
from webapp.core.jobs import JobReporter, enqueue_on_commit, job_end, job_start, span_percent
from webapp.core.uploads import upload_on_disk
from webapp.datasets.models import (
    ClipOrigin,
    Dataset,
    DatasetClip,
    DatasetImport,
    Feedback,
    ImportStatus,
    Verdict,
)
from webapp.videos.models import Analysis, Event, Segment, Video
from webapp.videos.services import CONTAINER_EXTENSIONS, clean_original_name

logger = logging.getLogger(__name__)

MANIFEST_COLUMNS = ("path", "label", "split", "source", "license", "group")
#: ``on_progress(stage, done, total)``: stages ``extract``, ``validate``, ``store``.
Progress = Callable[[str, int, int], None]
DEFAULT_FRACTIONS = (0.7, 0.15, 0.15)
#: Seconds taken either side of an AVA-style row's timestamp (default).
AVA_HALF_WINDOW_SEC = 1.0
CLIP_MAX_HEIGHT = 360
MAX_LABEL_CHARS = 100


# --- Manifests -----------------------------------------------------------------------------------

def _clip_source(clip: DatasetClip) -> str:
    return clip.original_name or clip.get_origin_display()


def _manifest_write(*, clips: Iterable[DatasetClip], out: Path,
                    path_of: Callable[[DatasetClip], str]) -> Path:
    """Write ``out`` (temp name + rename) with :data:`MANIFEST_COLUMNS`, one row per clip."""
    part = out.with_name(f".{out.name}.{os.getpid()}.part")
    with open(part, "w", newline="", encoding="utf-8") as fh:
        writer = csv_writer(fh)  # names and labels come from users: no formulas
        writer.writerow(MANIFEST_COLUMNS)
        for clip in clips:
            writer.writerow((path_of(clip), clip.label, clip.split, _clip_source(clip), "",
                             clip.group))
    os.replace(part, out)
    return out


def dataset_write_manifest(*, dataset: Dataset, directory: Path,
                           splits: Iterable[str] | None = None) -> Path:
    """Write ``directory/manifest.csv`` (absolute clip paths) for ``training.datasets``.

    Columns ``path,label,split,source,license,group``; ``splits`` limits the rows (None: all).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    clips = dataset.clips.order_by("split", "label", "id")
    if splits is not None:
        clips = clips.filter(split__in=list(splits))
    return _manifest_write(clips=clips.iterator(), out=directory / "manifest.csv",
                           path_of=lambda c: str(media.local_name_path(c.file).resolve()))


# --- Datasets ------------------------------------------------------------------------------------

def _clean_labels(labels: Iterable[str]) -> list[str]:
    out: list[str] = []
    for raw in labels:
        label = " ".join(str(raw).split())[:MAX_LABEL_CHARS]
        if label and label not in out:
            out.append(label)
    return out


def dataset_create(*, name: str, description: str = "", labels: Iterable[str] = (),
                   created_by: AbstractBaseUser | None = None) -> Dataset:
    """A new, empty dataset; raises ``ValidationError`` for an empty or taken name."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "A dataset needs a name."})
    if len(name) > 120:
        raise ValidationError({"name": "At most 120 characters."})
    if Dataset.objects.filter(name=name).exists():
        raise ValidationError({"name": f"A dataset named {name!r} exists already."})
    try:
        with transaction.atomic():
            return Dataset.objects.create(name=name, description=description or "",
                                          labels=_clean_labels(labels), created_by=created_by)
    except IntegrityError:
        raise ValidationError({"name": f"A dataset named {name!r} exists already."}) from None


def dataset_update(*, dataset: Dataset, name: str | None = None,
                   description: str | None = None) -> Dataset:
    """Rename or re-describe a dataset."""
    if name is not None:
        name = " ".join(name.split())
        if not name:
            raise ValidationError({"name": "A dataset needs a name."})
        if Dataset.objects.filter(name=name).exclude(pk=dataset.pk).exists():
            raise ValidationError({"name": f"A dataset named {name!r} exists already."})
        dataset.name = name
    if description is not None:
        dataset.description = description
    dataset.save()
    return dataset


def _dataset_folder(dataset: Dataset) -> str:
    return f"datasets/{dataset.pk}"


def dataset_delete(*, dataset: Dataset) -> None:
    """Delete a dataset, its clips and their files (after the commit)."""
    folder = _dataset_folder(dataset)
    with transaction.atomic():
        dataset.delete()
        transaction.on_commit(partial(media.delete_tree, folder))


def dataset_clip_delete(*, clip: DatasetClip) -> None:
    """Delete one clip and its file (after the commit)."""
    name = clip.file
    with transaction.atomic():
        clip.delete()
        transaction.on_commit(partial(media.delete, [name]))


def dataset_clip_update(*, clip: DatasetClip, label: str | None = None,
                        split: str | None = None) -> DatasetClip:
    """Relabel a clip or move it to another split (its whole group moves with it)."""
    with transaction.atomic():
        if label is not None:
            cleaned = _clean_labels([label])
            if not cleaned:
                raise ValidationError({"label": "A clip needs a label."})
            clip.label = cleaned[0]
            _labels_extend(clip.dataset, [clip.label])
        if split is not None:
            if split not in TRAIN_SPLITS:
                raise ValidationError({"split": f"One of {', '.join(TRAIN_SPLITS)}."})
            clip.split = split
            if clip.group:  # keep the group together
                clip.dataset.clips.filter(group=clip.group).exclude(pk=clip.pk).update(split=split)
        clip.save()
    return clip


def _labels_extend(dataset: Dataset, labels: Iterable[str]) -> None:
    """Add new labels to the dataset's label set (row locked: concurrent imports add theirs)."""
    with transaction.atomic():
        current = Dataset.objects.select_for_update().values_list("labels", flat=True) \
            .get(pk=dataset.pk)
        new = [label for label in _clean_labels(labels) if label not in current]
        dataset.labels = [*current, *new]
        if new:
            Dataset.objects.filter(pk=dataset.pk).update(labels=dataset.labels,
                                                         updated_at=timezone.now())


def _check_fractions(fractions: Sequence[float]) -> tuple[float, float, float]:
    values = tuple(float(f) for f in fractions)
    if len(values) != 3 or any(f < 0 for f in values) or sum(values) <= 0:
        raise ValidationError({"fractions": "Three non-negative numbers (train, val, test) "
                                            "with a positive sum."})
    return values  # type: ignore[return-value]


def dataset_resplit(*, dataset: Dataset, fractions: Sequence[float] = DEFAULT_FRACTIONS,
                    seed: int = 0) -> dict[str, int]:
    """Re-assign every clip's split by source group (no group spans two splits), each label's
    groups split separately. Returns the number of clips per split.
    """
    fractions = _check_fractions(fractions)
    rows = list(dataset.clips.only("pk", "group", "label"))
    clips = [Clip(path=str(row.pk), label=row.label, split="", group=row.group or f"#{row.pk}")
             for row in rows]
    assigned = grouped_split(clips, fractions=fractions, seed=seed, stratify=True)
    by_split: dict[str, list[int]] = {}
    for clip in assigned:
        by_split.setdefault(clip.split, []).append(int(clip.path))
    with transaction.atomic():
        for split, pks in by_split.items():
            DatasetClip.objects.filter(pk__in=pks).update(split=split)
        dataset.save(update_fields=["updated_at"])
    return {split: len(by_split.get(split, [])) for split in TRAIN_SPLITS}


# --- Storing clips -------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlannedClip:
    """A validated clip about to be stored: a whole file to copy, or a range of a video to cut.

    ``split`` empty: assigned by grouped split. ``start_sec``/``end_sec`` set: cut that range of
    the stored video named ``source`` (seconds) into an H.264 clip; else ``source`` is a local
    file, copied as it is.
    """

    source: str
    label: str
    split: str
    group: str
    origin: str
    original_name: str = ""
    start_sec: float | None = None
    end_sec: float | None = None
    source_video_id: uuid.UUID | None = None
    line: int = 0
    feedback_id: int | None = None


def _assign_splits(dataset: Dataset, planned: Sequence[PlannedClip], *,
                   fractions: tuple[float, float, float], seed: int) -> list[PlannedClip]:
    """Fill empty splits: a group already in the dataset keeps its split, new groups are split
    grouped and stratified by label (``fractions``)."""
    existing = dict(dataset.clips.exclude(group="").values_list("group", "split").distinct())
    todo = [p for p in planned if not p.split and p.group not in existing]
    assigned: dict[str, str] = {}
    if todo:
        clips = [Clip(path=p.source, label=p.label, split="", group=p.group) for p in todo]
        for clip in grouped_split(clips, fractions=fractions, seed=seed, stratify=True):
            assigned[clip.group] = clip.split
    return [p if p.split else replace(p, split=existing.get(p.group) or assigned[p.group])
            for p in planned]


def _store(dataset: Dataset, planned: Sequence[PlannedClip], *, source_name: str,
           fractions: Sequence[float] = DEFAULT_FRACTIONS, seed: int = 0,
           on_progress: Progress | None = None) -> list[DatasetClip]:
    """Store the clips' files, then their rows in one transaction; all or nothing.

    A cut that fails is reported with its row in one ``ManifestError`` after all were tried;
    then the files stored so far are deleted.
    """
    planned = _assign_splits(dataset, planned, fractions=_check_fractions(fractions), seed=seed)
    folder = _dataset_folder(dataset)
    stored: list[str] = []
    rows: list[DatasetClip] = []
    feedback_of: list[int | None] = []
    problems: list[tuple[int, str]] = []
    try:
        for number, item in enumerate(planned):
            if on_progress is not None:
                on_progress("store", number, len(planned))
            try:
                relative, sha256, duration_sec = _store_one(item, folder, stored)
            except (VigilError, ValueError, OSError) as exc:
                problems.append((item.line, f"{item.original_name or item.source}: {exc}"))
                continue
            rows.append(DatasetClip(
                dataset=dataset, label=item.label, split=item.split, file=relative,
                source_video_id=item.source_video_id, start_sec=item.start_sec,
                end_sec=item.end_sec, group=item.group[:200], origin=item.origin,
                original_name=clean_original_name(item.original_name)
                if item.original_name else "", sha256=sha256, duration_sec=duration_sec))
            feedback_of.append(item.feedback_id)
        if problems:
            raise ManifestError(source_name, problems)
        with transaction.atomic():
            created = DatasetClip.objects.bulk_create(rows)
            for clip, feedback_id in zip(created, feedback_of, strict=True):
                if feedback_id is not None:
                    Feedback.objects.filter(pk=feedback_id).update(clip=clip)
            _labels_extend(dataset, [c.label for c in created])
            dataset.save(update_fields=["updated_at"])
    except BaseException:
        media.delete(stored)
        raise
    return created


def _store_one(item: PlannedClip, folder: str, stored: list[str]) -> tuple[str, str, float]:
    """Store one clip's file (cut or copied); returns ``(name, sha256, duration_sec)``."""
    if item.start_sec is None or item.end_sec is None:
        meta = probe(item.source)
        relative = f"{folder}/{uuid.uuid4()}.{CONTAINER_EXTENSIONS[meta.container]}"
        stored.append(relative)
        return relative, media.store_with_sha256(item.source, relative), meta.duration_sec
    from inference.clip import cut_clip  # noqa: PLC0415  (PyAV encoder: only needed here)

    relative = f"{folder}/{uuid.uuid4()}.mp4"
    stored.append(relative)
    with media.local_copy(item.source) as source, media.local_output(relative) as out:
        cut_clip(probe(str(source)), str(out), start_sec=item.start_sec,
                 end_sec=item.end_sec, max_height=CLIP_MAX_HEIGHT)
        meta = probe(str(out))
        return relative, media.file_sha256(out), meta.duration_sec


# --- Imports -------------------------------------------------------------------------------------

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
    return _store(dataset, planned, source_name=name, fractions=fractions, seed=seed,
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
    return _store(dataset, planned, source_name=name, on_progress=on_progress)


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


def dataset_import_ava(*, dataset: Dataset, user: AbstractBaseUser, rows_csv: str,
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
        if reasons:
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
    return _store(dataset, planned, source_name=source_name, fractions=fractions, seed=seed,
                  on_progress=on_progress)


def dataset_clip_add_from_video(*, dataset: Dataset, video: Video, start_sec: float,
                                end_sec: float, label: str, split: str = "",
                                origin: str = ClipOrigin.UPLOAD) -> DatasetClip:
    """Cut ``[start_sec, end_sec)`` of an uploaded video into a clip (group: the video)."""
    label = " ".join((label or "").split())
    problems = []
    if not label:
        problems.append("empty label")
    if split and split not in TRAIN_SPLITS:
        problems.append(f"unknown split {split!r}")
    if not 0 <= start_sec < end_sec:
        problems.append(f"bad time range {start_sec:g}-{end_sec:g} s")
    elif start_sec >= video.duration_sec:
        problems.append(f"starts after the video's end ({video.duration_sec:.2f} s)")
    if problems:
        raise ValidationError({"detail": "; ".join(problems)})
    planned = PlannedClip(source=video.file, label=label, split=split,
                          group=f"video:{video.pk}", origin=origin,
                          original_name=f"{video.original_name} {start_sec:g}-{end_sec:g}s",
                          start_sec=start_sec, end_sec=min(end_sec, video.duration_sec),
                          source_video_id=video.pk, line=1)
    return _store(dataset, [planned], source_name=video.original_name)[0]


# --- Zip archives --------------------------------------------------------------------------------

def _member_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    clean = name.replace("\\", "/")
    parts = PurePosixPath(clean).parts
    if "\\" in name or clean.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
        return f"{name!r}: unsafe path (absolute or leaving the archive)"
    kind = stat.S_IFMT(info.external_attr >> 16)  # 0: no Unix mode recorded
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        return f"{name!r}: not a regular file"
    return None


def zip_extract(archive: Path, dest: Path, *, source_name: str) -> None:
    """Extract a zip safely into ``dest``: no absolute/``..`` paths, regular files only, member
    count and total size limits (``VIGIL_DATASET_ZIP_MAX_MEMBERS`` / ``_MAX_BYTES``, enforced
    on the bytes actually written). Raises ``ManifestError`` listing every bad member."""
    max_members = settings.VIGIL_DATASET_ZIP_MAX_MEMBERS
    max_bytes = settings.VIGIL_DATASET_ZIP_MAX_BYTES
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ManifestError(source_name, [(0, f"not a zip archive ({exc})")]) from None
    with zf:
        infos = [i for i in zf.infolist() if not i.filename.startswith("__MACOSX/")]
        if len(infos) > max_members:
            raise ManifestError(source_name, [(0, f"{len(infos)} members, more than the limit "
                                                  f"of {max_members}")])
        declared = sum(i.file_size for i in infos)
        if declared > max_bytes:
            raise ManifestError(source_name, [(0, f"{declared} bytes uncompressed, more than "
                                                  f"the limit of {max_bytes}")])
        problems = [(n, p) for n, info in enumerate(infos, start=1)
                    if (p := _member_problem(info)) is not None]
        if problems:
            raise ManifestError(source_name, problems)
        root = dest.resolve()
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            target = (root / PurePosixPath(info.filename)).resolve()
            if not target.is_relative_to(root) or target == root:
                raise ManifestError(source_name, [(0, f"{info.filename!r}: unsafe path")])
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, open(target, "wb") as out:
                    for block in iter(lambda src=src: src.read(1 << 20), b""):
                        total += len(block)
                        if total > max_bytes:
                            raise ManifestError(source_name, [(0, "more than "
                                                f"{max_bytes} bytes uncompressed")])
                        out.write(block)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
                raise ManifestError(source_name, [(0, f"{info.filename!r}: cannot be "
                                                      f"extracted ({exc})")]) from None


def _content_root(folder: Path) -> Path:
    """The folder itself, or its single top-level folder when the zip wrapped everything."""
    entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir():
        inner = [p for p in entries[0].iterdir() if not p.name.startswith(".")]
        if (entries[0] / "manifest.csv").is_file() or (inner and all(p.is_dir() for p in inner)):
            return entries[0]
    return folder


@contextmanager
def _extracted(upload: UploadedFile | str | os.PathLike[str], source_name: str,
               on_progress: Progress | None = None) -> Iterator[Path]:
    """The upload extracted into a temp folder. That folder's path never reaches an error: a
    ``ManifestError`` raised inside names the members relative to the archive instead."""
    with upload_on_disk(upload) as archive, tempfile.TemporaryDirectory(
            prefix="dataset-import-", dir=settings.FILE_UPLOAD_TEMP_DIR) as tmp:
        if on_progress is not None:
            on_progress("extract", 0, 1)
        zip_extract(archive, Path(tmp), source_name=source_name)
        try:
            yield _content_root(Path(tmp))
        except ManifestError as exc:
            problems = [(line, scrub_path(reason, folder=tmp, name=source_name))
                        for line, reason in exc.problems]
            raise ManifestError(scrub_path(exc.source, folder=tmp, name=source_name),
                                problems) from None


def scrub_path(text: str, *, folder: str | os.PathLike[str], name: str) -> str:
    """``text`` with the server path ``folder`` (and its real path) replaced: a member inside
    it by its path in the upload, the folder itself by the upload's ``name``."""
    for path in dict.fromkeys((os.fspath(folder), os.path.realpath(folder))):
        text = text.replace(path + os.sep, "").replace(path, name)
    return text


def _upload_name(upload: UploadedFile | str | os.PathLike[str]) -> str:
    name = getattr(upload, "name", None) or Path(str(upload)).name
    return clean_original_name(name)


def dataset_import_folder_zip(*, dataset: Dataset, upload: UploadedFile | str | os.PathLike[str],
                              fractions: Sequence[float] = DEFAULT_FRACTIONS, seed: int = 0,
                              source_name: str | None = None,
                              on_progress: Progress | None = None) -> list[DatasetClip]:
    """Import a zip of ``<label>/<clip>`` folders (UCF101/HMDB style), splits grouped."""
    name = source_name or _upload_name(upload)
    with _extracted(upload, name, on_progress) as root:
        return dataset_import_folder(dataset=dataset, root=root, fractions=fractions, seed=seed,
                                     source_name=name, on_progress=on_progress)


def dataset_import_manifest_zip(*, dataset: Dataset,
                                upload: UploadedFile | str | os.PathLike[str],
                                source_name: str | None = None,
                                on_progress: Progress | None = None) -> list[DatasetClip]:
    """Import a zip holding ``manifest.csv`` and the clips it names (what export writes)."""
    name = source_name or _upload_name(upload)
    with _extracted(upload, name, on_progress) as root:
        manifest = root / "manifest.csv"
        if not manifest.is_file():
            raise ManifestError(name, [(0, "no manifest.csv at the top of the archive")])
        return dataset_import_manifest(dataset=dataset, manifest=manifest, confine=True,
                                       source_name=f"{name}:manifest.csv",
                                       on_progress=on_progress)


IMPORT_KINDS = ("folder", "manifest", "ava")
IMPORT_TASK = "datasets.import_clips"
AVA_MAX_BYTES = 16 * 1024 * 1024
#: Overall percent at the start and end of each import stage.
IMPORT_STAGE_SPANS = {"extract": (0.0, 10.0), "validate": (10.0, 50.0), "store": (50.0, 99.0)}


def _stage(on_progress: Progress | None, stage: str) -> Callable[[int, int], None] | None:
    if on_progress is None:
        return None
    return lambda done, total: on_progress(stage, done, total)


def dataset_import_file(*, dataset: Dataset, user: AbstractBaseUser | None, kind: str,
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


def dataset_import_start(*, dataset: Dataset, user: AbstractBaseUser, kind: str,
                         upload: UploadedFile, fractions: Sequence[float] = DEFAULT_FRACTIONS,
                         seed: int = 0, half_window_sec: float = AVA_HALF_WINDOW_SEC,
                         ) -> DatasetImport:
    """Stage an uploaded import and queue it for a worker (``cpu`` queue); returns the row to
    follow (``status``, ``percent``, ``problems``)."""
    if kind not in IMPORT_KINDS:
        raise ValidationError({"kind": f"One of {', '.join(IMPORT_KINDS)}."})
    fractions = _check_fractions(fractions)
    if not 0.05 <= half_window_sec <= 30:
        raise ValidationError({"half_window_sec": "Between 0.05 and 30 seconds."})
    if kind == "ava" and upload.size is not None and upload.size > AVA_MAX_BYTES:
        raise ValidationError({"file": f"AVA rows: at most {AVA_MAX_BYTES} bytes."})
    name = _upload_name(upload)
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
    _import_finish(job_id, ImportStatus.FAILED, error=error)


def _import_finish(job_id: int, status: str, *, error: str = "",
                   problems: Sequence[tuple[int, str]] = (), imported: int = 0) -> None:
    job = DatasetImport.objects.filter(pk=job_id).first()
    if job is None:
        return
    media.delete([job.upload])
    job_end(DatasetImport, pk=job_id, token=None, status=status, error=error,
            error_max_chars=10000, problems=[list(p) for p in problems][:1000],
            imported=imported, upload="",
            percent=100.0 if status == ImportStatus.SUCCEEDED else job.percent,
        stage="done" if status == ImportStatus.SUCCEEDED else job.stage)


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
        _import_finish(job.pk, ImportStatus.FAILED, error=str(exc), problems=exc.problems)
        return "failed"
    except ValidationError as exc:
        _import_finish(job.pk, ImportStatus.FAILED, error="; ".join(exc.messages))
        return "failed"
    except Exception as exc:
        logger.exception("dataset import %s failed", job_id)
        reason = scrub_path(str(exc), folder=settings.FILE_UPLOAD_TEMP_DIR,
                            name=job.original_name or job.kind)
        _import_finish(job.pk, ImportStatus.FAILED, error=f"the import failed: {reason}")
        return "failed"
    _import_finish(job.pk, ImportStatus.SUCCEEDED, imported=len(clips))
    return "succeeded"


# --- Export --------------------------------------------------------------------------------------

def dataset_export_zip(*, dataset: Dataset, out: IO[bytes],
                       splits: Iterable[str] | None = None) -> int:
    """Write a zip of ``manifest.csv`` (paths relative to it) + ``clips/<file>`` into ``out``.

    The format :func:`dataset_import_manifest_zip` reads back. Returns the number of clips.
    """
    clips = dataset.clips.order_by("split", "label", "id")
    if splits is not None:
        clips = clips.filter(split__in=list(splits))
    clips = list(clips)
    with tempfile.TemporaryDirectory(prefix="dataset-export-",
                                     dir=settings.FILE_UPLOAD_TEMP_DIR) as tmp:
        manifest = _manifest_write(clips=clips, out=Path(tmp) / "manifest.csv",
                                   path_of=lambda c: f"clips/{Path(c.file).name}")
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.write(manifest, "manifest.csv", compress_type=zipfile.ZIP_DEFLATED)
            for clip in clips:
                with media.local_copy(clip.file) as local:
                    zf.write(local, f"clips/{Path(clip.file).name}")
    return len(clips)


# --- Feedback ------------------------------------------------------------------------------------

def feedback_set(*, user: AbstractBaseUser, analysis: Analysis, verdict: str, label: str = "",
                 segment: Segment | None = None, event: Event | None = None) -> Feedback:
    """Record (or update) ``user``'s verdict on one segment or event of ``analysis``.

    ``wrong`` needs the right ``label``; ``correct`` clears it.
    """
    if (segment is None) == (event is None):
        raise ValidationError({"detail": "Give exactly one of segment or event."})
    target = segment if segment is not None else event
    if target.analysis_id != analysis.pk:
        raise ValidationError({"detail": "That segment or event is not in this analysis."})
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": f"One of {', '.join(Verdict.values)}."})
    label = " ".join((label or "").split())
    if verdict == Verdict.WRONG and not label:
        raise ValidationError({"label": "Say what it is (the right label)."})
    if len(label) > MAX_LABEL_CHARS:
        raise ValidationError({"label": f"At most {MAX_LABEL_CHARS} characters."})
    if verdict == Verdict.CORRECT:
        label = ""
    key = {"segment": segment} if segment is not None else {"event": event}
    with transaction.atomic():
        feedback, _ = Feedback.objects.update_or_create(
            user=user, **key, defaults={"analysis": analysis, "verdict": verdict,
                                        "label": label})
    return feedback


def feedback_delete(*, feedback: Feedback) -> None:
    feedback.delete()


def feedback_clip_label(feedback: Feedback) -> str:
    """The clip label a verdict implies: the correction, or the model's own label."""
    if feedback.verdict == Verdict.WRONG:
        return feedback.label
    if feedback.event_id is not None:
        return feedback.event.label
    return feedback.segment.top_label


def feedback_add_to_dataset(*, dataset: Dataset, feedback: Iterable[Feedback],
                            split: str = "") -> list[DatasetClip]:
    """Cut each item's segment/event range into a clip of ``dataset`` in one action.

    Label: :func:`feedback_clip_label`; group: the source video (so a video never spans two
    splits); ``split`` empty: a video already in the dataset keeps its split, others are split
    grouped.
    """
    if split and split not in TRAIN_SPLITS:
        raise ValidationError({"split": f"One of {', '.join(TRAIN_SPLITS)}."})
    planned = []
    problems = []
    for number, item in enumerate(feedback, start=1):
        video = item.analysis.video
        target = item.event if item.event_id is not None else item.segment
        label = feedback_clip_label(item)
        if not label:
            problems.append((number, f"feedback #{item.pk}: no label"))
            continue
        planned.append(PlannedClip(
            source=video.file, label=label[:MAX_LABEL_CHARS], split=split,
            group=f"video:{video.pk}", origin=ClipOrigin.FEEDBACK,
            original_name=f"{video.original_name} {target.start_sec:g}-{target.end_sec:g}s",
            start_sec=target.start_sec, end_sec=target.end_sec, source_video_id=video.pk,
            line=number, feedback_id=item.pk))
    if problems:
        raise ManifestError("feedback", problems)
    if not planned:
        raise ValidationError({"feedback": "Select at least one feedback item."})
    return _store(dataset, planned, source_name="feedback")
