"""The one error body of the API, and the base class of the refusals services raise.

Every API error answers ``{"code": str, "detail": str, "fields": {name: [message, ...]}}``:
``code`` is a stable machine word (``invalid``, ``not_found``, ``throttled``, ``quota_storage``,
a probe's reason such as ``not_a_video``...), ``detail`` one human line, ``fields`` the problems
per input field (``{}`` when the error is not about a field). A manifest error adds
``problems`` (``[{"line", "reason"}]``). :mod:`webapp.core.exception_handlers` builds the body.

Apps make their refusals subclasses of :class:`ServiceError`, so this module (beneath the
apps) knows none of them: the class carries its ``code`` and ``http_status``.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404

from webapp.core.uploads import too_large_message

T = TypeVar("T")


class ServiceError(Exception):
    """A refusal the user can act on: a one-line ``message``, a stable ``code``, the HTTP
    status the API answers with, and optionally the problems per field."""

    code: str = "error"
    http_status: int = 400

    def __init__(self, message: str, *, code: str | None = None,
                 fields: Mapping[str, Sequence[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.fields = {name: list(problems) for name, problems in (fields or {}).items()}

    def __str__(self) -> str:
        return self.message


class UploadTooLarge(ServiceError):
    """The upload is over ``VIGIL_MAX_UPLOAD_BYTES`` (413)."""

    code = "file_too_large"
    http_status = 413

    def __init__(self, message: str = "") -> None:
        super().__init__(message or too_large_message())


def error_body(*, code: str, detail: str, fields: Mapping[str, Any] | None = None,
               **extra: Any) -> dict[str, Any]:
    """The API's error body: ``{"code", "detail", "fields"}`` plus ``extra`` keys."""
    return {"code": code, "detail": detail, "fields": dict(fields or {}), **extra}


def object_or_404(lookup: Callable[..., T], /, **kwargs: Any) -> T:
    """``lookup(**kwargs)`` (a selector's ``<entity>_get``), or ``Http404`` when it finds
    nothing: an unknown id, another user's object, or an id of the wrong type (as DRF's
    ``get_object_or_404``)."""
    try:
        return lookup(**kwargs)
    except (ObjectDoesNotExist, DjangoValidationError, ValueError, TypeError):
        raise Http404 from None
