"""Resumable uploads (tus 1.0.0): the protocol's answers, its refusals, and an upload whose
connection is cut mid-way, resumed from the server's offset and analysed by a real worker."""
from __future__ import annotations

import base64
import hashlib
import socket
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from django.utils import timezone

from tests.webapp.conftest import SHORT_CLIP, media_files, temp_upload_files, wait_for
from webapp.videos.models import Analysis, AnalysisStatus, ResumableUpload, Video

API = "/api/v1/uploads/"
TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}
CHUNK = "application/offset+octet-stream"


def metadata(**values: str) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}"
                    for key, value in values.items())


def create(client, length: int, **values: str):
    return client.post(API, HTTP_UPLOAD_LENGTH=str(length),
                       HTTP_UPLOAD_METADATA=metadata(**values), **TUS)


def patch(client, location: str, data: bytes, offset: int):
    return client.generic("PATCH", location, data, content_type=CHUNK,
                          HTTP_UPLOAD_OFFSET=str(offset), **TUS)


def part_files() -> list:
    return [path for path in media_files() if "uploads" in path.parts]


@pytest.mark.django_db
def test_options_announce_version_extensions_and_limit(api_client, user, settings):
    api_client.force_authenticate(user)
    response = api_client.options(API)
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) == {"creation", "termination"}
    assert response["Tus-Max-Size"] == str(settings.VIGIL_MAX_UPLOAD_BYTES)


@pytest.mark.django_db
def test_uploads_need_a_signed_in_user(api_client, model_version):
    assert create(api_client, 10, filename="a.mp4").status_code in (401, 403)
    assert ResumableUpload.objects.count() == 0


@pytest.mark.django_db
def test_chunks_complete_into_a_video_made_by_the_upload_service(
        api_client, user, model_version, django_capture_on_commit_callbacks):
    api_client.force_authenticate(user)
    data = SHORT_CLIP.read_bytes()
    created = create(api_client, len(data), filename="yard.mp4", segment_sec="2",
                     stride_sec="2", labels="abseiling, archery", source_tag="gate")
    assert created.status_code == 201, created.content
    assert created["Tus-Resumable"] == "1.0.0"
    location = created["Location"]
    assert urlsplit(location).path.startswith(API)
    third = len(data) // 3
    with django_capture_on_commit_callbacks(execute=True):
        for start in (0, third, 2 * third):
            end = len(data) if start == 2 * third else start + third
            response = patch(api_client, location, data[start:end], start)
            assert response.status_code == 204, response.content
            assert response["Upload-Offset"] == str(end)
            if end < len(data):
                assert api_client.head(location, **TUS)["Upload-Offset"] == str(end)
    body = api_client.get(location).json()
    assert body["complete"] is True and body["offset"] == len(data)
    video = Video.objects.get(pk=body["video"]["id"])
    assert (video.owner, video.original_name, video.source_tag) == (user, "yard.mp4", "gate")
    assert video.sha256 == hashlib.sha256(data).hexdigest()
    analysis = Analysis.objects.get(pk=body["analysis"]["id"])
    assert (analysis.segment_sec, analysis.labels) == (2.0, ["abseiling", "archery"])
    assert part_files() == []
    assert temp_upload_files() == []


@pytest.mark.django_db
def test_protocol_refusals(api_client, user, other_user, model_version, settings):
    api_client.force_authenticate(user)
    no_version = api_client.post(API, HTTP_UPLOAD_LENGTH="10")
    assert no_version.status_code == 412
    assert no_version["Tus-Version"] == "1.0.0"
    settings.VIGIL_MAX_UPLOAD_BYTES = 1000
    too_big = create(api_client, 1001, filename="big.mp4")
    assert (too_big.status_code, too_big.json()["code"]) == (413, "file_too_large")
    bad_option = create(api_client, 100, filename="a.mp4", segment_sec="-3")
    assert bad_option.status_code == 400
    assert "segment_sec" in bad_option.json()["fields"]
    assert ResumableUpload.objects.count() == 0

    location = create(api_client, 100, filename="a.mp4")["Location"]
    assert patch(api_client, location, b"x" * 10, 5).status_code == 409
    assert patch(api_client, location, b"x" * 101, 0).status_code == 413
    wrong_type = api_client.generic("PATCH", location, b"x", content_type="text/plain",
                                    HTTP_UPLOAD_OFFSET="0", **TUS)
    assert wrong_type.status_code == 415
    assert api_client.head(location, **TUS)["Upload-Offset"] == "0"
    api_client.force_authenticate(other_user)  # someone else's upload does not exist
    assert api_client.head(location, **TUS).status_code == 404
    assert patch(api_client, location, b"x" * 10, 0).status_code == 404
    assert api_client.get(location).status_code == 404
    assert api_client.delete(location, **TUS).status_code == 404
    assert part_files() == []


@pytest.mark.django_db
def test_quotas_refuse_an_upload_before_any_byte(api_client, user, model_version, settings):
    api_client.force_authenticate(user)
    settings.VIGIL_QUOTA_STORAGE_BYTES = 1000
    over_storage = create(api_client, 1001, filename="a.mp4")
    assert (over_storage.status_code, over_storage.json()["code"]) == (429, "quota_storage")
    settings.VIGIL_QUOTA_STORAGE_BYTES = 0
    settings.VIGIL_MAX_OPEN_UPLOADS = 2
    for name in ("a.mp4", "b.mp4"):
        assert create(api_client, 100, filename=name).status_code == 201
    third = create(api_client, 100, filename="c.mp4")
    assert (third.status_code, third.json()["code"]) == (429, "quota_uploads")
    assert ResumableUpload.objects.count() == 2


@pytest.mark.django_db
def test_a_file_that_is_not_a_video_is_refused_at_completion_and_dropped(
        api_client, user, model_version, django_capture_on_commit_callbacks):
    api_client.force_authenticate(user)
    data = b"just some text pretending to be a video\n" * 20
    location = create(api_client, len(data), filename="notes.mp4")["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        assert patch(api_client, location, data[:100], 0).status_code == 204
        assert len(part_files()) == 1
        refused = patch(api_client, location, data[100:], 100)
    assert refused.status_code == 422
    assert refused.json()["code"] == "not_a_video"
    assert ResumableUpload.objects.count() == 0
    assert Video.objects.count() == 0
    assert media_files() == []
    assert temp_upload_files() == []


@pytest.mark.django_db
def test_termination_and_stale_uploads_drop_their_parts(
        api_client, user, model_version, django_capture_on_commit_callbacks):
    from webapp.core.retention import retention_run
    from webapp.videos.services import resumable_uploads_expire

    api_client.force_authenticate(user)
    first = create(api_client, 100, filename="a.mp4")["Location"]
    second = create(api_client, 100, filename="b.mp4")["Location"]
    patch(api_client, first, b"a" * 40, 0)
    patch(api_client, second, b"b" * 40, 0)
    assert len(part_files()) == 2
    # An unfinished upload's parts are busy for retention's orphan sweep.
    retention_run(days=1, now=timezone.now() + timedelta(days=30))
    assert len(part_files()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.delete(first, **TUS).status_code == 204
    assert api_client.head(first, **TUS).status_code == 404
    assert len(part_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert resumable_uploads_expire() == 0  # touched just now
        assert resumable_uploads_expire(now=timezone.now() + timedelta(hours=25)) == 1
    assert ResumableUpload.objects.count() == 0
    assert part_files() == []


def _patch_then_cut(url: str, *, token: str, offset: int, total: int, payload: bytes) -> None:
    """Start a PATCH announcing ``total`` bytes, send only ``payload``, drop the connection."""
    parts = urlsplit(url)
    head = (f"PATCH {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Authorization: Token {token}\r\nTus-Resumable: 1.0.0\r\n"
            f"Content-Type: {CHUNK}\r\nUpload-Offset: {offset}\r\n"
            f"Content-Length: {total}\r\n\r\n").encode()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head + payload)
    # closed: the server's read of the rest ends early


def test_upload_cut_mid_way_resumes_from_the_server_offset_and_is_analysed(
        live_server, start_worker, worker_logs, user, model_version):
    from webapp.accounts.services import api_token_create

    worker = start_worker()
    worker_logs.append(worker)
    _, token = api_token_create(user=user, name="tus")
    session = requests.Session()
    session.headers.update({"Authorization": f"Token {token}", "Tus-Resumable": "1.0.0"})
    data = SHORT_CLIP.read_bytes()
    created = session.post(f"{live_server.url}{API}", headers={
        "Upload-Length": str(len(data)),
        "Upload-Metadata": metadata(filename="cut.mp4", segment_sec="2", stride_sec="2",
                                    labels="abseiling")})
    assert created.status_code == 201, created.text
    location = created.headers["Location"]

    sent = len(data) * 2 // 5
    _patch_then_cut(location, token=token, offset=0, total=len(data), payload=data[:sent])

    def server_offset() -> int:
        response = session.head(location)
        assert response.status_code == 200
        return int(response.headers["Upload-Offset"])

    wait_for(lambda: server_offset() == sent, timeout=20,
             message="the server to keep the bytes sent before the cut")
    offset = server_offset()
    assert 0 < offset < len(data)
    assert Video.objects.count() == 0

    resumed = session.patch(location, data=data[offset:], headers={
        "Content-Type": CHUNK, "Upload-Offset": str(offset)})
    assert resumed.status_code == 204, resumed.text
    assert resumed.headers["Upload-Offset"] == str(len(data))
    body = session.get(location).json()
    video = Video.objects.get(pk=body["video"]["id"])
    assert video.sha256 == hashlib.sha256(data).hexdigest()  # the bytes, in order, once
    assert part_files() == []

    analysis = Analysis.objects.get(pk=body["analysis"]["id"])

    def finished() -> bool:
        analysis.refresh_from_db()
        return analysis.is_finished

    wait_for(finished, timeout=180, interval=0.5, message="the analysis to finish")
    assert analysis.status == AnalysisStatus.SUCCEEDED, analysis.error
    segments = session.get(f"{live_server.url}/api/v1/analyses/{analysis.pk}/segments/").json()
    assert segments["count"] == 3  # 5.3 s in 2 s windows every 2 s
    assert all(0.0 <= row["scores"]["abseiling"] <= 1.0 for row in segments["results"])


@pytest.mark.django_db
def test_session_uploads_need_the_csrf_token(user, model_version):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert create(client, 100, filename="a.mp4").status_code == 403
    client.get("/videos/upload/")  # the page sets the CSRF cookie its script sends back
    accepted = client.post(API, HTTP_UPLOAD_LENGTH="100",
                           HTTP_UPLOAD_METADATA=metadata(filename="a.mp4"),
                           HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value, **TUS)
    assert accepted.status_code == 201
    assert ResumableUpload.objects.get().owner == user
