from __future__ import annotations

import av
import numpy as np
import pytest
import torch
from torch import nn

from inference import models
from inference.errors import ModelError
from inference.models import backbones, inflate, tsn
from inference.models.i3d import InceptionI3d
from inference.models.registry import build
from inference.models.weights import fetch_default, load_label_set, read_checkpoint
from tests.inference.media import SAMPLES

NEW_FAMILIES = {"tsn", "crnn", "i3d"}


def _tiny_input(entry: models.ModelEntry) -> torch.Tensor:
    spec = entry.input_spec
    modality = spec.modalities[0]
    channels = {"rgb": 3, "flow": 2 * spec.snippet_len, "rgbdiff": 3 * spec.snippet_len}[modality]
    frames = spec.clip_len if entry.family != "i3d" else 8
    return torch.randn(2, channels, frames, 32, 32)


@pytest.mark.parametrize(
    "name", [e.name for e in models.list_models() if e.family in NEW_FAMILIES])
def test_forward_shape_with_random_weights(name: str) -> None:
    entry = models.get(name)
    loaded = build(name, weights="none")
    with torch.inference_mode():
        out = loaded.module(_tiny_input(entry))
    assert out.shape == (2, len(loaded.info.labels))
    assert torch.isfinite(out).all()


def test_expected_names_are_registered() -> None:
    names = {e.name for e in models.list_models()}
    for backbone in ("efficientnet_lite0", "resnet18", "resnet50"):
        assert {f"tsn_{backbone}", f"tsn_{backbone}.flow", f"tsn_{backbone}.rgbdiff",
                f"crnn_{backbone}_lstm", f"crnn_{backbone}_gru"} <= names
    assert {"i3d", "i3d.flow"} <= names


def _frame(name: str, index: int = 20) -> np.ndarray:
    with av.open(str(SAMPLES / name)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i == index:
                image = frame.to_image()
                break
    width, height = image.size
    scale = 256 / min(width, height)
    image = image.resize((round(width * scale), round(height * scale)))
    width, height = image.size
    left, top = (width - 224) // 2, (height - 224) // 2
    return np.asarray(image.crop((left, top, left + 224, top + 224))).copy()


def test_efficientnet_lite0_real_weights_classify_a_car() -> None:
    path = fetch_default("package:efficientnet_lite0")
    state = torch.load(path, map_location="cpu", weights_only=True)
    net = backbones.EfficientNetLite0(1000)
    net.load_state_dict(state, strict=True)
    image = torch.from_numpy(_frame("torchvideo-1.mp4")).permute(2, 0, 1).float()[None] / 255
    mean = torch.tensor(backbones.IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(backbones.IMAGENET_STD).view(1, 3, 1, 1)
    with torch.inference_mode():
        probs = net.eval()((image - mean) / std).softmax(1)[0]
    labels = load_label_set("imagenet1k")
    top5 = {labels[i] for i in probs.topk(5).indices.tolist()}
    assert top5 & {"pickup", "convertible", "sports car", "car wheel", "minivan", "jeep",
                   "beach wagon", "cab", "racer", "grille"}, top5


def test_tsn_default_weights_are_the_real_imagenet_backbone() -> None:
    loaded = build("tsn_efficientnet_lite0", weights="default")
    assert loaded.info.weights == "package:efficientnet_lite0"
    assert len(loaded.info.labels) == 1000
    flow = build("tsn_efficientnet_lite0.flow", weights="default")
    first = flow.module.backbone._conv_stem.weight
    assert first.shape[1] == 2 * tsn.SNIPPET_LEN
    rgb_first = loaded.module.backbone._conv_stem.weight
    torch.testing.assert_close(first[:, :1], rgb_first.mean(dim=1, keepdim=True))
    torch.testing.assert_close(first[:, 3], first[:, 0])


def test_tsn_averages_snippets_and_partial_bn() -> None:
    model = tsn.tsn("resnet18", 5).eval()
    x = torch.randn(1, 3, 3, 32, 32)
    with torch.inference_mode():
        per_snippet = torch.stack([model.backbone(x[:, :, i]) for i in range(3)]).mean(0)
        torch.testing.assert_close(model(x), per_snippet)
    model.enable_partial_bn().train()
    norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    assert norms[0].training and not any(n.training for n in norms[1:])
    assert all(not p.requires_grad for n in norms[1:] for p in n.parameters())


def test_tsn_stats_consensus_reads_feature_maps_over_time_and_space() -> None:
    model = tsn.tsn("resnet18", 2, consensus="stats").eval()
    x = torch.randn(2, 3, 4, 64, 64)
    with torch.inference_mode():
        maps = torch.stack([backbones.feature_maps(model.backbone, x[:, :, i])
                            for i in range(4)], dim=1)  # (B, k, D, h, w)
        std = maps.std(1, unbiased=False)
        diff = (maps[:, 1:] - maps[:, :-1]).abs().mean(1)
        expected = torch.cat([maps.mean((1, 3, 4)), std.mean((2, 3)), diff.mean((2, 3)),
                              std.flatten(2).max(2).values, diff.flatten(2).max(2).values], 1)
        torch.testing.assert_close(model(x), model.head(expected))
        # the ResNet path equals the backbone's own pooled features
        torch.testing.assert_close(maps[:, 0].mean((2, 3)), model.backbone(x[:, :, 0]))
        still = x[:, :, :1].expand(-1, -1, 4, -1, -1)  # a still clip: no spread, no motion
        stats = tsn.temporal_stats(torch.stack([backbones.feature_maps(
            model.backbone, still[:, :, i]) for i in range(4)], dim=1))
        # motion in one corner only: the spatial max sees it more than the spatial mean
        moving = x[:, :, :1].repeat(1, 1, 4, 1, 1)
        moving[:, :, 2, :16, :16] += 3.0
        moved = tsn.temporal_stats(torch.stack([backbones.feature_maps(
            model.backbone, moving[:, :, i]) for i in range(4)], dim=1))
    dim = backbones.BACKBONES["resnet18"].feature_dim
    assert maps.shape == (2, 4, dim, 2, 2) and stats.shape == (2, len(tsn.STATS) * dim)
    assert stats[:, dim:].abs().max() < 1e-5
    std_mean, std_max = moved[:, dim:2 * dim], moved[:, 3 * dim:4 * dim]
    assert (std_max > std_mean + 1e-3).any() and (std_max >= std_mean - 1e-6).all()


def test_backbone_weights_source_loads_imagenet_backbone_with_a_new_head() -> None:
    imagenet = build("tsn_efficientnet_lite0", weights="default").module
    for name in ("tsn_efficientnet_lite0_stats", "tsn_efficientnet_lite0_stats.flow"):
        loaded = build(name, weights="backbone:efficientnet_lite0", seed=1)
        assert loaded.info.weights == "backbone:package:efficientnet_lite0"
        ours, theirs = loaded.module.backbone, imagenet.backbone
        torch.testing.assert_close(ours._blocks[5]._project_conv.weight,
                                   theirs._blocks[5]._project_conv.weight)
        assert isinstance(ours._fc, nn.Identity)
        assert loaded.module.head.in_features == len(tsn.STATS) * 1280
    with pytest.raises(ModelError, match="no 2D weights"):
        build("tsn_efficientnet_lite0_stats", weights="backbone:nonexistent")
    with pytest.raises(ModelError, match="no public weights"):
        build("tsn_efficientnet_lite0_stats", weights="default")


def test_inflated_conv_on_static_clip_equals_2d_conv() -> None:
    torch.manual_seed(0)
    conv2d = nn.Conv2d(3, 4, 3, padding=1)
    conv3d = nn.Conv3d(3, 4, (5, 3, 3), padding=(0, 1, 1))
    state = inflate.inflate_state_dict(conv2d.state_dict(), conv3d, strict=True)
    conv3d.load_state_dict(state)
    frame = torch.randn(1, 3, 16, 16)
    clip = frame.unsqueeze(2).repeat(1, 1, 7, 1, 1)
    with torch.inference_mode():
        expected = conv2d(frame)
        out = conv3d(clip)
    assert out.shape[2] == 3
    for t in range(3):
        torch.testing.assert_close(out[:, :, t], expected, atol=1e-5, rtol=1e-5)


def test_inflate_resnet_weights_into_hara_3d_resnet() -> None:
    from inference.models.resnet3d import resnet18_3d

    state_2d = backbones.build_backbone("resnet18", 1000).state_dict()
    model = resnet18_3d(1000)
    state = inflate.inflate_state_dict(state_2d, model)
    model.load_state_dict(state)
    torch.testing.assert_close(
        model.conv1.weight.sum(dim=2), state_2d["conv1.weight"], atol=1e-6, rtol=1e-5)


def test_i3d_loads_a_piergiaj_state_dict(tmp_path) -> None:
    torch.manual_seed(1)
    source = InceptionI3d(400, in_channels=2)
    state = source.state_dict()
    for key in ("Conv3d_1a_7x7.conv3d.weight", "Conv3d_1a_7x7.bn.running_mean",
                "Mixed_3b.b0.conv3d.weight", "Mixed_5c.b3b.bn.bias", "logits.conv3d.weight",
                "logits.conv3d.bias"):
        assert key in state
    assert state["Conv3d_1a_7x7.conv3d.weight"].shape == (64, 2, 7, 7, 7)
    assert state["logits.conv3d.weight"].shape == (400, 1024, 1, 1, 1)
    path = tmp_path / "flow_imagenet.pt"
    torch.save(state, path)
    assert read_checkpoint(path).state_dict.keys() == state.keys()
    loaded = build("i3d.flow", weights=str(path))
    torch.testing.assert_close(loaded.module.Mixed_4c.b1b.conv3d.weight,
                               state["Mixed_4c.b1b.conv3d.weight"])
    assert loaded.info.modalities == ("flow",)


def test_inflate_weights_source_builds_a_3d_model(tmp_path, monkeypatch) -> None:
    from inference.models import registry

    path = tmp_path / "resnet18-2d.pth"
    torch.manual_seed(2)
    state_2d = backbones.build_backbone("resnet18", 1000).state_dict()
    torch.save(state_2d, path)
    monkeypatch.setattr(registry, "fetch_default", lambda source, model_dir=None: path)
    loaded = build("resnet18_3d", weights="inflate:resnet18")
    assert loaded.info.weights == "inflate:torchvision:ResNet18_Weights.IMAGENET1K_V1"
    assert len(loaded.info.labels) == 1000
    conv = loaded.module.conv1.weight
    torch.testing.assert_close(conv.sum(dim=2), state_2d["conv1.weight"], atol=1e-6, rtol=1e-5)
