"""Media through Django's storage API: filesystem (Range / X-Accel-Redirect) and a remote-style
storage without local paths (Django's ``InMemoryStorage``, standing in for S3): uploads,
thumbnails, analysis outputs and downloads all go through the storage."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.webapp.conftest import SHORT_CLIP, media_files
from webapp.core import storage as media

pytestmark = pytest.mark.django_db


@pytest.fixture
def remote_storage(settings):
    """A storage with no ``path()``: every file lives in it, none on the local disk."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.InMemoryStorage",
        "OPTIONS": {"base_url": "https://files.example/signed/"}}}
    storage = media.media_storage()
    assert not media.is_local(storage)
    return storage


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_helpers_on_the_filesystem_storage(settings, tmp_path):
    assert media.is_local()
    local = tmp_path / "out.bin"
    local.write_bytes(b"abc")
    assert media.store_file(local, "analyses/x/out.bin") == "analyses/x/out.bin"
    stored = Path(settings.MEDIA_ROOT) / "analyses/x/out.bin"
    assert stored.read_bytes() == b"abc"
    with media.local_copy("analyses/x/out.bin") as path:
        assert path == stored  # the file itself, no copy
    with media.local_output("analyses/x/new.txt") as path:
        assert path.parent == stored.parent and path.name != "new.txt"  # temp name, then rename
        path.write_text("done")
    assert (stored.parent / "new.txt").read_text() == "done"
    assert sorted(media.walk("analyses")) == ["analyses/x/new.txt", "analyses/x/out.bin"]
    with pytest.raises(RuntimeError), media.local_output("analyses/x/failed.txt") as path:
        path.write_text("half")
        raise RuntimeError("encoder crashed")
    assert sorted(p.name for p in stored.parent.iterdir()) == ["new.txt", "out.bin"]
    media.delete_tree("analyses/x")
    assert not stored.parent.exists()


def test_helpers_on_a_storage_without_local_paths(remote_storage, tmp_path, settings):
    local = tmp_path / "clip.mp4"
    local.write_bytes(b"0123456789")
    media.store_file(local, "videos/ab/clip.mp4")
    media.store_file(local, "videos/ab/clip.mp4")  # replaces: still one name
    assert remote_storage.listdir("videos/ab") == ([], ["clip.mp4"])
    with media.local_copy("videos/ab/clip.mp4") as path:
        assert path.read_bytes() == b"0123456789"
        assert path.is_relative_to(settings.FILE_UPLOAD_TEMP_DIR)
    assert not path.exists()  # the temp copy is gone
    with media.local_output("thumbnails/ab/t.jpg") as out:
        out.write_bytes(b"jpeg")
    assert remote_storage.open("thumbnails/ab/t.jpg").read() == b"jpeg"
    folder = media.output_dir("analyses/1")
    (folder / "results.json").write_text("{}")
    media.output_publish(folder, "analyses/1")
    assert not folder.exists()
    assert remote_storage.open("analyses/1/results.json").read() == b"{}"
    media.delete_tree("analyses")
    assert not remote_storage.exists("analyses/1/results.json")
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_upload_and_downloads_through_a_remote_storage(remote_storage, user, other_user,
                                                      settings,
                                                      django_capture_on_commit_callbacks):
    from webapp.videos import services

    video, _ = services.video_upload(
        owner=user, upload=SimpleUploadedFile("clip.mp4", SHORT_CLIP.read_bytes()))
    assert remote_storage.open(video.file).read() == SHORT_CLIP.read_bytes()
    assert video.thumbnail and remote_storage.open(video.thumbnail).read()[:2] == b"\xff\xd8"
    assert media_files() == []  # nothing on the local disk
    assert not [p for p in Path(settings.FILE_UPLOAD_TEMP_DIR).rglob("*") if p.is_file()]

    response = logged_in(user).get(f"/videos/{video.pk}/source")
    assert response.status_code == 302
    assert response["Location"] == f"https://files.example/signed/{video.file}"
    assert response["Cache-Control"] == "private, no-store"
    assert logged_in(other_user).get(f"/videos/{video.pk}/source").status_code == 404
    assert Client().get(f"/videos/{video.pk}/source").status_code == 302  # to the login page
    assert "files.example" not in Client().get(f"/videos/{video.pk}/source")["Location"]

    with django_capture_on_commit_callbacks(execute=True):
        services.video_delete(video=video)
    assert not remote_storage.exists(video.file)
    assert not remote_storage.exists(video.thumbnail)


def test_a_refused_upload_leaves_nothing_in_a_remote_storage(remote_storage, user):
    from inference.errors import VigilError
    from webapp.videos import services

    with pytest.raises(VigilError):
        services.video_upload(owner=user, upload=SimpleUploadedFile(
            "evil.mp4", b"<html><script>alert(1)</script></html>" * 100))
    assert media.walk("videos") is not None and list(media.walk("videos")) == []
    assert list(media.walk("thumbnails")) == []


@pytest.mark.slow
def test_an_analysis_runs_against_a_remote_storage(remote_storage, user, model_version,
                                                   settings):
    """The worker service copies the source to a temp file for PyAV and stores its outputs."""
    from webapp.videos import selectors, services
    from webapp.videos.models import AnalysisStatus

    _, analysis = services.video_upload(
        owner=user, upload=SimpleUploadedFile("clip.mp4", SHORT_CLIP.read_bytes()),
        analysis_options={"segment_sec": 2.0, "stride_sec": 2.0})
    status = services.analysis_run(analysis_id=str(analysis.pk),
                                   task_id=analysis.celery_task_id)
    analysis.refresh_from_db()
    assert status == AnalysisStatus.SUCCEEDED, analysis.error
    assert analysis.results_file == f"analyses/{analysis.pk}/results.json"
    assert remote_storage.exists(analysis.results_file)
    assert analysis.annotated_file and remote_storage.size(analysis.annotated_file) > 1000
    document = selectors.analysis_results_document(analysis=analysis)
    assert document["schema"] == "vigil.results/1"
    assert len(document["segments"]) == analysis.segments.count() > 0
    assert media_files() == []
    assert not [p for p in Path(settings.FILE_UPLOAD_TEMP_DIR).rglob("*") if p.is_file()]
    response = logged_in(user).get(f"/analyses/{analysis.pk}/annotated.mp4?download=1")
    assert response.status_code == 302
    assert response["Location"].startswith(
        f"https://files.example/signed/analyses/{analysis.pk}/annotated.mp4")


def test_nginx_in_front_gets_x_accel_redirect_after_the_check(owned, user, other_user,
                                                              settings):
    settings.VIGIL_MEDIA_ACCEL_REDIRECT = "/protected/"
    video, analysis = owned
    response = logged_in(user).get(f"/analyses/{analysis.pk}/annotated.mp4")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected/{analysis.annotated_file}"
    assert response.content == b""  # nginx sends the bytes (and answers Range itself)
    assert response["Content-Type"] == "video/mp4"
    assert logged_in(other_user).get(f"/analyses/{analysis.pk}/annotated.mp4").status_code \
        == 404
    thumb = logged_in(user).get(f"/videos/{video.pk}/thumbnail.jpg")
    assert thumb["X-Accel-Redirect"] == f"/protected/{video.thumbnail}"


def test_the_accel_switch_defaults_the_protected_location(monkeypatch):
    import importlib

    import webapp.settings as settings_module

    monkeypatch.setenv("VIGIL_ACCEL_REDIRECT", "1")
    monkeypatch.delenv("VIGIL_MEDIA_ACCEL_REDIRECT", raising=False)
    try:
        reloaded = importlib.reload(settings_module)
        assert reloaded.VIGIL_MEDIA_ACCEL_REDIRECT == "/protected/"
        monkeypatch.setenv("VIGIL_ACCEL_REDIRECT", "0")
        assert importlib.reload(settings_module).VIGIL_MEDIA_ACCEL_REDIRECT == ""
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)


def test_the_storage_probe_content_file_roundtrip(remote_storage):
    name = remote_storage.save("healthz/x.txt", ContentFile(b"x"))
    assert media.exists(name)
    media.delete([name, "healthz/missing.txt"])
    assert not media.exists(name)
