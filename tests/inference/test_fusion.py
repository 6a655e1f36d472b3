from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inference import flow
from inference.errors import ModelError
from inference.fuse import fuse_scores, fusion_weights_for
from inference.pipeline import iter_stream_batches, run, stream_model_name
from inference.probe import probe
from inference.results import read_document
from inference.sampling import windows
from inference.types import PipelineConfig
from tests.inference.media import CLIPS

CLIP = CLIPS / "fight-surv" / "fight" / "fi002.mp4"
FUSED = {"model": "tsn_resnet18", "weights": "none", "clip_len": 3, "render_max_height": 240,
         "modalities": ("rgb", "flow"), "fusion_weights": {"rgb": 1.0, "flow": 1.5},
         "flow_method": "dis", "top_k": 3}


def test_fuse_scores_is_the_weighted_average() -> None:
    a, b = np.array([[0.8, 0.2]]), np.array([[0.2, 0.8]])
    fused = fuse_scores({"rgb": a, "flow": b}, {"rgb": 1.0, "flow": 3.0})
    np.testing.assert_allclose(fused, [[0.35, 0.65]], rtol=1e-6)
    assert fusion_weights_for(("rgb", "flow"), {"flow": 1.5}) == {"rgb": 1.0, "flow": 1.5}
    with pytest.raises(ValueError, match="not analysed"):
        fusion_weights_for(("rgb",), {"flow": 1.0})


def test_stream_names() -> None:
    assert stream_model_name("tsn_resnet18", "rgb") == "tsn_resnet18"
    assert stream_model_name("tsn_resnet18", "flow") == "tsn_resnet18.flow"
    assert stream_model_name("tsn_resnet18.flow", "rgb") == "tsn_resnet18"
    assert stream_model_name("i3d", "flow") == "i3d.flow"


def test_stream_batches_shapes() -> None:
    meta = probe(str(CLIP))
    plan = windows(duration_sec=meta.duration_sec, clip_len=3, segment_sec=2.0, stride_sec=1.0)
    from inference.models import get

    specs = {m: get(n).input_spec for m, n in (("rgb", "tsn_resnet18"),
                                               ("flow", "tsn_resnet18.flow"),
                                               ("rgbdiff", "tsn_resnet18.rgbdiff"))}
    batches = list(iter_stream_batches(meta, plan[:1], streams=specs, batch_size=2, clip_len=3))
    assert len(batches) == 1
    (window,), arrays = batches[0]
    L, size = specs["flow"].snippet_len, specs["rgb"].crop_size
    assert arrays["rgb"].shape == (1, 3, size, size, 3)
    assert arrays["flow"].shape == (1, 3, size, size, 2 * L)
    assert arrays["rgbdiff"].shape == (1, 3, size, size, 3 * (L + 1))
    assert arrays["flow"].dtype == np.uint8
    assert window.index == 0


def test_two_stream_analysis_fuses_scores(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(flow.CACHE_ENV, str(tmp_path / "flowcache"))
    results = run(str(CLIP), config=PipelineConfig(**FUSED), out_dir=str(tmp_path / "out"))
    document = read_document(tmp_path / "out" / "results.json")
    assert document["model"]["modalities"] == ["rgb", "flow"]
    assert document["model"]["fusion_weights"] == {"rgb": 1.0, "flow": 1.5}
    assert document["segments"]
    for segment in document["segments"]:
        assert set(segment["streams"]) == {"rgb", "flow"}
        for label, fused in segment["scores"].items():
            expected = (segment["streams"]["rgb"][label]
                        + 1.5 * segment["streams"]["flow"][label]) / 2.5
            assert fused == pytest.approx(expected, abs=2e-6)
    assert (tmp_path / "out" / "annotated.mp4").is_file()
    assert len(list((tmp_path / "flowcache").rglob("dis-224x224-b20.npz"))) == 1
    assert results.timings_sec["flow"] > 0


def test_unknown_stream_is_a_model_error(tmp_path: Path) -> None:
    config = PipelineConfig(model="r3d_18", weights="none", modalities=("rgb", "flow"))
    with pytest.raises(ModelError, match=r"r3d_18\.flow"):
        run(str(CLIP), config=config, out_dir=str(tmp_path))


def test_cli_parses_streams_and_prints_a_tvl1_estimate(tmp_path: Path, capsys) -> None:
    from inference import cli

    args = cli.build_parser().parse_args([
        "analyze", str(CLIP), "--out", str(tmp_path), "--model", "tsn_resnet18",
        "--modalities", "rgb,flow", "--fusion-weights", "rgb=1,flow=1.5",
        "--flow-method", "tvl1", "--clip-len", "2"])
    config = cli._config(args)
    assert config.modalities == ("rgb", "flow")
    assert config.fusion_weights == {"rgb": 1.0, "flow": 1.5}
    assert config.flow_method == "tvl1"
    estimate = cli._tvl1_estimate(str(CLIP), config)
    assert estimate.startswith("TV-L1 flow: ") and "s/pair at 224x224" in estimate
    pairs = int(estimate.split()[2])
    meta = probe(str(CLIP))
    plan = windows(duration_sec=meta.duration_sec, clip_len=2, segment_sec=2.0, stride_sec=1.0)
    assert 0 < pairs <= len(plan) * 2 * 5
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["analyze", "x", "--out", "y", "--fusion-weights", "rgb"])
    assert "expected modality=weight" in capsys.readouterr().err


def test_a_flow_model_alone_gets_flow_input(tmp_path: Path) -> None:
    config = PipelineConfig(model="tsn_resnet18.flow", weights="none", clip_len=2, render=False)
    results = run(str(CLIP), config=config, out_dir=str(tmp_path))
    assert results.model.modalities == ("flow",)
    assert results.segments and not results.segments[0].streams
    assert results.timings_sec["flow"] > 0


def test_second_analysis_reads_flow_from_the_cache(tmp_path: Path, monkeypatch) -> None:
    calls: list[int] = []
    real = flow.flow_function

    def counting(method: str, **kwargs):
        fn = real(method, **kwargs)

        def compute(a, b):
            calls.append(1)
            return fn(a, b)

        return compute

    monkeypatch.setattr(flow, "flow_function", counting)
    config = PipelineConfig(**{**FUSED, "render": False, "clip_len": 2,
                               "flow_cache_dir": str(tmp_path / "cache")})
    first = run(str(CLIP), config=config, out_dir=str(tmp_path / "a"))
    computed = len(calls)
    assert computed > 0
    second = run(str(CLIP), config=config, out_dir=str(tmp_path / "b"))
    assert len(calls) == computed  # every pair came from the cache
    assert [s.scores for s in first.segments] == [s.scores for s in second.segments]


def test_weights_path_may_name_one_file_per_stream(tmp_path: Path) -> None:
    import torch

    from inference.models import build
    from inference.pipeline import load_streams

    for modality, name in (("rgb", "tsn_resnet18"), ("flow", "tsn_resnet18.flow")):
        torch.save(build(name, weights="none", seed=7).module.state_dict(),
                   tmp_path / f"w.{modality}.pt")
    config = PipelineConfig(model="tsn_resnet18", weights=str(tmp_path / "w.{modality}.pt"),
                            modalities=("rgb", "flow"))
    streams = load_streams(config)
    assert streams["flow"].info.name == "tsn_resnet18.flow"
    assert streams["flow"].module.backbone.conv1.weight.shape[1] == 10
    assert streams["rgb"].info.weights.startswith("file:")
