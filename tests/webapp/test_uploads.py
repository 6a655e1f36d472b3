"""Uploads: content check by probe, random storage names, SHA-256, size limits, no leftovers."""
from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.webapp.conftest import SHORT_CLIP, media_files, temp_upload_files
from webapp.videos.models import Analysis, Video
from webapp.videos.services import clean_original_name

pytestmark = pytest.mark.django_db

API = "/api/v1/videos/"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(client, name: str, content: bytes, **fields):
    return client.post(API, {"file": SimpleUploadedFile(name, content), **fields},
                       format="multipart")


def assert_nothing_stored() -> None:
    assert Video.objects.count() == 0
    assert Analysis.objects.count() == 0
    assert media_files() == []
    assert temp_upload_files() == []


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("notes.mp4", b"just some text pretending to be a video\n" * 20, "not_a_video"),
        ("empty.mp4", b"", "empty_file"),
        ("picture.mp4", None, "image"),
        ("playlist.mp4", b"#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n", "playlist"),
    ],
)
def test_bad_files_are_rejected_with_the_probe_reason(api_client, user, model_version, name,
                                                      content, code):
    api_client.force_authenticate(user)
    response = upload(api_client, name, png_bytes() if content is None else content)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    assert_nothing_stored()


def test_upload_page_fallback_shows_the_reason(client, user, model_version):
    client.force_login(user)
    response = client.post(reverse("videos:upload"), {
        "file": SimpleUploadedFile("x.mp4", b"plain text, not a video at all\n" * 10),
        "analyze": "on",
    })
    assert response.status_code == 422
    assert b"not_a_video" in response.content
    assert b"text file" in response.content
    assert_nothing_stored()


def test_oversize_upload_is_refused_from_content_length(api_client, user, settings):
    settings.VIGIL_MAX_UPLOAD_BYTES = 100_000
    api_client.force_authenticate(user)
    response = upload(api_client, "big.mp4", SHORT_CLIP.read_bytes())
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert_nothing_stored()


def test_oversize_upload_is_stopped_while_streaming(api_client, user, settings):
    """Within the multipart allowance the middleware lets it in; the handler stops it."""
    data = SHORT_CLIP.read_bytes()
    settings.VIGIL_MAX_UPLOAD_BYTES = len(data) - 1000
    api_client.force_authenticate(user)
    response = upload(api_client, "big.mp4", data)
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert_nothing_stored()


def test_oversize_page_upload_answers_413(client, user, settings):
    data = SHORT_CLIP.read_bytes()
    settings.VIGIL_MAX_UPLOAD_BYTES = len(data) - 1000
    client.force_login(user)
    response = client.post(reverse("videos:upload"),
                           {"file": SimpleUploadedFile("big.mp4", data)})
    assert response.status_code == 413
    assert b"upload limit" in response.content
    assert_nothing_stored()


def test_good_upload_is_stored_under_a_random_name(api_client, user, model_version, settings):
    api_client.force_authenticate(user)
    data = SHORT_CLIP.read_bytes()
    evil_name = "../../etc/\x07evil\u202e<img src=x onerror=alert(1)>.mp4"
    response = upload(api_client, evil_name, data, analyze="false")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["analysis"] is None
    video = Video.objects.get(pk=body["video"]["id"])
    assert video.owner == user
    assert video.sha256 == hashlib.sha256(data).hexdigest()
    assert video.original_name == "evil<img src=x onerror=alert(1)>.mp4"
    assert video.file.endswith(f"{video.pk}.mp4")
    assert "evil" not in video.file
    stored = settings.MEDIA_ROOT / video.file
    assert stored.read_bytes() == data
    assert abs(video.duration_sec - 5.33) < 0.1
    assert (video.width, video.height) == (640, 240)
    thumbnail = settings.MEDIA_ROOT / video.thumbnail
    assert thumbnail.read_bytes()[:3] == b"\xff\xd8\xff"
    assert temp_upload_files() == []
    # The name is shown escaped, never as markup.
    api_client.logout()
    from django.test import Client

    page_client = Client()
    page_client.force_login(user)
    page = page_client.get(reverse("videos:list"))
    assert b"evil&lt;img src=x onerror=alert(1)&gt;.mp4" in page.content
    assert b"<img src=x" not in page.content


def test_upload_with_analysis_options_creates_a_queued_analysis(
        api_client, user, model_version, django_capture_on_commit_callbacks):
    api_client.force_authenticate(user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(api_client, "clip.mp4", SHORT_CLIP.read_bytes(),
                          segment_sec="2", stride_sec="2", threshold="0.3",
                          labels=["dancing ballet", "punching bag"])
    assert response.status_code == 201, response.content
    analysis = Analysis.objects.get(pk=response.json()["analysis"]["id"])
    assert analysis.status == "queued"
    assert analysis.labels == ["dancing ballet", "punching bag"]
    assert (analysis.segment_sec, analysis.stride_sec, analysis.threshold) == (2.0, 2.0, 0.3)
    assert analysis.queue == "cpu"
    assert len(callbacks) == 1  # the task is sent only once the transaction commits


def test_bad_analysis_options_store_nothing(api_client, user, model_version):
    api_client.force_authenticate(user)
    response = upload(api_client, "clip.mp4", SHORT_CLIP.read_bytes(),
                      labels=["no such action"])
    assert response.status_code == 400
    assert "labels" in response.json()["fields"]
    assert_nothing_stored()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\me\\holiday.mp4", "holiday.mp4"),
        ("a/b/c/clip.mkv", "clip.mkv"),
        ("\x00\x1f bad\tname\n.mp4", "bad name .mp4"),
        ("", "video"),
        ("../..", "video"),
        ("x" * 300 + ".mp4", "x" * 196 + ".mp4"),  # shortened, extension kept
        ("y." + "z" * 300, "y." + "z" * 198),
    ],
)
def test_clean_original_name(raw, clean):
    assert clean_original_name(raw) == clean
