"""How far span pooling moves an I3D detector's scores from per-window scoring, on real clips.

    .venv/bin/python -m bench.bench_span_pooling [--model fight_detector] [--windows 10]
        [--span-windows 8] [--margin 16] [CLIP[@FIRST_WINDOW] ...]

Each clip is decoded once; the same batches go through :class:`inference.spans.WindowScorer`
(every window its own pass, what the head was trained on) and
:class:`inference.spans.SpanScorer`. Printed per clip: the largest and mean |difference| of the
detected label's probability, how many windows change side of the model card's decision
threshold, the frames through the trunk and the CPU seconds of each way.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from bench.clips import REPO, print_table
from inference.batches import iter_stream_batches
from inference.classify import Classifier
from inference.models import recommended_threshold
from inference.pipeline import load_model
from inference.probe import probe
from inference.sampling import windows
from inference.spans import SPAN_MARGIN_FRAMES, SPAN_WINDOWS, SpanScorer, WindowScorer
from inference.types import PipelineConfig, Window

CLIPS = REPO.parent / "shared" / "clips"
DEFAULT_CLIPS = ("samples/fight_0002.mpeg@8", "samples/vtest.avi@10", "samples/chaplin.mp4@0")


def scored(scorer: WindowScorer, batches: list[tuple[list[Window], np.ndarray]],
           ) -> tuple[dict[int, np.ndarray], float]:
    """Probabilities by window index and the CPU seconds it took."""
    started = time.process_time()
    out = [item for ws, clips in batches for item in scorer.feed(ws, clips)] + scorer.flush()
    return {w.index: p for w, p in out}, time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("clips", nargs="*", default=list(DEFAULT_CLIPS))
    parser.add_argument("--model", default="fight_detector")
    parser.add_argument("--windows", type=int, default=10)
    parser.add_argument("--span-windows", type=int, default=SPAN_WINDOWS)
    parser.add_argument("--margin", type=int, default=SPAN_MARGIN_FRAMES)
    args = parser.parse_args()
    config = PipelineConfig(model=args.model, model_dir=os.environ.get("VIGIL_MODEL_DIR"))
    loaded = load_model(config)
    spec = loaded.info.input_spec
    classifier = Classifier(loaded.module, spec=spec, fold_bn=False)
    threshold = recommended_threshold(args.model) or 0.5
    rows: list[list[object]] = []
    deviations: list[float] = []
    for item in args.clips:
        name, _, first = item.partition("@")
        meta = probe(str(CLIPS / name))
        plan = windows(duration_sec=meta.duration_sec, clip_len=spec.clip_len,
                       segment_sec=config.segment_sec, stride_sec=config.stride_sec)
        plan = plan[int(first or 0):int(first or 0) + args.windows]
        batches = [(ws, clips["rgb"]) for ws, clips in iter_stream_batches(
            meta, plan, streams={"rgb": spec}, batch_size=config.batch_size)]
        alone, alone_cpu = scored(WindowScorer(classifier), batches)
        span = SpanScorer(classifier, span_windows=args.span_windows,
                          margin_frames=args.margin)
        shared, span_cpu = scored(span, batches)
        diff = np.array([abs(float(shared[w.index][0] - alone[w.index][0])) for w in plan])
        flips = sum((shared[w.index][0] >= threshold) != (alone[w.index][0] >= threshold)
                    for w in plan)
        deviations.extend(diff.tolist())
        rows.append([Path(name).name, len(plan), float(diff.max()), float(diff.mean()),
                     f"{flips}/{len(plan)}", sum(len(w.sample_times_sec) for w in plan),
                     span.frames_scored, alone_cpu, span_cpu])
    rows.append(["all", len(deviations), max(deviations), float(np.mean(deviations)), "-",
                 "-", "-", "-", "-"])
    print_table(f"{args.model}: span pooling ({args.span_windows} windows, margin "
                f"{args.margin} frames) vs per-window scoring; |diff| of P({loaded.info.labels[0]})"
                f", threshold {threshold:.2f}",
                ["clip", "windows", "max |diff|", "mean |diff|", "flips", "frames alone",
                 "frames span", "CPU s alone", "CPU s span"], rows)


if __name__ == "__main__":
    main()
