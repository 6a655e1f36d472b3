"""Every API error answers one body, ``{"code", "detail", "fields"}`` (webapp.core.errors)."""
from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from rest_framework import exceptions

from inference.errors import VideoRejected
from training.datasets import ManifestError
from webapp.core.errors import ServiceError, UploadTooLarge
from webapp.core.exception_handlers import exception_handler


class Refused(ServiceError):
    code = "refused"
    http_status = 409


def _answer(exc: Exception) -> tuple[int, dict]:
    response = exception_handler(exc, {})
    assert response is not None, exc
    return response.status_code, response.data


@pytest.mark.parametrize(("exc", "status", "code", "fields"), [
    (DjangoValidationError({"labels": ["unknown label 'x'"]}), 400, "invalid",
     {"labels": ["unknown label 'x'"]}),
    (exceptions.ValidationError({"threshold": ["too high"]}), 400, "invalid",
     {"threshold": ["too high"]}),
    (exceptions.ValidationError({"video": "no such video"}), 400, "invalid",
     {"video": ["no such video"]}),
    (DjangoValidationError("no such thing"), 400, "invalid", {}),
    (DjangoValidationError({"detail": "not about a field"}), 400, "invalid", {}),
    (Refused("in use", fields={"name": ["taken"]}), 409, "refused", {"name": ["taken"]}),
    (UploadTooLarge(), 413, "file_too_large", {}),
    (VideoRejected("no video stream", code="no_video_stream"), 422, "no_video_stream", {}),
    (Http404("gone"), 404, "not_found", {}),
    (DjangoPermissionDenied("staff only"), 403, "permission_denied", {}),
    (exceptions.Throttled(wait=3), 429, "throttled", {}),
])
def test_each_error_answers_the_one_body(db, exc, status, code, fields) -> None:
    answer_status, body = _answer(exc)
    assert answer_status == status
    assert set(body) == {"code", "detail", "fields"}, body
    assert (body["code"], body["fields"]) == (code, fields)
    assert isinstance(body["detail"], str) and body["detail"], body


def test_a_validation_detail_names_the_field_and_keeps_general_messages(db) -> None:
    _, body = _answer(DjangoValidationError({"labels": ["unknown"], "__all__": ["clash"]}))
    assert body["detail"] == "clash; labels: unknown"
    assert body["fields"] == {"labels": ["unknown"]}


def test_a_manifest_error_lists_every_bad_row(db) -> None:
    status, body = _answer(ManifestError("rows.csv", [(2, "empty label"), (4, "bad time")]))
    assert status == 400
    assert body["code"] == "manifest" and "2 bad row(s)" in body["detail"]
    assert body["problems"] == [{"line": 2, "reason": "empty label"},
                                {"line": 4, "reason": "bad time"}]


def test_other_errors_are_left_to_django(db) -> None:
    assert exception_handler(RuntimeError("bug"), {}) is None


def test_throttled_keeps_its_retry_after_header(db) -> None:
    response = exception_handler(exceptions.Throttled(wait=7), {})
    assert response is not None and response["Retry-After"] == "7"


def test_api_errors_over_http_share_the_body(api_client, user, staff_user) -> None:
    assert api_client.get("/api/v1/videos/").json()["code"] == "not_authenticated"
    api_client.force_authenticate(user)
    for url in ("/api/v1/videos/5e1f1f00-0000-4000-8000-000000000000/",
                "/api/v1/videos/not-a-uuid/", "/api/v1/alerts/99999999999999999999999/"):
        response = api_client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found", url
    denied = api_client.get("/api/v1/datasets/")
    assert (denied.status_code, denied.json()["code"]) == (403, "permission_denied")
    rejected = api_client.post("/api/v1/videos/", {
        "file": SimpleUploadedFile("clip.mp4", b"not a video"), "analyze": "false"})
    assert rejected.status_code == 422
    assert set(rejected.json()) == {"code", "detail", "fields"}
    api_client.force_authenticate(staff_user)
    duplicate = {"name": "falls"}
    assert api_client.post("/api/v1/datasets/", duplicate, format="json").status_code == 201
    again = api_client.post("/api/v1/datasets/", duplicate, format="json")
    assert again.status_code == 400
    assert again.json()["code"] == "invalid" and "name" in again.json()["fields"]
