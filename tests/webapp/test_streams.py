"""Analysis stream options (modalities, fusion weights, flow method): API, form, pipeline."""
from __future__ import annotations

import re

import pytest

from tests.webapp.conftest import kinetics_labels
from webapp.videos.forms import AnalysisOptionsForm, flow_method_choices
from webapp.videos.models import Analysis
from webapp.videos.services import pipeline_config


@pytest.fixture
def tsn_version(db):
    """A model with a flow stream (``tsn_efficientnet_lite0.flow``)."""
    from webapp.models_registry.models import ModelVersion

    return ModelVersion.objects.create(
        name="tsn_efficientnet_lite0.untrained", arch="tsn_efficientnet_lite0", weights="none",
        labels=kinetics_labels(), input_spec={"modalities": ["rgb"]})


def test_api_stores_streams_and_passes_them_to_the_pipeline(
        owned, api_client, user, tsn_version, django_capture_on_commit_callbacks):
    video, _ = owned
    api_client.force_authenticate(user)
    with django_capture_on_commit_callbacks(execute=False):
        response = api_client.post("/api/v1/analyses/", {
            "video": str(video.pk), "model_version": tsn_version.pk,
            "modalities": ["rgb", "flow"],
            "fusion_weights": {"rgb": 1, "flow": 1.5}, "flow_method": "farneback"},
            format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["modalities"] == ["rgb", "flow"] and body["flow_method"] == "farneback"
    analysis = Analysis.objects.get(pk=body["id"])
    assert analysis.modalities == ["rgb", "flow"]
    assert analysis.fusion_weights == {"rgb": 1.0, "flow": 1.5}
    config = pipeline_config(analysis)
    assert config.modalities == ("rgb", "flow")
    assert config.fusion_weights == {"rgb": 1.0, "flow": 1.5}
    assert config.flow_method == "farneback"


def test_api_refuses_bad_streams(owned, api_client, user):
    video, _ = owned
    api_client.force_authenticate(user)
    bad = api_client.post("/api/v1/analyses/", {"video": str(video.pk), "modalities": ["sound"]},
                          format="json")
    assert bad.status_code == 400 and "modalities" in bad.json()["fields"]
    bad = api_client.post("/api/v1/analyses/", {
        "video": str(video.pk), "modalities": ["rgb"], "fusion_weights": {"flow": 2}},
        format="json")
    assert bad.status_code == 400 and "fusion_weights" in bad.json()["fields"]


def test_form_parses_fusion_weights(model_version, tsn_version):
    form = AnalysisOptionsForm(data={"model_version": tsn_version.pk,
                                     "modalities": ["rgb", "flow"],
                                     "fusion_weights": "rgb=1, flow=1.5", "flow_method": "dis"})
    assert form.is_valid(), form.errors
    options = form.analysis_options
    assert options.model_version == tsn_version
    assert options.modalities == ["rgb", "flow"]
    assert options.fusion_weights == {"rgb": 1.0, "flow": 1.5}
    assert options.flow_method == "dis"
    bad = AnalysisOptionsForm(data={"model_version": model_version.pk, "fusion_weights": "rgb"})
    assert not bad.is_valid() and "fusion_weights" in bad.errors


def test_upload_page_shows_each_flow_methods_measured_cost(client, user, password, model_version):
    client.login(username=user.username, password=password)
    page = client.get("/videos/upload/").content.decode()
    costs = {}
    for method, label in flow_method_choices():
        assert f'value="{method}"' in page and label in page
        number = re.search(r"≈ ([\d.]+) s of CPU per minute of video", label)
        if number:
            costs[method] = float(number[1])
    assert costs["tvl1"] > 20 * costs["dis"]  # TV-L1 is the slow, paper-faithful choice
    assert 'value="raft"' not in page  # no GPU worker here: not offered (VIGIL_GPU_WORKERS)


def test_flow_methods_are_listed_once_each_with_their_cost_in_one_unit(db) -> None:
    choices = dict(flow_method_choices())
    assert "dis" in choices and "dis_ultrafast" not in choices  # the same DIS preset
    assert {"dis_fast", "dis_medium", "farneback", "tvl1"} <= set(choices)
    for method, label in choices.items():
        assert re.fullmatch(rf"{method} \(≈ \d+(\.\d)? s of CPU per minute of video\)", label), \
            label
