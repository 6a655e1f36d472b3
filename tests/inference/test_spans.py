"""Do no work twice: shared scoring against each window scored on its own, on real clips."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inference import spans
from inference.batches import iter_stream_batches, stream_times
from inference.classify import Classifier
from inference.pipeline import load_model, run
from inference.probe import probe
from inference.sampling import windows
from inference.types import PipelineConfig, Window


def _score(scorer: spans.WindowScorer, batches: list[tuple[list[Window], np.ndarray]],
           ) -> dict[int, np.ndarray]:
    scored = [item for ws, clips in batches for item in scorer.feed(ws, clips)]
    scored += scorer.flush()
    assert [w.index for w, _ in scored] == sorted(w.index for w, _ in scored)  # window order
    return {w.index: probs for w, probs in scored}


def _batches(path: Path, config: PipelineConfig, *, first: int, count: int,
             ) -> tuple[Classifier, list[tuple[list[Window], np.ndarray]], list[Window]]:
    loaded = load_model(config)
    spec = loaded.info.input_spec
    meta = probe(str(path))
    plan = windows(duration_sec=meta.duration_sec, clip_len=spec.clip_len,
                   segment_sec=config.segment_sec, stride_sec=config.stride_sec)
    plan = plan[first:first + count]
    batches = [(ws, clips["rgb"]) for ws, clips in iter_stream_batches(
        meta, plan, streams={"rgb": spec}, batch_size=2)]
    classifier = Classifier(loaded.module, spec=spec, fold_bn=False)
    return classifier, batches, plan


def test_span_pooled_fight_scores_stay_within_what_the_detector_states_it_measured(
        samples_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fight detector over a real fight: one I3D pass per span, cropped per window, gives
    each window's fight probability within the deviation the detector states, for fewer
    frames through the trunk; the pipeline pools spans only if that is within tolerance."""
    config = PipelineConfig(model="fight_detector")
    classifier, batches, plan = _batches(samples_dir / "fight_0002.mpeg", config, first=11,
                                         count=6)
    module = classifier.module
    stated = module.span_deviation_measured
    assert module.span_pooling_ok == (stated <= spans.SPAN_MAX_DEVIATION)
    chosen = spans.scorer_for(classifier, times_of=lambda w: ())
    assert isinstance(chosen, spans.SpanScorer) == module.span_pooling_ok
    monkeypatch.setenv(spans.SHARED_SCORING_ENV, "span")
    assert isinstance(spans.scorer_for(classifier, times_of=lambda w: ()), spans.SpanScorer)
    alone = _score(spans.WindowScorer(classifier), batches)
    span = spans.SpanScorer(classifier, span_windows=6)  # one span: 112 frames, not 192
    shared = _score(span, batches)
    assert sorted(shared) == sorted(alone) == [w.index for w in plan]
    deviation = max(abs(float(shared[i][0] - alone[i][0])) for i in alone)
    assert deviation <= stated
    assert all(np.isclose(p.sum(), 1.0, atol=1e-5) for p in shared.values())
    per_window_frames = sum(len(w.sample_times_sec) for w in plan)
    assert span.frames_scored < 0.8 * per_window_frames


def test_windows_off_the_span_grid_are_scored_on_their_own(samples_dir: Path) -> None:
    """The last window of a video is aligned to its end, off the 1 s grid: it gets exactly
    its own pass."""
    config = PipelineConfig(model="fight_detector")
    classifier, batches, plan = _batches(samples_dir / "chaplin.mp4", config, first=7, count=2)
    assert plan[-1].start_sec % 1.0 != 0.0  # 9.64 s: the last window starts at 7.64 s
    alone = _score(spans.WindowScorer(classifier), batches)
    shared = _score(spans.SpanScorer(classifier), batches)
    assert np.allclose(shared[plan[-1].index], alone[plan[-1].index], atol=1e-5)


@pytest.mark.parametrize("model", ["tsn_efficientnet_lite0_stats", "crnn_resnet18_lstm"])
def test_frame_features_are_computed_once_and_windows_score_as_alone(samples_dir: Path,
                                                                     model: str) -> None:
    config = PipelineConfig(model=model, weights="none", seed=0)
    classifier, batches, plan = _batches(samples_dir / "chaplin.mp4", config, first=0,
                                         count=4)
    spec = load_model(config).info.input_spec
    meta = probe(str(samples_dir / "chaplin.mp4"))
    shared = spans.scorer_for(classifier, times_of=lambda w: stream_times(
        w, spec, clip_len=None, fps=meta.fps))
    assert isinstance(shared, spans.FrameFeatureScorer)
    alone = _score(spans.WindowScorer(classifier), batches)
    together = _score(shared, batches)
    for index, probs in alone.items():
        assert np.allclose(together[index], probs, atol=1e-4), index
    distinct = {t for w in plan for t in w.sample_times_sec}
    assert shared.computed == len(distinct) < sum(len(w.sample_times_sec) for w in plan)


def test_the_pipeline_shares_frame_features_and_keeps_its_results(
        coded_video: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = PipelineConfig(model="tsn_resnet18", weights="none", seed=0, render=False)
    monkeypatch.setenv(spans.SHARED_SCORING_ENV, "0")
    alone = run(str(coded_video), config=config, out_dir=str(tmp_path / "alone"))
    monkeypatch.delenv(spans.SHARED_SCORING_ENV)
    shared = run(str(coded_video), config=config, out_dir=str(tmp_path / "shared"))
    assert len(shared.segments) == len(alone.segments) == 3
    for a, s in zip(alone.segments, shared.segments, strict=True):
        assert [label for label, _ in a.top] == [label for label, _ in s.top]
        assert np.allclose([p for _, p in a.top], [p for _, p in s.top], atol=1e-4)
