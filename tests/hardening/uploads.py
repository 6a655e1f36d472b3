"""Raw multipart uploads: the exact file-name bytes a hostile client sends reach the server."""
from __future__ import annotations

import uuid
from collections.abc import Mapping

API = "/api/v1/videos/"


def multipart(filename: str | bytes, content: bytes, fields: Mapping[str, str] | None = None,
              *, filename_star: str | None = None) -> tuple[bytes, str]:
    """``(body, content type)`` of a multipart form with one ``file`` part named ``filename``
    (raw bytes: NUL, CR, quotes go through as given); ``filename_star`` adds the RFC 5987
    ``filename*=`` form, which servers prefer."""
    boundary = f"----vigil-hardening-{uuid.uuid4().hex}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in (fields or {}).items()
    ]
    raw_name = filename if isinstance(filename, bytes) else filename.encode()
    disposition = b'form-data; name="file"; filename="' + raw_name + b'"'
    if filename_star is not None:
        disposition += b"; filename*=" + filename_star.encode()
    parts.append(b"--" + boundary.encode() + b"\r\nContent-Disposition: " + disposition
                 + b"\r\nContent-Type: video/mp4\r\n\r\n" + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def post_file(client, url: str, filename: str | bytes, content: bytes,
              fields: Mapping[str, str] | None = None, **kwargs):
    """POST a raw multipart upload with a Django/DRF test client."""
    body, content_type = multipart(filename, content, fields, **kwargs)
    return client.generic("POST", url, body, content_type=content_type)
