"""Stream URLs at rest: Fernet-encrypted.

A camera URL often carries a password (``rtsp://admin:secret@10.0.0.5/stream``). It is stored
encrypted with a key from ``VIGIL_CAMERA_KEY`` (a Fernet key: 32 url-safe base64 bytes), or,
when that is unset, one derived from ``SECRET_KEY`` (SHA-256 with a fixed context string), so a
database dump alone does not reveal it. Only the camera worker and "test connection" decrypt;
pages and the API show the URL as ``inference.live.redact_url`` masks it (``url_masked``),
never the password.
"""
from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

_CONTEXT = b"vigil.cameras.url/1"


class UrlUndecryptable(Exception):
    """The stored URL was encrypted with another key (``VIGIL_CAMERA_KEY`` or SECRET_KEY
    changed): re-enter the camera's URL."""


def _fernet() -> Fernet:
    key = getattr(settings, "VIGIL_CAMERA_KEY", "") or ""
    if not key:
        digest = hashlib.sha256(_CONTEXT + settings.SECRET_KEY.encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key)


def url_encrypt(url: str) -> str:
    """The Fernet token (ASCII) of ``url``."""
    return _fernet().encrypt(url.encode()).decode("ascii")


def url_decrypt(token: str) -> str:
    """The URL in ``token``; :class:`UrlUndecryptable` if the key does not open it."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise UrlUndecryptable("the stored stream URL cannot be decrypted with the current "
                               "key; enter the URL again") from exc

