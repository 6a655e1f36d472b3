"""The one DRF exception handler (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``).

Every error an API view raises is answered with the body of :mod:`webapp.core.errors`, so views
call services without a try/except and without converting errors themselves:

- Django ``ValidationError`` (services, ``full_clean``) and DRF ``ValidationError``
  (serializers, filters): 400 ``invalid``, the problems per field under ``fields``;
- a :class:`~webapp.core.errors.ServiceError` subclass: its own ``http_status`` and ``code``
  (``quota_analyses`` 429, ``file_too_large`` 413, ``not_ready`` 409...);
- ``inference.errors.VideoRejected``: 422 with the probe's code (``not_a_video``...);
- another ``VigilError`` (``ManifestError``): 400 with its code, plus ``problems`` if it has;
- Django ``Http404`` / DRF ``NotFound``: 404 ``not_found``;
- Django / DRF ``PermissionDenied``: 403 ``permission_denied``;
- DRF ``Throttled``: 429 ``throttled`` (``Retry-After`` kept);
- any other DRF ``APIException``: its status and code (``not_authenticated``...).

Messages that belong to no field (``non_field_errors``, ``__all__``, ``detail``) become
``detail``. Anything else is not handled here: a 500, as before. Like DRF's own handler, a
handled error rolls back the request's atomic block.

Modelled on HackSoft's Django-Styleguide ``drf_default_with_modifications_exception_handler``.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from inference.errors import VideoRejected, VigilError
from webapp.core.errors import ServiceError, error_body

VALIDATION_CODE = "invalid"
#: Keys of a validation error that name no field: DRF's, Django's, and the ``{"detail": ...}``
#: some services raise. Their messages become ``detail``.
GENERAL_KEYS = (api_settings.NON_FIELD_ERRORS_KEY, NON_FIELD_ERRORS, "detail")


class ProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Row (or archive member) number; 0: the file.")
    reason = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """The body of every API error (the OpenAPI schema's ``Error``)."""

    code = serializers.CharField(help_text="Stable machine code, e.g. invalid, not_found, "
                                           "throttled, file_too_large, quota_analyses.")
    detail = serializers.CharField(help_text="One line for people.")
    # The error body's key; the metaclass moves declared fields off the class, so this does not
    # replace Serializer.fields at run time (only the stubs see a clash).
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Problems per input field; empty when the error is not about a field.")
    problems = ProblemSerializer(many=True, required=False,
                                 help_text="Manifest errors only: every bad row.")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler (headers, rollback) with every error turned into the one body."""
    if isinstance(exc, ServiceError):
        return _respond(error_body(code=exc.code, detail=exc.message, fields=exc.fields),
                        status_code=exc.http_status)
    if isinstance(exc, VigilError):
        return _vigil_error_response(exc)
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    response.data = _api_exception_body(exc)
    return response


def _respond(body: dict[str, Any], *, status_code: int) -> Response:
    set_rollback()
    return Response(body, status=status_code)


def _vigil_error_response(exc: VigilError) -> Response:
    """A rejected file is 422 (the request was fine, the video is not); others are 400."""
    extra: dict[str, Any] = {}
    if problems := getattr(exc, "problems", None):
        extra["problems"] = [{"line": line, "reason": reason} for line, reason in problems]
    status_code = (status.HTTP_422_UNPROCESSABLE_ENTITY if isinstance(exc, VideoRejected)
                   else status.HTTP_400_BAD_REQUEST)
    return _respond(error_body(code=exc.code, detail=str(exc), **extra),
                    status_code=status_code)


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(serializers.as_serializer_error(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound(*exc.args)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    return exc


def _api_exception_body(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        return _validation_body(exc.detail)
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    return error_body(code=code, detail=_first_message(exc.detail) or str(exc.default_detail))


def _validation_body(detail: Any) -> dict[str, Any]:
    """``{"labels": [...], "non_field_errors": [...]}`` -> ``fields`` and ``detail``."""
    fields = dict(detail) if isinstance(detail, dict) else {}
    general = [fields.pop(key) for key in GENERAL_KEYS if key in fields]
    if not isinstance(detail, dict):
        general.append(detail)
    lines = list(_messages(general))
    lines += [f"{name}: {_first_message(problems)}" for name, problems in fields.items()]
    # A view's ValidationError({"video": "why"}) keeps a bare string: make it a list too.
    fields = {name: problems if isinstance(problems, list | dict) else [problems]
              for name, problems in fields.items()}
    return error_body(code=VALIDATION_CODE, detail="; ".join(lines) or "invalid input",
                      fields=fields)


def _messages(value: Any) -> Iterator[str]:
    """The messages of a DRF error detail (a string, or lists / dicts of them), in order."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        for item in value:
            yield from _messages(item)
    elif value is not None and str(value):
        yield str(value)


def _first_message(value: Any) -> str:
    return next(_messages(value), "")
