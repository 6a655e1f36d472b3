"""Uploaded zip archives: safe extraction into a temp folder, server paths kept out of errors."""
from __future__ import annotations

import os
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from training.datasets import ManifestError
from webapp.core.uploads import upload_on_disk
from webapp.datasets.services.datasets import Progress


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
                    for block in iter(partial(src.read, 1 << 20), b""):
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
def extracted(upload: UploadedFile | str | os.PathLike[str], source_name: str,
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
