"""File responses for permission-checked media: HTTP Range (206), nginx X-Accel-Redirect, or a
presigned URL (remote storage); and downloads built on the fly in a temporary file."""
from __future__ import annotations

import mimetypes
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import Storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.utils.http import content_disposition_header, http_date, quote_etag

from webapp.core import storage as media

_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK_BYTES = 256 * 1024


def _iter_range(path: Path, start: int, length: int) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        fh.seek(start)
        remaining = length
        while remaining > 0:
            chunk = fh.read(min(CHUNK_BYTES, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """``(start, end)`` inclusive for a single ``bytes=`` range; ``None`` when unsatisfiable.

    Raises ``ValueError`` for a header that is not a single byte range (then the whole file is
    sent, as RFC 9110 allows).
    """
    match = _RANGE_RE.match(header.strip())
    if not match or match.group(1) == match.group(2) == "":
        raise ValueError(header)
    first, last = match.groups()
    if first == "":  # suffix range: the last N bytes
        suffix = int(last)
        if suffix == 0:
            return None
        return max(0, size - suffix), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        return None
    return start, min(end, size - 1)


def file_response(
    request: HttpRequest,
    name: str | os.PathLike[str],
    *,
    content_type: str | None = None,
    download_name: str | None = None,
    missing: str = "no such file",
) -> HttpResponse:
    """Serve the stored file ``name`` after the caller's permission check (404 with
    ``missing`` when the row stores no name yet: no thumbnail, results not written...).

    Filesystem storage: Range support (206), ETag and Last-Modified; or, behind nginx
    (``VIGIL_MEDIA_ACCEL_REDIRECT``), an empty answer whose ``X-Accel-Redirect`` lets nginx send
    the bytes. Any other storage: a redirect to a short-lived presigned URL. An absolute local
    path (inside MEDIA_ROOT) is accepted too.
    """
    if not os.fspath(name):
        raise Http404(missing)
    storage = media.media_storage()
    if not media.is_local(storage):
        return _presigned_redirect(storage, os.fspath(name), content_type=content_type,
                                   download_name=download_name)
    media_root = Path(storage.location).resolve()  # type: ignore[attr-defined]  # is_local()
    try:
        path = Path(name) if os.path.isabs(name) else media.local_name_path(
            os.fspath(name), storage=storage)
        resolved = path.resolve(strict=True)
        stat = resolved.stat()
    except (FileNotFoundError, OSError, SuspiciousFileOperation):
        raise Http404("file not found") from None
    if not resolved.is_relative_to(media_root) or not resolved.is_file():
        raise Http404("file not found")
    content_type = content_type or mimetypes.guess_type(resolved.name)[0] \
        or "application/octet-stream"
    etag = quote_etag(f"{stat.st_mtime_ns:x}-{stat.st_size:x}")

    if settings.VIGIL_MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        relative = resolved.relative_to(media_root).as_posix()
        response["X-Accel-Redirect"] = settings.VIGIL_MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" \
            + quote(relative)
    else:
        response = _ranged(request, resolved, stat.st_size, content_type, etag)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    if download_name:
        response["Content-Disposition"] = content_disposition_header(True, download_name)
    return response


def _presigned_redirect(storage: Storage, name: str, *, content_type: str | None,
                        download_name: str | None) -> HttpResponse:
    """302 to the storage's URL for ``name`` (S3: presigned, ``AWS_QUERYSTRING_EXPIRE`` s)."""
    if not name or not storage.exists(name):
        raise Http404("file not found")
    parameters = {}
    if content_type:
        parameters["ResponseContentType"] = content_type
    if download_name:
        parameters["ResponseContentDisposition"] = content_disposition_header(True,
                                                                              download_name)
    try:
        url = (storage.url(name, parameters=parameters)  # type: ignore[call-arg]  # S3Storage
               if parameters else storage.url(name))
    except TypeError:  # a storage whose url() takes no S3 parameters
        url = storage.url(name)
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"
    return response


def _ranged(request: HttpRequest, path: Path, size: int, content_type: str, etag: str,
            ) -> HttpResponse:
    range_header = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range")
    if range_header and request.method in ("GET", "HEAD") and (not if_range or if_range == etag):
        try:
            byte_range = parse_range(range_header, size)
        except ValueError:
            byte_range = (0, size - 1) if size else None
            range_header = ""
        if range_header:
            if byte_range is None:
                response = HttpResponse(status=416, content_type=content_type)
                response["Content-Range"] = f"bytes */{size}"
                return response
            start, end = byte_range
            length = end - start + 1
            # Streamed answers are typed apart from HttpResponse; callers only set headers on
            # them (file_response keeps HttpResponse, the type the apps' views return).
            response = StreamingHttpResponse(  # type: ignore[assignment]
                _iter_range(path, start, length), status=206, content_type=content_type)
            response["Content-Length"] = str(length)
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
            return response
    response = FileResponse(  # type: ignore[assignment]  # as above
        open(path, "rb"), content_type=content_type)
    response["Content-Length"] = str(size)
    return response


def temporary_file_response(write: Callable[[IO[bytes]], Any], *, filename: str,
                            content_type: str) -> FileResponse:
    """A download of what ``write(out)`` writes: built in an anonymous temporary file (under
    ``FILE_UPLOAD_TEMP_DIR``), streamed, then gone."""
    out = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)
    try:
        write(out)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return FileResponse(out, as_attachment=True, filename=filename, content_type=content_type)
