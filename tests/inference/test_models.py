"""Model registry: every model builds and runs, weights files load or are refused safely."""
from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest
import torch
from torchvision.models.video import R2Plus1D_18_Weights

from inference.errors import ModelError
from inference.models import build, get, list_models
from inference.models.weights import (
    head_num_classes,
    load_label_set,
    read_checkpoint,
    save_checkpoint,
    sha256_file,
)

#: Smallest ``(T, H, W)`` clip each model accepts (fast); others use their own InputSpec.
SMALL_CLIP = {
    "r3d_18": (4, 32, 32),
    "mc3_18": (4, 32, 32),
    "r2plus1d_18": (4, 32, 32),
    "resnet18_3d": (4, 32, 32),
    "resnet34_3d": (4, 32, 32),
    "swin3d_t": (2, 32, 32),
    "s3d": (13, 209, 209),  # its final AvgPool3d((2, 7, 7)) needs a 2x7x7 feature map
    "mvit_v2_s": (16, 224, 224),  # exactly: token grid sizes are fixed at construction
}


def _clip(name: str, *, batch: int = 2) -> torch.Tensor:
    spec = get(name).input_spec
    t, h, w = SMALL_CLIP.get(name, (spec.clip_len, spec.crop_size, spec.crop_size))
    return torch.randn(batch, 3, t, h, w, generator=torch.Generator().manual_seed(0))


def _forward(module: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    with torch.inference_mode():
        return module(x)


class _RunsShell:
    """Unpickling this would run ``touch marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {shlex.quote(str(self.marker))}",))


class _Plain:
    pass


@pytest.mark.parametrize("name", [entry.name for entry in list_models()
                                  if entry.family in ("torchvision_video", "resnet3d_hara")])
def test_every_model_runs_random(name: str) -> None:
    loaded = build(name, weights="none")
    assert not loaded.module.training
    assert loaded.info.weights == "random"
    assert loaded.info.labels == load_label_set("kinetics400")
    assert loaded.info.input_spec == get(name).input_spec
    assert _forward(loaded.module, _clip(name)).shape == (2, 400)
    with torch.device("meta"):
        meta_module = get(name).build_module(1)
    assert head_num_classes(meta_module, loaded.module.state_dict()) == 400


def test_registered_names_and_specs() -> None:
    names = {entry.name for entry in list_models()}
    assert set(SMALL_CLIP) <= names
    assert str(get("r2plus1d_18").default_weights) == \
        "torchvision:R2Plus1D_18_Weights.KINETICS400_V1"
    assert get("resnet34_3d").default_weights is None
    assert get("r3d_18").input_spec.resize_short == 128
    assert get("mvit_v2_s").input_spec.mean == (0.45, 0.45, 0.45)
    assert get("resnet34_3d").input_spec.std == (1 / 255, 1 / 255, 1 / 255)
    with pytest.raises(ModelError, match=r"unknown model 'nope'; known: .*r2plus1d_18"):
        get("nope")


def test_random_weights_are_seeded() -> None:
    a = build("resnet18_3d", weights="none", seed=3).module.state_dict()
    b = build("resnet18_3d", weights="none", seed=3).module.state_dict()
    c = build("resnet18_3d", weights="none", seed=4).module.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not torch.equal(a["conv1.weight"], c["conv1.weight"])


def test_kinetics_labels_match_torchvision() -> None:
    labels = load_label_set("kinetics400")
    assert len(labels) == 400
    assert len(set(labels)) == 400
    assert all(label.strip() == label and label for label in labels)
    assert list(labels) == R2Plus1D_18_Weights.KINETICS400_V1.meta["categories"]
    with pytest.raises(ModelError, match="unknown label set"):
        load_label_set("../weights")


def test_hara_checkpoint_loads(tmp_path: Path) -> None:
    original = build("resnet34_3d", weights="none", seed=1).module
    state = original.state_dict()
    path = tmp_path / "resnet-34-kinetics.pth"
    hara_state = {f"module.{k}": v for k, v in state.items()}
    torch.save({"epoch": 200, "arch": "resnet-34", "state_dict": hara_state}, path)
    loaded = build("resnet34_3d", weights=str(path))
    assert loaded.info.weights == f"file:{sha256_file(path)}"
    assert loaded.info.labels == load_label_set("kinetics400")
    got = loaded.module.state_dict()
    assert got.keys() == state.keys()
    assert all(torch.equal(got[k], state[k]) for k in state)
    x = _clip("resnet34_3d")
    assert torch.equal(_forward(loaded.module, x), _forward(original, x))


def test_vigil_checkpoint_with_own_labels(tmp_path: Path) -> None:
    module = get("resnet18_3d").build_module(2)
    path = tmp_path / "fight.pt"
    digest = save_checkpoint(
        path,
        arch="resnet18_3d",
        state_dict=module.state_dict(),
        labels=["fight", "no_fight"],
        extra={"epoch": 3},
    )
    assert digest == sha256_file(path)
    assert [p.name for p in tmp_path.iterdir()] == ["fight.pt"]
    assert read_checkpoint(path).extra == {"epoch": 3}
    loaded = build("resnet18_3d", weights=str(path))
    assert loaded.info.labels == ("fight", "no_fight")
    assert loaded.info.weights == f"file:{digest}"
    assert _forward(loaded.module, _clip("resnet18_3d")).shape == (2, 2)
    with pytest.raises(ModelError, match="'resnet18_3d' checkpoint, not 'resnet34_3d'"):
        build("resnet34_3d", weights=str(path))


def test_fine_tuned_state_dict_takes_sidecar_labels(tmp_path: Path) -> None:
    path = tmp_path / "three.pth"
    torch.save(get("resnet18_3d").build_module(3).state_dict(), path)
    with pytest.raises(ModelError, match=r"3 classes.*three\.pth\.labels\.txt"):
        build("resnet18_3d", weights=str(path))
    (tmp_path / "three.pth.labels.txt").write_text("a\nb\nc\n", encoding="utf-8")
    assert build("resnet18_3d", weights=str(path)).info.labels == ("a", "b", "c")


@pytest.mark.parametrize("payload", ["runs_shell_zip", "runs_shell_raw_pickle", "object", "text"])
def test_unsafe_or_invalid_files_are_refused(tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "executed"
    path = tmp_path / "weights.pth"
    if payload == "runs_shell_zip":
        torch.save({"fc.weight": _RunsShell(marker)}, path)
    elif payload == "runs_shell_raw_pickle":
        # torch's legacy (non-zip) format: a bare pickle stream; never unpickled here
        torch.save(_RunsShell(marker), path, _use_new_zipfile_serialization=False)
    elif payload == "object":
        torch.save({"x": _Plain()}, path)
    else:
        path.write_text("these are not weights\n", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot read weights file") as info:
        build("resnet18_3d", weights=str(path))
    assert "\n" not in str(info.value)
    assert not marker.exists()


def test_missing_file_and_non_state_dict(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="weights file not found"):
        build("resnet18_3d", weights=str(tmp_path / "absent.pth"))
    path = tmp_path / "list.pth"
    torch.save([torch.zeros(1)], path)
    with pytest.raises(ModelError, match="not a state dict"):
        build("resnet18_3d", weights=str(path))


def test_default_weights_without_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def offline(url: str, dst: str, **kwargs: object) -> None:
        raise OSError("network is unreachable")

    monkeypatch.setattr(torch.hub, "download_url_to_file", offline)
    with pytest.raises(ModelError) as info:
        build("r2plus1d_18", weights="default", model_dir=str(tmp_path))
    message = str(info.value)
    assert "r2plus1d_18-91a641e6.pth" in message
    assert str(tmp_path) in message
    assert "--weights PATH" in message
    assert "\n" not in message
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ModelError, match="no public weights download"):
        build("resnet34_3d", weights="default", model_dir=str(tmp_path))


def test_default_weights_download_and_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = get("r3d_18").build_module(400).state_dict()
    calls: list[tuple[str, str | None]] = []

    def fake_download(url: str, dst: str, hash_prefix: str | None = None, **kw: object) -> None:
        calls.append((url, hash_prefix))
        torch.save(state, dst)

    monkeypatch.setattr(torch.hub, "download_url_to_file", fake_download)
    monkeypatch.setenv("VIGIL_MODEL_DIR", str(tmp_path))
    for _ in range(2):
        loaded = build("r3d_18", weights="default")
        assert loaded.info.weights == "torchvision:R3D_18_Weights.KINETICS400_V1"
    assert calls == [("https://download.pytorch.org/models/r3d_18-b3b3357e.pth", "b3b3357e")]
    assert [p.name for p in tmp_path.iterdir()] == ["r3d_18-b3b3357e.pth"]
    got = loaded.module.state_dict()
    assert all(torch.equal(got[k], state[k]) for k in state)


def test_wrong_shape_or_missing_key_names_the_key(tmp_path: Path) -> None:
    state = get("resnet18_3d").build_module(400).state_dict()
    state["layer2.0.conv1.weight"] = torch.zeros(128, 64, 1, 3, 3)
    del state["layer1.0.bn1.running_mean"]
    path = tmp_path / "bad.pth"
    torch.save(state, path)
    with pytest.raises(ModelError) as info:
        build("resnet18_3d", weights=str(path))
    message = str(info.value)
    assert "missing keys layer1.0.bn1.running_mean" in message
    assert "shape mismatch layer2.0.conv1.weight (128, 64, 1, 3, 3) in file" in message
    assert "\n" not in message
