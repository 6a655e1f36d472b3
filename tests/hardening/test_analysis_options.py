"""Options that can never work are refused at submission, 400 naming the field, by the one
check (``webapp.videos.options``) that the API, the upload form and the re-run form share
(issue 13): a device this deployment has no worker for, fusion weights all zero, a stream the
model has no network for, RAFT flow without a GPU. Forms do not offer what cannot run."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.webapp.conftest import SHORT_CLIP, kinetics_labels
from webapp.videos.forms import AnalysisOptionsForm, UploadForm
from webapp.videos.models import Analysis, Video

pytestmark = pytest.mark.django_db

NEVER_HERE = [
    ({"device": "cuda"}, "device"),
    ({"device": "cuda:0"}, "device"),
    ({"device": "cuda:abc"}, "device"),
    ({"device": "cuda:-1"}, "device"),
    ({"device": "cuda:0\n"}, "device"),
    ({"device": " cpu"}, "device"),
    ({"fusion_weights": {"rgb": 0}}, "fusion_weights"),
    ({"modalities": ["rgb", "flow"], "fusion_weights": {"rgb": 0, "flow": 0}},
     "fusion_weights"),
    ({"modalities": ["rgb", "flow"]}, "modalities"),       # mc3_18 has no flow stream
    ({"modalities": ["rgbdiff"]}, "modalities"),
    ({"flow_method": "raft"}, "flow_method"),               # RAFT needs a GPU worker
]


@pytest.fixture
def tsn_version(db):
    from webapp.models_registry.models import ModelVersion

    return ModelVersion.objects.create(
        name="tsn_efficientnet_lite0.untrained", arch="tsn_efficientnet_lite0", weights="none",
        labels=kinetics_labels(), input_spec={"modalities": ["rgb"]})


def test_the_api_refuses_options_no_worker_can_run(owned, api_client, user) -> None:
    video, _ = owned
    api_client.force_authenticate(user)
    before = Analysis.objects.count()
    for options, field in NEVER_HERE:
        response = api_client.post("/api/v1/analyses/", {"video": str(video.pk), **options},
                                   format="json")
        assert response.status_code == 400, (options, response.status_code, response.content)
        assert field in response.json()["fields"], (options, response.json())
    assert Analysis.objects.count() == before


def test_an_upload_with_impossible_options_stores_nothing(owned, api_client, user) -> None:
    api_client.force_authenticate(user)
    videos = Video.objects.count()
    response = api_client.post("/api/v1/videos/", {
        "file": SimpleUploadedFile("clip.mp4", SHORT_CLIP.read_bytes()), "device": "cuda"},
        format="multipart")
    assert response.status_code == 400 and "device" in response.json()["fields"]
    assert Video.objects.count() == videos
    # Without an analysis, the options do not matter.
    response = api_client.post("/api/v1/videos/", {
        "file": SimpleUploadedFile("clip.mp4", SHORT_CLIP.read_bytes()), "device": "cuda",
        "analyze": "false"}, format="multipart")
    assert response.status_code == 201, response.content


def test_streams_the_model_has_are_accepted(owned, api_client, user, tsn_version,
                                            django_capture_on_commit_callbacks) -> None:
    video, _ = owned
    api_client.force_authenticate(user)
    with django_capture_on_commit_callbacks(execute=False):
        response = api_client.post("/api/v1/analyses/", {
            "video": str(video.pk), "model_version": tsn_version.pk,
            "modalities": ["rgb", "flow"], "fusion_weights": {"rgb": 0, "flow": 1}},
            format="json")
    assert response.status_code == 202, response.content


def test_gpu_options_are_accepted_where_gpu_workers_exist(owned, api_client, user, settings,
                                                          django_capture_on_commit_callbacks):
    settings.VIGIL_GPU_WORKERS = True
    settings.VIGIL_GPU_DEVICES = 2
    video, _ = owned
    api_client.force_authenticate(user)
    with django_capture_on_commit_callbacks(execute=False):
        for device in ("cuda", "cuda:1"):
            response = api_client.post("/api/v1/analyses/", {
                "video": str(video.pk), "device": device}, format="json")
            assert response.status_code == 202, response.content
            assert response.json()["queue"] == "gpu"
        for device in ("cuda:2", "cuda:0\n", "cuda:abc"):
            response = api_client.post("/api/v1/analyses/", {
                "video": str(video.pk), "device": device}, format="json")
            assert response.status_code == 400 and "device" in response.json()["fields"], device


def test_forms_offer_only_what_this_deployment_runs(model_version, settings) -> None:
    form = AnalysisOptionsForm()
    assert [value for value, _ in form.fields["device"].choices] == ["cpu"]
    assert "raft" not in [value for value, _ in form.fields["flow_method"].choices]
    settings.VIGIL_GPU_WORKERS = True
    form = AnalysisOptionsForm()
    assert {"cpu", "cuda", "auto"} <= {value for value, _ in form.fields["device"].choices}
    assert "raft" in [value for value, _ in form.fields["flow_method"].choices]


def test_the_forms_use_the_same_check_as_the_api(owned, user, api_client, model_version):
    """All-zero fusion weights: the same refusal from the re-run form, the upload form (when it
    analyses) and the API."""
    video, _ = owned
    data = {"model_version": model_version.pk, "fusion_weights": "rgb=0"}
    rerun = AnalysisOptionsForm(data=data)
    assert not rerun.is_valid()
    upload = UploadForm(data={**data, "analyze": "on"},
                        files={"file": SimpleUploadedFile("c.mp4", b"x")})
    assert not upload.is_valid()
    assert UploadForm(data=data, files={"file": SimpleUploadedFile("c.mp4", b"x")}).is_valid()
    api_client.force_authenticate(user)
    api = api_client.post("/api/v1/analyses/", {"video": str(video.pk),
                                                "fusion_weights": {"rgb": 0}}, format="json")
    message = "at least one stream needs a weight above 0"
    assert rerun.errors["fusion_weights"] == upload.errors["fusion_weights"] == [message]
    assert api.json()["fields"]["fusion_weights"] == [message]


def test_the_rerun_page_refuses_a_gpu_device(owned, user, model_version) -> None:
    video, _ = owned
    client = Client()
    client.force_login(user)
    before = Analysis.objects.count()
    response = client.post(f"/videos/{video.pk}/analyses/", {
        "model_version": model_version.pk, "device": "cuda"})
    assert response.status_code == 400
    assert Analysis.objects.count() == before


def test_a_gpu_worker_announcing_its_devices_is_enough(owned, api_client, user, settings,
                                                       django_capture_on_commit_callbacks):
    """No setting: a live worker on the gpu queue whose heartbeat lists two CUDA devices."""
    from django.utils import timezone

    from webapp.core.models import WorkerHeartbeat

    settings.VIGIL_GPU_WORKERS = False
    video, _ = owned
    api_client.force_authenticate(user)
    post = lambda device: api_client.post("/api/v1/analyses/", {  # noqa: E731
        "video": str(video.pk), "device": device}, format="json")
    assert post("cuda").status_code == 400  # nobody announced a GPU
    now = timezone.now()
    row = WorkerHeartbeat.objects.create(
        name="gpu@box", host="box", pid=1, queues=["gpu"], pool="solo", concurrency=1,
        devices=["cpu", "cuda:0 NVIDIA H100", "cuda:1 NVIDIA H100"], started_at=now,
        last_seen_at=now)
    with django_capture_on_commit_callbacks(execute=False):
        assert post("cuda:1").status_code == 202
    assert post("cuda:2").status_code == 400
    assert "cuda" in dict(AnalysisOptionsForm().fields["device"].choices)
    row.last_seen_at = now - timezone.timedelta(hours=1)  # that worker died
    row.save()
    assert post("cuda").status_code == 400
