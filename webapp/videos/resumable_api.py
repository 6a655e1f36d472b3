"""Resumable uploads over the tus 1.0.0 protocol (``/api/v1/uploads/``), as CVAT offers them.

- ``POST /api/v1/uploads/`` with ``Upload-Length`` and ``Upload-Metadata`` (``filename`` and
  the options of ``POST /api/v1/videos/``: ``analyze``, ``model_version``, ``labels``,
  ``segment_sec``... comma-separated where a field takes several) creates an upload: 201 with
  its ``Location``. The options and the size/quota limits are checked here, before any byte.
- ``HEAD <location>`` answers ``Upload-Offset``: the bytes stored, where to resume.
- ``PATCH <location>`` (``application/offset+octet-stream``, ``Upload-Offset``) appends bytes;
  whatever arrives before a connection drops is kept. The PATCH that completes the upload
  hands the file to the same upload service as ``POST /api/v1/videos/`` (content probe,
  quotas, analysis) and answers its refusals (422, 429...) with the API's error body.
- ``GET <location>`` (JSON, not tus): offset, length, and the video and analysis it made.
- ``DELETE <location>`` drops an unfinished upload (tus termination).

Extensions: ``creation``, ``termination``. Authentication as the rest of the API (token, or the
session with its CSRF header). Left out of the OpenAPI schema: tus clients speak the protocol.
"""
from __future__ import annotations

import base64
import binascii
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from rest_framework import parsers, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from webapp.accounts.selectors import request_user
from webapp.core.errors import ServiceError, object_or_404
from webapp.core.forms import comma_separated
from webapp.core.serializers import ReadOnlyModelSerializer
from webapp.core.uploads import LocalUploadedFile
from webapp.videos import selectors, services
from webapp.videos.api import (
    AnalysisSerializer,
    VideoCreateSerializer,
    VideoSerializer,
    video_upload_validated,
)
from webapp.videos.models import ResumableUpload

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,termination"
CHUNK_CONTENT_TYPE = "application/offset+octet-stream"
#: Metadata keys whose value lists several values, comma-separated (repeated form fields).
LIST_KEYS = ("labels", "modalities")


class TusError(ServiceError):
    """A request that breaks the protocol (400 unless told)."""

    code = "tus_protocol"

    def __init__(self, message: str, *, code: str | None = None,
                 http_status: int = 400) -> None:
        super().__init__(message, code=code)
        self.http_status = http_status


class BodyNotParsed(parsers.BaseParser):
    """Any body, left unread: a creation POST carries none that matters, and PATCH bytes are
    read raw as they stream in (DRF still asks for ``request.POST`` in its CSRF check)."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None) -> dict:
        return {}


class UploadOptionsSerializer(VideoCreateSerializer):
    """The options of an upload, checked when it is created (its file comes later)."""

    file = None  # type: ignore[assignment]


class ResumableUploadSerializer(ReadOnlyModelSerializer):
    video = VideoSerializer(read_only=True)
    analysis = AnalysisSerializer(read_only=True)
    complete = serializers.BooleanField(source="is_complete", read_only=True)

    class Meta:
        model = ResumableUpload
        fields = ("id", "length", "offset", "complete", "created_at", "updated_at", "video",
                  "analysis")


def metadata_parse(header: str) -> dict[str, str]:
    """``Upload-Metadata``: ``key base64value`` pairs, comma-separated (a value may be absent)."""
    metadata: dict[str, str] = {}
    for pair in header.split(","):
        if not pair.strip():
            continue
        key, _, encoded = pair.strip().partition(" ")
        try:
            metadata[key] = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise TusError(f"Upload-Metadata: {key!r} is not base64 of UTF-8 text") from None
    return metadata


def metadata_form(metadata: dict[str, str]) -> MultiValueDict[str, Any]:
    """The metadata as the form fields of a multipart upload (for the same serializer)."""
    form: MultiValueDict[str, Any] = MultiValueDict()
    for key, value in metadata.items():
        if key in LIST_KEYS:
            form.setlist(key, comma_separated(value))
        elif key != "file":
            form[key] = value
    return form


def _header_int(request: Request, name: str, *, missing_status: int = 400) -> int:
    """A header holding a non-negative integer (``Upload-Length``, ``Upload-Offset``...)."""
    raw = request.headers.get(name)
    if raw is None:
        raise TusError(f"the {name} header is required", code="header_missing",
                       http_status=missing_status)
    if not raw.isdigit():
        raise TusError(f"{name} must be a non-negative integer, not {raw!r}")
    return int(raw)


class ResumableUploadViewSet(viewsets.GenericViewSet):
    """Resumable (tus 1.0.0) uploads of your videos; see the module's documentation."""

    schema = None  # out of the OpenAPI schema: tus clients speak the protocol
    queryset = ResumableUpload.objects.none()
    serializer_class = ResumableUploadSerializer
    parser_classes = (BodyNotParsed,)
    start_work_actions = ("create",)

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        tus_request = request.method not in ("GET", "OPTIONS")
        if tus_request and request.headers.get("Tus-Resumable") != TUS_VERSION:
            raise TusError(f"this server speaks tus {TUS_VERSION} (Tus-Resumable header)",
                           code="tus_version", http_status=412)

    def finalize_response(self, request: Request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Tus-Resumable"] = TUS_VERSION
        response["Tus-Version"] = TUS_VERSION
        response["Cache-Control"] = "no-store"
        return response

    def get_object(self) -> ResumableUpload:
        return object_or_404(selectors.resumable_upload_get, user=self.request.user,
                             pk=self.kwargs["pk"])

    def _offset_response(self, upload: ResumableUpload, *, status_code: int) -> Response:
        response = Response(status=status_code)
        response["Upload-Offset"] = str(upload.offset)
        response["Upload-Length"] = str(upload.length)
        return response

    def discover(self, request: Request, *args, **kwargs) -> Response:
        """OPTIONS: the protocol's version, extensions and the largest upload."""
        response = Response(status=status.HTTP_204_NO_CONTENT)
        response["Tus-Extension"] = TUS_EXTENSIONS
        response["Tus-Max-Size"] = str(settings.VIGIL_MAX_UPLOAD_BYTES)
        return response

    def create(self, request: Request) -> Response:
        if "Upload-Defer-Length" in request.headers:
            raise TusError("Upload-Defer-Length is not supported: send Upload-Length")
        length = _header_int(request, "Upload-Length")
        metadata = metadata_parse(request.headers.get("Upload-Metadata", ""))
        options = UploadOptionsSerializer(data=metadata_form(metadata))
        options.is_valid(raise_exception=True)
        upload = services.resumable_upload_create(
            owner=request_user(request), length=length, metadata=metadata,
            starts_analysis=options.validated_data["analyze"])
        if upload.is_complete:  # an empty file: nothing to send, judge it now
            self._complete(request, upload)
        response = self._offset_response(upload, status_code=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(
            reverse("api:resumable-upload-detail", args=[upload.pk]))
        return response

    def head(self, request: Request, pk=None) -> Response:
        return self._offset_response(self.get_object(), status_code=status.HTTP_200_OK)

    def retrieve(self, request: Request, pk=None) -> Response:
        upload = self.get_object()
        return Response(ResumableUploadSerializer(
            upload, context=self.get_serializer_context()).data)

    def partial_update(self, request: Request, pk=None) -> Response:
        if request.content_type.split(";")[0].strip() != CHUNK_CONTENT_TYPE:
            raise TusError(f"PATCH bodies are {CHUNK_CONTENT_TYPE}", code="unsupported_media",
                           http_status=415)
        offset = _header_int(request, "Upload-Offset")
        content_length = _header_int(request, "Content-Length", missing_status=411)
        upload = services.resumable_upload_append(
            upload=self.get_object(), offset=offset, content_length=content_length,
            read=request._request.read)
        if upload.is_complete:
            self._complete(request, upload)
        return self._offset_response(upload, status_code=status.HTTP_204_NO_CONTENT)

    def destroy(self, request: Request, pk=None) -> Response:
        upload = self.get_object()
        if upload.video_id is None:
            services.resumable_upload_delete(upload=upload)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _complete(self, request: Request, upload: ResumableUpload) -> None:
        """Hand the assembled file to the upload service, as ``POST /api/v1/videos/`` does;
        a refused file (or any failure) drops the upload and answers the refusal."""
        try:
            with services.resumable_upload_assembled(upload=upload) as path:
                form = metadata_form(upload.metadata)
                name = upload.metadata.get("filename") or "video"
                with LocalUploadedFile(path, name=name,
                                       content_type=upload.metadata.get("filetype", "")) as file:
                    form["file"] = file  # as DRF merges a multipart body's files
                    serializer = VideoCreateSerializer(data=form)
                    serializer.is_valid(raise_exception=True)
                    video, analysis = video_upload_validated(serializer,
                                                             owner=request_user(request))
        except BaseException:
            services.resumable_upload_delete(upload=upload)
            raise
        services.resumable_upload_finish(upload=upload, video=video, analysis=analysis)
