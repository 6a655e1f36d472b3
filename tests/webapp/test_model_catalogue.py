"""What a clean install offers: trained detectors by default, never random weights."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from webapp.models_registry import services as version_services
from webapp.models_registry.models import ModelVersion
from webapp.models_registry.selectors import model_version_analysable


@pytest.fixture
def clean_install(settings, tmp_path: Path, db) -> None:
    """``make run`` on a fresh machine: default weights, an empty model dir, users' view."""
    settings.VIGIL_MODEL_DIR = str(tmp_path / "models")
    settings.VIGIL_DEFAULT_WEIGHTS = "default"
    settings.VIGIL_SHOW_UNTRAINED = False
    call_command("vigil_sync_models", stdout=open("/dev/null", "w"))


def test_a_clean_install_defaults_to_the_trained_fight_detector(clean_install) -> None:
    default = ModelVersion.objects.get(is_default=True)
    assert default.arch == "fight_detector" and default.weights == "default"
    assert default.is_active and not default.untrained
    assert default.labels == ["fight", "no_fight"]
    offered = {v.arch for v in model_version_analysable()}
    assert {"fight_detector", "fall_detector", "i3d"} <= offered
    # Each model is registered on its own: a download that cannot happen marks only its model.
    assert not ModelVersion.objects.get(arch="r2plus1d_18").is_active
    assert "download needed" in ModelVersion.objects.get(arch="r2plus1d_18").description
    # The ImageNet backbone is a fine-tuning start, not an analysis ("beagle" is no action).
    backbone = ModelVersion.objects.get(arch="tsn_efficientnet_lite0")
    assert backbone.is_active and backbone.kind == "backbone"
    assert "tsn_efficientnet_lite0" not in offered and "i3d.flow" not in offered


def test_no_analysis_form_or_list_offers_random_weights(
        clean_install, client, user, password, api_client,
        django_capture_on_commit_callbacks) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.webapp.conftest import SHORT_CLIP
    from webapp.videos import services

    video, _ = services.video_upload(
        owner=user, upload=SimpleUploadedFile("clip.mp4", SHORT_CLIP.read_bytes()))
    ModelVersion.objects.create(name="mc3_18.untrained", arch="mc3_18", weights="none",
                                labels=["a"], input_spec={})
    client.login(username=user.username, password=password)
    page = client.get("/videos/upload/").content.decode()
    assert "fight_detector" in page
    assert "untrained" not in page and "tsn_efficientnet_lite0" not in page
    api_client.force_authenticate(user)
    names = {v["name"] for v in api_client.get("/api/v1/model-versions/").json()["results"]}
    assert "fight_detector" in names and "mc3_18.untrained" not in names
    untrained = ModelVersion.objects.get(name="mc3_18.untrained")
    response = api_client.post("/api/v1/analyses/", {
        "video": str(video.pk), "model_version": untrained.pk}, format="json")
    assert response.status_code == 400 and "model_version" in response.json()["fields"]
    fight = ModelVersion.objects.get(arch="fight_detector")
    with django_capture_on_commit_callbacks(execute=False):
        response = api_client.post("/api/v1/analyses/", {
            "video": str(video.pk), "model_version": fight.pk}, format="json")
    assert response.status_code == 202, response.content


def test_promotion_refuses_untrained_and_worse_versions(clean_install, staff_user,
                                                        tmp_path: Path) -> None:
    from tests.webapp.test_training_runs import make_dataset
    from webapp.training_runs.models import Evaluation, RunStatus

    untrained = ModelVersion.objects.create(name="x.untrained", arch="mc3_18", weights="none",
                                            labels=["a"], input_spec={})
    with pytest.raises(ValidationError, match="random"):
        version_services.model_version_set_default(version=untrained, force=True)

    current = ModelVersion.objects.get(is_default=True)
    fall = ModelVersion.objects.get(arch="fall_detector")
    dataset = make_dataset(tmp_path, staff_user)
    for version, accuracy in ((current, 0.9), (fall, 0.6)):
        Evaluation.objects.create(version=version, dataset=dataset, split="val",
                                  status=RunStatus.SUCCEEDED, metrics={"accuracy": accuracy},
                                  finished_at=timezone.now())
    with pytest.raises(ValidationError, match=r"less accurate .* \(60\.0% vs 90\.0%\)"):
        version_services.model_version_set_default(version=fall)
    assert version_services.model_version_set_default(version=fall, force=True).is_default


def test_pickers_name_detectors_by_what_they_detect_and_offer_no_streams_or_backbones(
        clean_install, client, user, password, api_client) -> None:
    import html as html_lib
    import re

    client.login(username=user.username, password=password)
    page = client.get("/videos/upload/").content.decode()
    select = re.search(r'<select name="model_version".*?</select>', page, re.S)
    assert select is not None
    options = [(value, html_lib.unescape(text).strip(), "selected" in attrs) for attrs, value, text
               in re.findall(r'<option( value="(\d+)"[^>]*)>([^<]*)</option>', select[0])]
    fight = ModelVersion.objects.get(arch="fight_detector")
    # The default detector first and chosen, named by what it detects and how well.
    assert options[0][0] == str(fight.pk) and options[0][2]
    assert re.fullmatch(r"Fight detector — \d\d% CV accuracy \(fight_detector\)", options[0][1])
    titles = [title for _, title, _ in options]
    assert "Kinetics-400 actions (i3d)" in titles
    assert "Kinetics-400 actions and fight (kinetics400_fight)" in titles
    assert any(re.fullmatch(r"Fall detector — \d\d% CV accuracy \(fall_detector\)", t)
               for t in titles)
    # No stream-only (flow, RGB difference) or ImageNet-backbone entry is offered.
    offered = ModelVersion.objects.filter(pk__in=[int(value) for value, _, _ in options])
    assert {v.kind for v in offered} == {"classifier"}
    assert not any(".flow" in t or ".rgbdiff" in t or "tsn_" in t for t in titles)
    # The API lists the same versions, in the same order, with the same titles.
    api_client.force_authenticate(user)
    listed = api_client.get("/api/v1/model-versions/", {"analysable": "true"}).json()["results"]
    assert [(str(v["id"]), v["title"]) for v in listed] == [(v, t) for v, t, _ in options]
    everything = api_client.get("/api/v1/model-versions/").json()["results"]
    assert any(v["name"] == "tsn_efficientnet_lite0" for v in everything)  # a fine-tuning start
    assert api_client.get("/api/v1/model-versions/", {"analysable": "maybe"}).status_code == 400


def test_a_fine_tuned_version_is_named_by_its_labels_and_measured_accuracy(db) -> None:
    from tests.webapp.conftest import kinetics_labels
    from webapp.models_registry.selectors import model_version_detects, model_version_title

    tuned = ModelVersion(name="i3d.ft-1234", arch="i3d", weights="versions/i3d.ft-1234.pt",
                         labels=["shoplifting", "vandalism", "normal", "no_theft"],
                         metrics={"val_accuracy": 0.914})
    assert model_version_title(tuned) == \
        "Shoplifting and vandalism detector — 91% validation accuracy (i3d.ft-1234)"
    tuned.metrics = {"val_accuracy": 0.5, "cv": {"accuracy_mean": 0.87, "k": 5}}
    assert model_version_title(tuned).endswith("— 87% CV accuracy (i3d.ft-1234)")
    many = ModelVersion(name="x", labels=["run", "jump", "kick", "punch", "no_action"])
    assert model_version_detects(many) == "4 actions (run, jump, kick, …)"
    untrained = ModelVersion(name="r3d_18.untrained", weights="none", labels=kinetics_labels())
    assert model_version_title(untrained) == \
        "Kinetics-400 actions — random weights (r3d_18.untrained)"
