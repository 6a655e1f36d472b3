from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from inference import models
from inference.errors import ModelError
from inference.models.weights import read_checkpoint
from training.cli import main
from training.datasets import load_manifest
from training.finetune import FinetuneConfig, finetune

TINY = FinetuneConfig(init_weights="none", epochs=1, batch_size=3, segments=2, size=64,
                      train_blocks=1, workers=1, lr=1e-3)


class Evil:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("executed!",))


@pytest.fixture(scope="module")
def run(tiny_manifest: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    torch.set_num_threads(2)
    clips = load_manifest(tiny_manifest)
    seen: list[dict] = []
    out = tmp_path_factory.mktemp("run")
    finetune([c for c in clips if c.split == "train"], [c for c in clips if c.split == "val"],
             out_dir=out, config=TINY, on_epoch=seen.append)
    return out, seen


def test_one_epoch_writes_loadable_checkpoint(run: tuple[Path, list]) -> None:
    out, seen = run
    assert [row["epoch"] for row in seen] == [1]
    assert {"train_loss", "val_accuracy", "per_class", "confusion_matrix"} <= set(seen[0])
    doc = json.loads((out / "metrics.json").read_text())
    assert doc["labels"] == ["fight", "no_fight"] and len(doc["epochs"]) == 1
    for name in ("best.pt", "last.pt"):
        loaded = models.build("tsn_efficientnet_lite0", weights=str(out / name))
        assert loaded.info.labels == ("fight", "no_fight")
        with torch.no_grad():
            logits = loaded.module(torch.zeros(1, 3, 2, 64, 64))
        assert logits.shape == (1, 2)


def test_resume_continues_from_saved_epoch(run: tuple[Path, list], tiny_manifest: Path,
                                           tmp_path: Path) -> None:
    out, _ = run
    for name in ("last.pt", "best.pt", "metrics.json"):
        (tmp_path / name).write_bytes((out / name).read_bytes())
    clips = load_manifest(tiny_manifest)
    seen: list[dict] = []
    messages: list[str] = []
    config = FinetuneConfig(**{**TINY.__dict__, "epochs": 2})
    doc = finetune([c for c in clips if c.split == "train"],
                   [c for c in clips if c.split == "val"], out_dir=tmp_path, config=config,
                   on_epoch=seen.append, log=messages.append)
    assert [row["epoch"] for row in seen] == [2]
    assert [row["epoch"] for row in doc["epochs"]] == [1, 2]
    assert any("resumed" in m and "epoch 2" in m for m in messages)


def test_pickled_checkpoint_is_refused(tmp_path: Path, tiny_manifest: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "last.pt"
    torch.save({"format": "vigil.checkpoint/1", "payload": Evil()}, fake)
    with pytest.raises(ModelError, match="refused"):
        models.build("tsn_efficientnet_lite0", weights=str(fake))
    torch.save(Evil(), fake, _use_new_zipfile_serialization=False)  # a bare pickle stream
    clips = load_manifest(tiny_manifest)
    with pytest.raises(ModelError):
        finetune(clips[:2], clips[-2:], out_dir=tmp_path, config=TINY)
    assert "executed!" not in capsys.readouterr().out


def test_cli_evaluate(run: tuple[Path, list], tiny_manifest: Path,
                      capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = run
    code = main(["evaluate", str(tiny_manifest), "--weights", str(out / "best.pt"),
                 "--split", "val"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["clips"] == 2 and doc["labels"] == ["fight", "no_fight"]
    assert (doc["segments"], doc["size"]) == (2, 64)  # read from the checkpoint
    assert set(doc["per_class"]) == {"fight", "no_fight"}


def test_stats_consensus_model_fine_tunes_from_the_imagenet_backbone(
        tiny_manifest: Path, tmp_path: Path) -> None:
    clips = load_manifest(tiny_manifest)
    config = FinetuneConfig(model="tsn_efficientnet_lite0_stats", init_weights="default",
                            epochs=1, batch_size=3, segments=3, size=64, train_blocks=1,
                            workers=1)
    doc = finetune([c for c in clips if c.split == "train"],
                   [c for c in clips if c.split == "val"], out_dir=tmp_path, config=config)
    assert len(doc["epochs"]) == 1
    trained = models.build("tsn_efficientnet_lite0_stats", weights=str(tmp_path / "best.pt"))
    imagenet = models.build("tsn_efficientnet_lite0", weights="default")
    assert trained.info.labels == ("fight", "no_fight")
    assert trained.module.head.out_features == 2
    spec = trained.info.input_spec  # the checkpoint is scored as it was trained
    assert (spec.clip_len, spec.crop_size, spec.resize_short) == (3, 64, 73)
    assert models.get("tsn_efficientnet_lite0_stats").input_spec.clip_len == 8
    # frozen early blocks are the ImageNet ones: the run started from the real backbone
    torch.testing.assert_close(trained.module.backbone._blocks[0]._depthwise_conv.weight,
                               imagenet.module.backbone._blocks[0]._depthwise_conv.weight)
    with torch.no_grad():
        assert trained.module(torch.zeros(1, 3, 3, 64, 64)).shape == (1, 2)


def _stepped_scaler(module: torch.nn.Module, optimizer: torch.optim.Optimizer,
                    ) -> torch.amp.GradScaler:
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0 ** 8, growth_interval=1)
    for _ in range(3):
        optimizer.zero_grad()
        scaler.scale(module(torch.ones(1, 2)).sum()).backward()
        scaler.step(optimizer)
        scaler.update()
    return scaler


def test_resume_restores_the_grad_scaler_state(tmp_path: Path) -> None:
    from training.checkpoints import RunState, restore_run, save_epoch

    torch.manual_seed(0)
    module = torch.nn.Linear(2, 2)
    optimizer = torch.optim.SGD(module.parameters(), lr=0.1)
    scaler = _stepped_scaler(module, optimizer)
    saved = scaler.state_dict()
    assert saved["scale"] == 2.0 ** 11  # grew once per step: not the initial scale
    row = {"epoch": 3, "improved": True}
    save_epoch(tmp_path, module=module, optimizer=optimizer, scaler=scaler, model="m",
               labels=("a", "b"), state=RunState(history=[row]), row=row, improved=True,
               extra={"config": {"model": "m"}})
    fresh_module = torch.nn.Linear(2, 2)
    fresh_scaler = torch.amp.GradScaler("cpu", init_scale=2.0 ** 8, growth_interval=1)
    run = restore_run(tmp_path / "last.pt", module=fresh_module,
                      optimizer=torch.optim.SGD(fresh_module.parameters(), lr=0.1),
                      scaler=fresh_scaler, model="m", labels=("a", "b"))
    assert fresh_scaler.state_dict() == saved
    assert run.start_epoch == 4 and run.history == [row] and run.best is None
    torch.testing.assert_close(fresh_module.weight, module.weight)


def test_a_resumed_run_keeps_scaling_where_it_stopped(
        tiny_manifest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """finetune saves the AMP scaler with ``last.pt`` and hands it back on resume (a CPU
    scaler stands in for CUDA's fp16 one: it grows x2 per step, 2 steps per epoch)."""
    import training.finetune as ft

    monkeypatch.setattr(ft, "grad_scaler_for", lambda dtype: torch.amp.GradScaler(
        "cpu", init_scale=2.0 ** 8, growth_interval=1))
    clips = load_manifest(tiny_manifest)
    train = [c for c in clips if c.split == "train"]
    val = [c for c in clips if c.split == "val"]
    scales = []
    for epochs in (1, 2):
        config = FinetuneConfig(**{**TINY.__dict__, "epochs": epochs})
        finetune(train, val, out_dir=tmp_path, config=config)
        scales.append(read_checkpoint(tmp_path / "last.pt").extra["scaler"]["scale"])
    assert scales == [2.0 ** 10, 2.0 ** 12]  # without the saved state: 2 ** 10 again
