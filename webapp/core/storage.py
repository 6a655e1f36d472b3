"""Media through Django's storage API (``STORAGES["default"]``), with local paths for PyAV.

Every stored file is named relative to the storage root (``videos/ab/<uuid>.mp4``). With
``FileSystemStorage`` a name maps to a file under ``MEDIA_ROOT`` and the helpers below hand out
that file itself; with a remote storage (S3 through django-storages) they use temporary local
copies, because FFmpeg/PyAV read and write local files only.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

CHUNK_BYTES = 1 << 20


def media_storage() -> Storage:
    """The default storage (read each time: tests switch ``STORAGES``/``MEDIA_ROOT``)."""
    return storages["default"]


def is_local(storage: Storage | None = None) -> bool:
    """Whether stored names are files on this machine's disk (a ``FileSystemStorage``).

    (``Storage.path`` alone does not tell: in-memory storages return virtual paths.)
    """
    return isinstance(storage or media_storage(), FileSystemStorage)


def local_name_path(name: str, *, storage: Storage | None = None) -> Path:
    """The local file of ``name`` in a filesystem storage (which refuses names leaving it)."""
    return Path((storage or media_storage()).path(name))


def _temp_dir() -> str | None:
    folder = settings.FILE_UPLOAD_TEMP_DIR or None
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def local_copy(name: str) -> Iterator[Path]:
    """A local path holding the stored file ``name``: the file itself, or a temp copy."""
    storage = media_storage()
    if is_local(storage):
        yield local_name_path(name, storage=storage)
        return
    fd, tmp = tempfile.mkstemp(prefix="media-", suffix=Path(name).suffix, dir=_temp_dir())
    try:
        with os.fdopen(fd, "wb") as out, storage.open(name, "rb") as src:
            for chunk in src.chunks(CHUNK_BYTES):
                out.write(chunk)
        yield Path(tmp)
    finally:
        Path(tmp).unlink(missing_ok=True)


def store_file(local: str | os.PathLike[str], name: str) -> str:
    """Store the finished local file under exactly ``name`` (replacing it); returns ``name``.

    For a filesystem storage the bytes go to a temp name next to the target, then are renamed
    (a reader never sees half a file); a file already at its place is left as it is.
    """
    storage = media_storage()
    local = Path(local)
    if is_local(storage):
        dest = local_name_path(name, storage=storage)
        if dest.resolve() == local.resolve():
            return name
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
        try:
            with os.fdopen(fd, "wb") as out, open(local, "rb") as src:
                shutil.copyfileobj(src, out, CHUNK_BYTES)
            os.chmod(tmp, settings.FILE_UPLOAD_PERMISSIONS or 0o640)
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return name
    if storage.exists(name):
        storage.delete(name)
    with open(local, "rb") as src:
        saved = storage.save(name, File(src, name=Path(name).name))
    if saved != name:  # a storage that renamed it: keep the one name the rows refer to
        storage.delete(saved)
        raise OSError(f"storage stored {name!r} as {saved!r}")
    return name


@contextmanager
def local_output(name: str) -> Iterator[Path]:
    """A local path to write ``name`` to; stored when the block ends without an error.

    Filesystem storage: a temp name next to the target, renamed into place. Otherwise a temp
    file uploaded under ``name``.
    """
    storage = media_storage()
    if is_local(storage):
        dest = local_name_path(name, storage=storage)
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=f".part{dest.suffix}",
                                   dir=dest.parent)
    else:
        fd, tmp = tempfile.mkstemp(prefix="media-", suffix=Path(name).suffix, dir=_temp_dir())
    os.close(fd)
    try:
        yield Path(tmp)
        if is_local(storage):
            os.chmod(tmp, settings.FILE_UPLOAD_PERMISSIONS or 0o640)
            os.replace(tmp, dest)
        else:
            store_file(tmp, name)
    finally:
        Path(tmp).unlink(missing_ok=True)


def file_sha256(local: str | os.PathLike[str]) -> str:
    """The hex SHA-256 of a local file's bytes (read in ``CHUNK_BYTES`` blocks)."""
    digest = hashlib.sha256()
    with open(local, "rb") as src:
        for block in iter(lambda: src.read(CHUNK_BYTES), b""):
            digest.update(block)
    return digest.hexdigest()


def store_with_sha256(local: str | os.PathLike[str], name: str) -> str:
    """Store ``local`` under ``name``; returns the hex SHA-256 of its bytes."""
    digest = file_sha256(local)
    store_file(local, name)
    return digest


def output_dir(prefix: str) -> Path:
    """An empty local folder for outputs that will be stored under ``prefix/``.

    Filesystem storage: the stored folder itself (emptied); otherwise a temp folder that
    :func:`output_publish` uploads and removes.
    """
    storage = media_storage()
    if is_local(storage):
        folder = local_name_path(prefix, storage=storage)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    delete_tree(prefix)
    return Path(tempfile.mkdtemp(prefix="outputs-", dir=_temp_dir()))


def output_publish(folder: Path, prefix: str) -> None:
    """Store every file of ``folder`` (from :func:`output_dir`) under ``prefix/``."""
    if is_local():
        return
    try:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            store_file(path, f"{prefix}/{path.relative_to(folder).as_posix()}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def output_release(folder: Path) -> None:
    """Remove the temp folder of :func:`output_dir` (a filesystem storage's folder stays)."""
    if not is_local():
        shutil.rmtree(folder, ignore_errors=True)


def output_discard(folder: Path, prefix: str) -> None:
    """Drop the outputs of ``output_dir`` (local folder and anything stored under ``prefix``)."""
    shutil.rmtree(folder, ignore_errors=True)
    delete_tree(prefix)


def exists(name: str) -> bool:
    return bool(name) and media_storage().exists(name)


def delete(names: Iterable[str]) -> None:
    """Delete stored files; missing ones are fine."""
    storage = media_storage()
    for name in names:
        if name:
            try:
                storage.delete(name)
            except FileNotFoundError:
                pass


def walk(prefix: str) -> Iterator[str]:
    """Names of every stored file under ``prefix/`` (recursively)."""
    storage = media_storage()
    try:
        folders, files = storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for file in files:
        yield f"{prefix}/{file}"
    for folder in folders:
        yield from walk(f"{prefix}/{folder}")


def delete_tree(prefix: str) -> None:
    """Delete everything stored under ``prefix/``."""
    storage = media_storage()
    if is_local(storage):
        shutil.rmtree(local_name_path(prefix, storage=storage), ignore_errors=True)
        return
    delete(list(walk(prefix)))
