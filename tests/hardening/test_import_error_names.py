"""A failed dataset import names the uploaded file, never the server's temp folder (issue 13)."""
from __future__ import annotations

import io
import zipfile

import pytest
from django.conf import settings
from django.urls import reverse

from webapp.accounts.services import api_token_create
from webapp.datasets import services

pytestmark = pytest.mark.django_db


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("members", [
    {"readme.txt": b"no class folders here"},                        # no video at all
    {"fight/not-a-video.mp4": b"plain text, not a video\n" * 40},   # a clip that is refused
], ids=["no-clips", "bad-clip"])
def test_a_failed_folder_import_names_the_upload_not_the_temp_folder(staff_user, api_client,
                                                                     members) -> None:
    dataset = services.dataset_create(name="names", created_by=staff_user)
    api_client.credentials(
        HTTP_AUTHORIZATION=f"Token {api_token_create(user=staff_user, name='t')[1]}")
    upload = io.BytesIO(_zip(members))
    upload.name = "my-clips.zip"
    response = api_client.post(reverse("api:dataset-import", args=[dataset.pk]),
                               {"kind": "folder", "file": upload}, format="multipart")
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    assert services.dataset_import_run(job_id=job_id) == "failed"  # what the worker task runs

    job = api_client.get(reverse("api:dataset-import-job-detail", args=[job_id])).json()
    text = job["error"] + " " + " ".join(p["reason"] for p in job["problems"])
    assert job["error"].startswith("my-clips.zip: "), job["error"]
    assert "dataset-import-" not in text
    assert settings.FILE_UPLOAD_TEMP_DIR not in text and str(settings.BASE_DIR) not in text
    if "fight/not-a-video.mp4" in members:
        assert "fight/not-a-video.mp4: not a usable video" in text
